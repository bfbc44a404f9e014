// Optimizely offline orders end to end: slotwise/server's sendOfflineOrder against the sandbox's
// endpoint, which checks them by the documentation's own rules and files every order it gets (a
// repeated refCode marked) on the guest its user names, durably.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type OfflineOrderEntry, type RequestEntry } from '../../demo/server/sandbox.mjs';
import { sendOfflineOrder, type OfflineOrder } from '../../src/server/index';
import { addFault, createBrowser, guest, message, postEvent, startSandbox, type Started } from './helpers';

const PATH = '/tracker/smart-api/orders/offline';
const auth = { Authorization: 'Bearer sandbox-token' };

let sandbox: Started;
let endpoint: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  endpoint = `${sandbox.url}${PATH}`;
});
afterEach(async () => {
  await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' });
});
afterAll(() => sandbox.dispose());

let next = 0;
const refCode = () => `ORD-${Date.now()}-${++next}`;

const order = (ref: string, user?: OfflineOrder['user']): OfflineOrder => ({
  ...(user ? { user } : {}),
  order: {
    refCode: ref,
    orderDate: '2016-05-16T14:25:00 GMT',
    currency: 'GBP',
    shipping: 4.5,
    subTotal: 90,
    total: 94.5,
    items: [
      { refCode: 'ref1', qty: 1, price: 50, attributes: { discount: 'true' } },
      { refCode: 'ref2', qty: 2, price: 20 },
    ],
    attributes: { store: 'StreamlyCool Regent Street' },
  },
});

/** A guest who logged in online: an IDENTITY event with an email and a CRM id. */
async function identifiedGuest(email: string, crmId: string) {
  const browserId = (await createBrowser(sandbox.url)).json.ref;
  const identity = message(browserId, 'IDENTITY', { email, identifiers: [{ id: crmId, provider: 'crm' }] });
  expect((await postEvent(sandbox.url, identity)).status).toBe(200);
  return browserId;
}

const requestsTo = async (path: string) =>
  ((await (await fetch(`${sandbox.url}/sandbox/requests`)).json()) as RequestEntry[]).filter((r) => r.path === path);
const allOrders = async (base = sandbox.url) =>
  (await (await fetch(`${base}/sandbox/orders`)).json()) as OfflineOrderEntry[];
const post = (
  body: unknown,
  headers: Record<string, string> = { authorization: 'Bearer x', 'content-type': 'application/json' },
) => fetch(`${sandbox.url}${PATH}`, { method: 'POST', headers, body: JSON.stringify(body) });

describe('POST /tracker/smart-api/orders/offline', () => {
  it('stores an order sent by sendOfflineOrder on the guest user.id names', async () => {
    const browserId = await identifiedGuest('ada@example.com', 'CRM-ada');
    const ref = refCode();
    const before = Date.now();
    expect(
      await sendOfflineOrder(order(ref, { id: browserId, info: { gender: 'female' } }), { endpoint, auth }),
    ).toEqual({ ok: true, status: 200 });

    const timeline = (await guest(sandbox.url, browserId))!;
    expect(timeline.offlineOrders).toEqual([
      {
        id: expect.any(String),
        refCode: ref,
        duplicateOf: null,
        receivedAt: expect.any(String),
        browserId,
        body: {
          lang: 'en-gb',
          user: { id: browserId, info: { gender: 'female' } },
          order: { ...order(ref).order, items: order(ref).order.items },
        },
      },
    ]);
    expect(Date.parse(timeline.offlineOrders[0]!.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await allOrders()).at(-1)).toEqual(timeline.offlineOrders[0]);
  });

  it('finds the guest by an identifier id or by the IDENTITY email, else stores the order unattached', async () => {
    const browserId = await identifiedGuest('grace@example.com', 'CRM-grace');
    const [byCrmId, byEmail, nobody] = [refCode(), refCode(), refCode()];
    for (const [ref, user] of [
      [byCrmId, { id: 'CRM-grace' }],
      [byEmail, { email: 'Grace@Example.com' }],
      [nobody, { id: 'someone-we-never-saw' }],
    ] as const) {
      expect((await sendOfflineOrder(order(ref, user), { endpoint, auth })).ok).toBe(true);
    }
    const timeline = (await guest(sandbox.url, browserId))!;
    expect(timeline.offlineOrders.map((o) => o.refCode)).toEqual([byCrmId, byEmail]);
    const stored = await allOrders();
    expect(stored.find((o) => o.refCode === nobody)).toMatchObject({
      browserId: null,
      body: { user: { id: 'someone-we-never-saw' } },
    });
    // Newest last.
    expect(stored.slice(-3).map((o) => o.refCode)).toEqual([byCrmId, byEmail, nobody]);
    // An order without user is stored too, unattached.
    const anonymous = refCode();
    expect((await sendOfflineOrder(order(anonymous), { endpoint, auth })).ok).toBe(true);
    expect((await allOrders()).at(-1)).toMatchObject({ refCode: anonymous, browserId: null });
  });

  it('stores a repeated refCode again and marks it, as an endpoint that does not dedupe would count it', async () => {
    const browserId = await identifiedGuest('linus@example.com', 'CRM-linus');
    const ref = refCode();
    expect(await sendOfflineOrder(order(ref, { id: browserId }), { endpoint, auth })).toEqual({
      ok: true,
      status: 200,
    });
    expect(await sendOfflineOrder(order(ref, { id: browserId }), { endpoint, auth })).toEqual({
      ok: true,
      status: 200,
    });
    const again = await post({ order: { ...order(ref).order, shipping: 0, total: 90 } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'OK', refCode: ref }); // answered like any order
    const stored = (await allOrders()).filter((o) => o.refCode === ref);
    expect(stored.map((o) => o.duplicateOf)).toEqual([null, stored[0]!.id, stored[0]!.id]);
    expect(new Set(stored.map((o) => o.id)).size).toBe(3);
    expect(stored.map((o) => o.body.order.total)).toEqual([94.5, 94.5, 90]);
    expect((await guest(sandbox.url, browserId))!.offlineOrders.map((o) => o.duplicateOf)).toEqual([
      null,
      stored[0]!.id,
    ]);
  });

  it('keeps one order per refCode only when asked to (dedupeOrders)', async () => {
    const lenient = await startSandbox({ dedupeOrders: true });
    try {
      const at = { endpoint: lenient.url, auth };
      expect(await sendOfflineOrder(order('ORD-once'), at)).toEqual({ ok: true, status: 200 });
      const again = await fetch(`${lenient.url}${PATH}`, {
        method: 'POST',
        headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
        body: JSON.stringify(order('ORD-once')),
      });
      expect(await again.json()).toEqual({ status: 'OK', refCode: 'ORD-once', duplicate: true });
      expect(await allOrders(lenient.url)).toEqual([
        expect.objectContaining({ refCode: 'ORD-once', duplicateOf: null }),
      ]);
    } finally {
      await lenient.dispose();
    }
  });

  it('takes a real receipt: discounts, tax and rounding are not checked against the items', async () => {
    const ref = refCode();
    const receipt = order(ref);
    // 10 % off, 20 % VAT on top, a returned item as a negative line.
    receipt.order.items = [...receipt.order.items, { refCode: 'ref3', qty: -1, price: 12.5 }];
    Object.assign(receipt.order, { subTotal: 69.75, shipping: 3.99, total: 87.69 });
    expect(await sendOfflineOrder(receipt, { endpoint, auth })).toEqual({ ok: true, status: 200 });
    expect((await allOrders()).at(-1)).toMatchObject({
      refCode: ref,
      body: { order: { subTotal: 69.75, total: 87.69 } },
    });
  });

  it('answers 401 without an authentication header, which sendOfflineOrder reports as rejected', async () => {
    const ref = refCode();
    const result = await sendOfflineOrder(order(ref), {
      endpoint,
      auth: { 'x-site-token': 'not what the endpoint reads' },
    });
    expect(result).toMatchObject({ ok: false, reason: 'rejected', error: { code: 'rejected', status: 401 } });
    expect(!result.ok && result.error.message).toMatch(/401: authentication required/);
    expect((await allOrders()).some((o) => o.refCode === ref)).toBe(false);
    // x-api-key is an authentication header too.
    expect((await sendOfflineOrder(order(ref), { endpoint, auth: { 'x-api-key': 'k' } })).ok).toBe(true);
  });

  it('takes only the configured credentials when the sandbox has some', async () => {
    const guarded = await startSandbox({ orderAuth: 'Bearer till-1' });
    try {
      const at = { endpoint: guarded.url };
      expect(
        await sendOfflineOrder(order(refCode()), { ...at, auth: { Authorization: 'Bearer guess' } }),
      ).toMatchObject({ ok: false, reason: 'rejected', error: { status: 401 } });
      expect(await sendOfflineOrder(order(refCode()), { ...at, auth: { Authorization: 'Bearer till-1' } })).toEqual({
        ok: true,
        status: 200,
      });
    } finally {
      await guarded.dispose();
    }
  });

  it('refuses a body that breaks the documented rules with 400 naming the field', async () => {
    const good = order('ORD-bad-input', { id: 'someone' });
    const cases: Array<[unknown, string]> = [
      [{ lang: 'en-gb' }, 'order'],
      [{ order: { ...good.order, refCode: '' } }, 'order.refCode'],
      [{ order: { ...good.order, items: 'ref1' } }, 'order.items'],
      [{ order: { ...good.order, items: [{ qty: 1, price: 2 }] } }, 'order.items[0].refCode'],
      [
        {
          order: {
            ...good.order,
            items: [
              { refCode: 'a', qty: 1, price: 2 },
              { refCode: 'b', price: 2 },
            ],
          },
        },
        'order.items[1].qty',
      ],
      [{ order: { ...good.order, items: [{ refCode: 'a', qty: 1 }] } }, 'order.items[0].price'],
      [{ user: { info: { gender: 'male' } }, order: good.order }, 'user'],
      [{ order: { ...good.order, items: [{ refCode: 'ref1', qty: 1.5, price: 50 }] } }, 'order.items[0].qty'],
      [{ order: { ...good.order, items: [{ refCode: 'ref1', qty: 1, price: '50.00' }] } }, 'order.items[0].price'],
      [{ order: { ...good.order, items: [] } }, 'order.items'],
      [{ order: { ...good.order, orderDate: undefined } }, 'order.orderDate'],
      // Only the documented form: not ISO 8601's, not another zone, not a day that does not exist.
      [{ order: { ...good.order, orderDate: '2016-05-16T14:25:00Z' } }, 'order.orderDate'],
      [{ order: { ...good.order, orderDate: '2016-05-16T14:25:00 CET' } }, 'order.orderDate'],
      [{ order: { ...good.order, orderDate: '2016-02-30T14:25:00 GMT' } }, 'order.orderDate'],
      [{ order: { ...good.order, currency: 'pounds' } }, 'order.currency'],
      [{ order: { ...good.order, currency: 'gbp' } }, 'order.currency'],
      [{ order: { ...good.order, shipping: undefined } }, 'order.shipping'],
      [{ order: { ...good.order, total: '94.50' } }, 'order.total'],
      [{ order: { ...good.order, attributes: 'Regent Street' } }, 'order.attributes'],
      [{ lang: 'English', order: good.order }, 'lang'],
      [{ user: { email: 'not an address' }, order: good.order }, 'user.email'],
      [{ user: { id: 'x', info: 'male' }, order: good.order }, 'user.info'],
      [[good], 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.status, field).toBe(400);
      expect(await res.json()).toMatchObject({ status: 'error', field, message: expect.any(String) });
    }
    const notJson = await post(good, { authorization: 'Bearer x', 'content-type': 'text/plain' });
    expect(notJson.status).toBe(415);
    expect((await allOrders()).some((o) => o.refCode === 'ORD-bad-input')).toBe(false);
  });

  it('is sent again after 503s that carry Retry-After, and then stored once', async () => {
    const browserId = await identifiedGuest('barbara@example.com', 'CRM-barbara');
    await fetch(`${sandbox.url}/sandbox/requests`, { method: 'DELETE' });
    expect(
      (await addFault(sandbox.url, { path: PATH, method: 'POST', status: 503, retryAfter: 0, count: 2 })).status,
    ).toBe(201);
    const ref = refCode();
    expect(await sendOfflineOrder(order(ref, { id: browserId }), { endpoint, auth })).toEqual({
      ok: true,
      status: 200,
    });
    expect((await requestsTo(PATH)).map((r) => r.status)).toEqual([503, 503, 200]);
    expect((await guest(sandbox.url, browserId))!.offlineOrders.map((o) => o.refCode)).toEqual([ref]);
  });

  it('gives up as dropped when the 503s outlast the retries, and nothing is stored', async () => {
    await addFault(sandbox.url, { path: PATH, status: 503, retryAfter: 0, count: 2 });
    const ref = refCode();
    expect(await sendOfflineOrder(order(ref), { endpoint, auth, retries: 1 })).toMatchObject({
      ok: false,
      reason: 'dropped',
      maybeStored: false,
      error: { status: 503 },
    });
    expect((await allOrders()).some((o) => o.refCode === ref)).toBe(false);
  });

  it('sends once after a bare 503 or a dropped connection: the order may have been stored', async () => {
    for (const fault of [{ status: 503 }, { reset: true }]) {
      await fetch(`${sandbox.url}/sandbox/requests`, { method: 'DELETE' });
      await addFault(sandbox.url, { path: PATH, ...fault });
      const result = await sendOfflineOrder(order(refCode()), { endpoint, auth });
      expect(result, JSON.stringify(fault)).toMatchObject({ ok: false, maybeStored: true });
      expect(await requestsTo(PATH), JSON.stringify(fault)).toHaveLength(1);
    }
  });

  it('tries again when no connection could be opened: nothing can have been stored', async () => {
    const closed = await startSandbox();
    const url = closed.url;
    await closed.dispose(); // nobody listens on its port any more
    const result = await sendOfflineOrder(order(refCode()), { endpoint: url, auth, retries: 1 });
    expect(result).toMatchObject({ ok: false, reason: 'blocked', maybeStored: false });
    expect(!result.ok && result.error.message).toMatch(/ECONNREFUSED, after 2 attempts/);
  });

  it('reports a timeout as maybe stored and sends nothing more: the late order is stored exactly once', async () => {
    await fetch(`${sandbox.url}/sandbox/requests`, { method: 'DELETE' });
    await addFault(sandbox.url, { path: PATH, delayMs: 400 });
    const ref = refCode();
    expect(await sendOfflineOrder(order(ref), { endpoint, auth, timeoutMs: 100 })).toMatchObject({
      ok: false,
      reason: 'timeout',
      maybeStored: true,
    });
    await expect.poll(async () => (await allOrders()).filter((o) => o.refCode === ref).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await allOrders()).filter((o) => o.refCode === ref)).toHaveLength(1);
    expect(await requestsTo(PATH)).toHaveLength(1);
  });

  it('with endpointDedupes, a timed-out order is sent again, and a sandbox without dedupe shows the repeat', async () => {
    await addFault(sandbox.url, { path: PATH, delayMs: 400 });
    const ref = refCode();
    expect(await sendOfflineOrder(order(ref), { endpoint, auth, timeoutMs: 200, endpointDedupes: true })).toEqual({
      ok: true,
      status: 200,
    });
    await expect
      .poll(async () => (await allOrders()).filter((o) => o.refCode === ref).map((o) => o.duplicateOf === null))
      .toEqual([true, false]);
  });
});

it('keeps offline orders, their guest and the repeats’ marks across a restart', async () => {
  const first = await startSandbox();
  const url = `${first.url}${PATH}`;
  const browserId = (await createBrowser(first.url)).json.ref;
  expect(
    (
      await postEvent(
        first.url,
        message(browserId, 'IDENTITY', {
          email: 'joan@example.com',
          identifiers: [{ id: 'CRM-joan', provider: 'crm' }],
        }),
      )
    ).status,
  ).toBe(200);
  expect(
    (await sendOfflineOrder(order('ORD-durable', { email: 'joan@example.com' }), { endpoint: url, auth })).ok,
  ).toBe(true);
  expect((await sendOfflineOrder(order('ORD-loose'), { endpoint: url, auth })).ok).toBe(true);
  const before = await allOrders(first.url);
  await first.close();

  const second = await createSandbox({ dataDir: first.dataDir });
  try {
    expect(await allOrders(second.url)).toEqual(before);
    expect((await guest(second.url, browserId))!.offlineOrders).toEqual([before[0]]);
    expect(before.map((o) => [o.refCode, o.browserId])).toEqual([
      ['ORD-durable', browserId],
      ['ORD-loose', null],
    ]);
    // Still a repeat after the restart, marked as one.
    expect((await sendOfflineOrder(order('ORD-durable'), { endpoint: `${second.url}${PATH}`, auth })).ok).toBe(true);
    const after = await allOrders(second.url);
    expect(after.map((o) => [o.refCode, o.duplicateOf])).toEqual([
      ['ORD-durable', null],
      ['ORD-loose', null],
      ['ORD-durable', before[0]!.id],
    ]);
    // Reset forgets them, also on disk.
    expect((await fetch(`${second.url}/sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(await allOrders(second.url)).toEqual([]);
  } finally {
    await second.close();
    await first.dispose();
  }
});
