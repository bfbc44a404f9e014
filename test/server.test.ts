// slotwise/server: the tag's cookies read from and re-set by a site's back end, and Optimizely
// offline orders, checked by the endpoint documentation's own rules and never sent twice when the
// first attempt may have been stored.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSetCookie } from 'cookie';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SlotwiseError,
  offlineOrderBody,
  readCookies,
  refreshCookies,
  sendOfflineOrder,
  serverCookieHeaders,
  type OfflineOrder,
} from '../src/server/index';
import { documentedOrder } from './helpers/offline-order';

/**
 * A documented order as the validation cases spoil it: any field may be dropped or given a wrong
 * type, which OfflineOrder rightly refuses to express.
 */
type LooseOrder = {
  order: Record<string, unknown> & { items: Record<string, unknown>[] };
  user: Record<string, unknown>;
};

const clientKey = 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo';
const BID = `bid_${clientKey}`;
const browserId = 'f5e2b5c8-1d0e-4f5a-9c1b-2f6a3c4d5e6f';
const rcs = 'eF5jYW5kYW5kY2FuZGFuZA0K9Zz';
const YEAR_400 = 400 * 86_400;

/** A Node IncomingMessage as far as the helpers look at it. */
const nodeRequest = (
  cookie: string | undefined,
  extra: { socket?: object; headers?: Record<string, string> } = {},
) => ({
  headers: { ...(cookie === undefined ? {} : { cookie }), ...extra.headers },
  socket: extra.socket ?? {},
});

describe('readCookies', () => {
  it('reads the browser id and the rcs from a Node request', () => {
    const request = nodeRequest(`theme=dark; ${BID}=${browserId}; rr_rcs=${rcs}; bid_otherKey=someone-else`);
    expect(readCookies(request, { clientKey })).toEqual({ browserId, rcs });
  });

  it('reads them from a web Request', () => {
    const request = new Request('https://shop.example/account', {
      headers: { cookie: `rr_rcs=${rcs}; ${BID}=${browserId}` },
    });
    expect(readCookies(request, { clientKey })).toEqual({ browserId, rcs });
  });

  it('only reads the cookie of its own client key', () => {
    expect(readCookies(nodeRequest(`bid_otherKey=${browserId}`), { clientKey })).toEqual({});
    expect(readCookies(nodeRequest(undefined), { clientKey })).toEqual({});
    expect(readCookies(new Request('https://shop.example/'), { clientKey })).toEqual({});
  });

  it('ignores values the tag would not accept: they are left out, never returned', () => {
    const bad = [
      `${BID}=; rr_rcs=`,
      `${BID}=a%20b; rr_rcs=abc.def`, // encoded space; rcs is letters, digits, _ and - only
      `${BID}=${'x'.repeat(129)}; rr_rcs=ab%43d`, // too long; %43 is not decoded into a letter
      `${BID}="${browserId}"; rr_rcs=ab+cd`,
    ];
    for (const cookie of bad) {
      expect(readCookies(nodeRequest(cookie), { clientKey }), cookie).toEqual({});
      expect(readCookies(new Request('https://shop.example/', { headers: { cookie } }), { clientKey }), cookie).toEqual(
        {},
      );
    }
    // One bad value does not hide the other, good one.
    expect(readCookies(nodeRequest(`${BID}=${browserId}; rr_rcs=not+valid`), { clientKey })).toEqual({ browserId });
  });

  it('takes the valid browser id among several, whatever their order: Sitecore Engage’s empty cookie beside it', () => {
    // Engage writes `bid_<key>=` for two years when its create call fails; the tag's id then lives
    // beside it on another domain or path, and the browser sends both, in an order of its own.
    for (const cookie of [
      `${BID}=; ${BID}=${browserId}`,
      `${BID}=${browserId}; ${BID}=`,
      `theme=dark; ${BID}=; rr_rcs=; ${BID}=not valid; rr_rcs=${rcs}; ${BID}=${browserId}`,
    ]) {
      const expected = cookie.includes(`rr_rcs=${rcs}`) ? { browserId, rcs } : { browserId };
      expect(readCookies(nodeRequest(cookie), { clientKey }), cookie).toEqual(expected);
      expect(readCookies(new Request('https://shop.example/', { headers: { cookie } }), { clientKey }), cookie).toEqual(
        expected,
      );
    }
    // Several Cookie headers (HTTP/2 may split them) count as one list.
    expect(readCookies({ headers: { cookie: [`${BID}=`, `${BID}=${browserId}`] } }, { clientKey })).toEqual({
      browserId,
    });
    // Two valid ids: the first sent wins (the browser sends the most specific path, then the oldest, first).
    expect(readCookies(nodeRequest(`${BID}=engage-id-1; ${BID}=${browserId}`), { clientKey })).toEqual({
      browserId: 'engage-id-1',
    });
  });

  it('fails fast on a client key that cannot name the cookie', () => {
    for (const bad of ['', 'a b', 'key;x=1', undefined]) {
      expect(() => readCookies(nodeRequest(''), { clientKey: bad as string })).toThrow(SlotwiseError);
    }
    expect(() => readCookies(nodeRequest(''), { clientKey: 'a b' })).toThrow(/clientKey/);
  });
});

describe('serverCookieHeaders', () => {
  it('re-sets each value with Path=/, SameSite=Lax and a 400-day Max-Age by default, not HttpOnly', () => {
    expect(serverCookieHeaders({ browserId, rcs }, { clientKey })).toEqual([
      `${BID}=${browserId}; Max-Age=${YEAR_400}; Path=/; SameSite=Lax`,
      `rr_rcs=${rcs}; Max-Age=${YEAR_400}; Path=/; SameSite=Lax`,
    ]);
  });

  it('adds Domain and Secure when asked, and takes the lifetime in days', () => {
    expect(
      serverCookieHeaders({ browserId }, { clientKey, domain: 'example.com', secure: true, maxAgeDays: 90 }),
    ).toEqual([`${BID}=${browserId}; Max-Age=${90 * 86_400}; Domain=example.com; Path=/; Secure; SameSite=Lax`]);
  });

  it('clamps the lifetime to 1–400 days', () => {
    const maxAge = (maxAgeDays: number) =>
      parseSetCookie(serverCookieHeaders({ rcs }, { clientKey, maxAgeDays })[0]!).maxAge;
    expect(maxAge(0)).toBe(86_400);
    expect(maxAge(-5)).toBe(86_400);
    expect(maxAge(1000)).toBe(YEAR_400);
    expect(maxAge(Infinity)).toBe(YEAR_400);
    expect(maxAge(1.5)).toBe(129_600);
  });

  it('skips missing and invalid values', () => {
    expect(serverCookieHeaders({}, { clientKey })).toEqual([]);
    expect(serverCookieHeaders({ browserId: '', rcs: '' }, { clientKey })).toEqual([]);
    expect(serverCookieHeaders({ browserId: 'a b; Domain=evil.example', rcs: 'abc.def' }, { clientKey })).toEqual([]);
    expect(serverCookieHeaders({ browserId: 'ok-1', rcs: 'x'.repeat(5000) }, { clientKey })).toEqual([
      `${BID}=ok-1; Max-Age=${YEAR_400}; Path=/; SameSite=Lax`,
    ]);
  });

  it('fails fast on a bad domain or lifetime', () => {
    expect(() => serverCookieHeaders({ browserId }, { clientKey, domain: 'example.com; HttpOnly' })).toThrow(/domain/);
    expect(() => serverCookieHeaders({ browserId }, { clientKey, maxAgeDays: Number.NaN })).toThrow(/maxAgeDays/);
  });
});

describe('refreshCookies', () => {
  const cookie = `${BID}=${browserId}; rr_rcs=${rcs}`;
  const secure = (headers: string[]) => headers.map((h) => parseSetCookie(h).secure === true);

  it('turns the request’s cookies into Set-Cookie headers with the same values', () => {
    const headers = refreshCookies(nodeRequest(cookie), { clientKey, domain: 'example.com' });
    expect(headers.map((h) => parseSetCookie(h))).toEqual([
      { name: BID, value: browserId, maxAge: YEAR_400, domain: 'example.com', path: '/', sameSite: 'lax' },
      { name: 'rr_rcs', value: rcs, maxAge: YEAR_400, domain: 'example.com', path: '/', sameSite: 'lax' },
    ]);
    // What the server sets is what the tag reads back on the next request.
    const next = headers.map((h) => h.split(';')[0]).join('; ');
    expect(readCookies(nodeRequest(next), { clientKey })).toEqual({ browserId, rcs });
  });

  it('is Secure by default on https: TLS socket, X-Forwarded-Proto or an https Request URL', () => {
    expect(secure(refreshCookies(nodeRequest(cookie), { clientKey }))).toEqual([false, false]);
    expect(secure(refreshCookies(nodeRequest(cookie, { socket: { encrypted: true } }), { clientKey }))).toEqual([
      true,
      true,
    ]);
    expect(
      secure(refreshCookies(nodeRequest(cookie, { headers: { 'x-forwarded-proto': 'https, http' } }), { clientKey })),
    ).toEqual([true, true]);
    expect(
      secure(refreshCookies(nodeRequest(cookie, { headers: { 'x-forwarded-proto': 'http' } }), { clientKey })),
    ).toEqual([false, false]);
    expect(
      secure(
        refreshCookies(new Request('https://shop.example/slotwise/cookies', { method: 'POST', headers: { cookie } }), {
          clientKey,
        }),
      ),
    ).toEqual([true, true]);
    expect(
      secure(
        refreshCookies(new Request('http://localhost:3000/slotwise/cookies', { headers: { cookie } }), { clientKey }),
      ),
    ).toEqual([false, false]);
  });

  it('lets an explicit secure option win', () => {
    expect(
      secure(refreshCookies(nodeRequest(cookie, { socket: { encrypted: true } }), { clientKey, secure: false })),
    ).toEqual([false, false]);
    expect(secure(refreshCookies(nodeRequest(cookie), { clientKey, secure: true }))).toEqual([true, true]);
  });

  it('with a domain, deletes the host-only copy when the request carried the id more than once', () => {
    const cookie = `${BID}=; ${BID}=${browserId}`;
    const headers = refreshCookies(nodeRequest(cookie), { clientKey, domain: 'example.com' });
    expect(headers.map((h) => parseSetCookie(h))).toEqual([
      { name: BID, value: '', maxAge: 0, path: '/', sameSite: 'lax' },
      { name: BID, value: browserId, maxAge: YEAR_400, domain: 'example.com', path: '/', sameSite: 'lax' },
    ]);
    // Without a domain the one cookie set is the host-only one: nothing to delete.
    expect(refreshCookies(nodeRequest(cookie), { clientKey }).map((h) => parseSetCookie(h).value)).toEqual([browserId]);
    // One cookie: nothing to delete either.
    expect(refreshCookies(nodeRequest(`${BID}=${browserId}`), { clientKey, domain: 'example.com' })).toHaveLength(1);
  });

  it('answers nothing when the request has no valid cookie', () => {
    expect(refreshCookies(nodeRequest(`${BID}=bad value`), { clientKey })).toEqual([]);
  });
});

// ── Offline orders ───────────────────────────────────────────────────────────────────────────

const endpoint = 'https://uat.peerius.com/tracker/smart-api/orders/offline';
const auth = { Authorization: 'Bearer s3cret' };

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/**
Stubs fetch with answers in turn; records what was sent. 'refused': no connection (nothing sent);
'reset': the connection dropped after the order went out; 'hang': no answer until aborted.
*/
function api(...answers: (Response | 'refused' | 'reset' | 'hang')[]) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (input: Request) => {
    sent.push({ url: input.url, method: input.method, headers: input.headers, body: await input.clone().text() });
    const next = answers.shift() ?? new Response('{"status":"OK"}', { status: 200 });
    if (next == 'refused')
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }),
      });
    if (next == 'reset')
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      });
    if (next == 'hang')
      return new Promise<Response>((_, reject) =>
        input.signal.addEventListener('abort', () => reject(input.signal.reason)),
      );
    return next;
  });
  vi.stubGlobal('fetch', fetch);
  return sent;
}
const reply = (
  status: number,
  json: unknown = { status: status < 300 ? 'OK' : 'error' },
  headers: Record<string, string> = {},
) => new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json', ...headers } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sendOfflineOrder: the request', () => {
  it('POSTs the body exactly as Optimizely documents it, with the auth headers', async () => {
    const sent = api(reply(200));
    expect(await sendOfflineOrder(documentedOrder(), { endpoint, auth })).toEqual({ ok: true, status: 200 });
    expect(sent).toHaveLength(1);
    const [request] = sent as [Sent];
    expect(request.method).toBe('POST');
    expect(request.url).toBe(endpoint);
    expect(request.headers.get('authorization')).toBe('Bearer s3cret');
    expect(request.headers.get('content-type')).toBe('application/json');
    // Same fields, same order, same values as the documentation's example.
    expect(request.body).toBe(JSON.stringify(documentedOrder()));
  });

  it('defaults lang to en-gb, leaves out what is not given and anything undocumented', async () => {
    const sent = api();
    const order = {
      order: {
        refCode: 'ORD-7',
        orderDate: new Date('2024-03-01T09:30:15.250Z'),
        currency: 'EUR',
        shipping: 4.95,
        subTotal: 59.97,
        total: 64.92,
        items: [{ refCode: 'SKU-1', qty: 3, price: 19.99, color: 'red' }],
        internalNote: 'do not send',
      },
      debug: true,
    } as unknown as OfflineOrder;
    expect((await sendOfflineOrder(order, { endpoint, auth })).ok).toBe(true);
    expect(JSON.parse(sent[0]!.body)).toEqual({
      lang: 'en-gb',
      order: {
        refCode: 'ORD-7',
        orderDate: '2024-03-01T09:30:15 GMT',
        currency: 'EUR',
        shipping: 4.95,
        subTotal: 59.97,
        total: 64.92,
        items: [{ refCode: 'SKU-1', qty: 3, price: 19.99 }],
      },
    });
    expect(Object.keys(JSON.parse(sent[0]!.body))).toEqual(['lang', 'order']);
  });

  it('sends user.email (deprecated) and customerId when given', async () => {
    const sent = api();
    const order = documentedOrder();
    order.user = { email: 'ada@example.com' };
    order.order.customerId = 'C-42';
    expect((await sendOfflineOrder(order, { endpoint, auth })).ok).toBe(true);
    const body = JSON.parse(sent[0]!.body);
    expect(body.user).toEqual({ email: 'ada@example.com' });
    expect(Object.keys(body.order).slice(0, 4)).toEqual(['refCode', 'orderDate', 'customerId', 'currency']);
  });

  it('sends dates in the documented form, in GMT', () => {
    const date = (orderDate: string | Date) => {
      const built = offlineOrderBody({ ...documentedOrder(), order: { ...documentedOrder().order, orderDate } });
      return built.ok ? built.body.order.orderDate : built.error.message;
    };
    expect(date('2016-05-16T14:25:00 GMT')).toBe('2016-05-16T14:25:00 GMT');
    expect(date('2016-05-16T14:25:00Z')).toBe('2016-05-16T14:25:00 GMT');
    expect(date('2016-05-16T14:25:00+01:00')).toBe('2016-05-16T13:25:00 GMT');
    expect(date('2016-05-16 14:25:00-0230')).toBe('2016-05-16T16:55:00 GMT');
    expect(date('2016-05-16')).toBe('2016-05-16T00:00:00 GMT');
    expect(date(new Date(Date.UTC(2020, 1, 29, 23, 59, 59)))).toBe('2020-02-29T23:59:59 GMT');
  });

  it('appends the endpoint path to a base URL', async () => {
    const sent = api(reply(200), reply(200), reply(200));
    for (const base of ['https://mysite.peerius.com', 'https://mysite.peerius.com/', `${endpoint}/`]) {
      expect((await sendOfflineOrder(documentedOrder(), { endpoint: base, auth })).ok).toBe(true);
    }
    expect(sent.map((s) => s.url)).toEqual([
      'https://mysite.peerius.com/tracker/smart-api/orders/offline',
      'https://mysite.peerius.com/tracker/smart-api/orders/offline',
      endpoint,
    ]);
  });
});

describe('sendOfflineOrder: validation, before anything is sent', () => {
  type Case = [name: string, change: (o: LooseOrder) => void, field: RegExp];
  const cases: Case[] = [
    ['missing order.refCode', (o) => delete o.order.refCode, /order\.refCode/],
    ['empty order.refCode', (o) => (o.order.refCode = '  '), /order\.refCode/],
    ['an item without refCode', (o) => delete o.order.items[1]!.refCode, /order\.items\[1\]\.refCode/],
    ['user without id or email', (o) => (o.user = { info: { gender: 'male' } }), /user.*id or an email/],
    ['non-integer qty', (o) => (o.order.items[0]!.qty = 1.5), /order\.items\[0\]\.qty/],
    ['qty as a string', (o) => (o.order.items[0]!.qty = '1'), /order\.items\[0\]\.qty/],
    ['price as a string', (o) => (o.order.items[0]!.price = '50.00'), /order\.items\[0\]\.price/],
    ['missing shipping', (o) => delete o.order.shipping, /order\.shipping/],
    ['missing subTotal', (o) => delete o.order.subTotal, /order\.subTotal/],
    ['total as a string', (o) => (o.order.total = '90.00'), /order\.total/],
    ['no items', (o) => (o.order.items = []), /order\.items/],
    [
      'item attributes not an object',
      (o) => (o.order.items[0]!.attributes = 'discount'),
      /order\.items\[0\]\.attributes/,
    ],
    ['missing currency', (o) => delete o.order.currency, /order\.currency/],
    ['currency not 3 letters', (o) => (o.order.currency = 'POUND'), /order\.currency/],
    ['orderDate that does not parse', (o) => (o.order.orderDate = 'yesterday'), /order\.orderDate/],
    ['orderDate on no real day', (o) => (o.order.orderDate = '2016-02-30T10:00:00Z'), /order\.orderDate/],
    ['orderDate without a time zone', (o) => (o.order.orderDate = '2016-05-16T14:25:00'), /order\.orderDate/],
    ['missing order', (o) => delete (o as Partial<LooseOrder>).order, /order must be an object/],
    ['items not an array', (o) => ((o.order as Record<string, unknown>).items = { refCode: 'ref1' }), /order\.items/],
  ];

  it.each(cases)('%s', async (_name, change, field) => {
    const sent = api();
    const order = structuredClone(documentedOrder());
    change(order as unknown as LooseOrder);
    const result = await sendOfflineOrder(order, { endpoint, auth });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('invalid');
    expect(result.error).toBeInstanceOf(SlotwiseError);
    expect(result.error.code).toBe('invalid');
    expect(result.error.message).toMatch(field);
    expect(sent).toEqual([]);
  });

  it('sends a real receipt as it is: a discount, tax, rounding and a refund line', async () => {
    const sent = api();
    const order = documentedOrder();
    // 10 % off the lines, 20 % VAT on top, rounded; a returned item as a negative line.
    order.order.items = [
      ...order.order.items,
      { refCode: 'ref3', qty: -1, price: 12.5, attributes: { returned: 'true' } },
    ];
    Object.assign(order.order, { currency: 'gbp', shipping: 3.99, subTotal: 69.75, total: 87.69 });
    expect(await sendOfflineOrder(order, { endpoint, auth })).toEqual({ ok: true, status: 200 });
    const body = JSON.parse(sent[0]!.body);
    expect(body.order).toMatchObject({ currency: 'GBP', shipping: 3.99, subTotal: 69.75, total: 87.69 });
    expect(body.order.items.at(-1)).toEqual({
      refCode: 'ref3',
      qty: -1,
      price: 12.5,
      attributes: { returned: 'true' },
    });
    expect(offlineOrderBody(order)).toMatchObject({ ok: true });
  });

  it('refuses unusable options without sending', async () => {
    const sent = api();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ endpoint: 'http://mysite.peerius.com', auth }, /endpoint.*https/],
      [{ endpoint: 'http://127.attacker.example:8080', auth }, /endpoint.*https/], // looks local, is not
      [{ endpoint: 'not a url', auth }, /endpoint/],
      [{ endpoint, auth: {} }, /auth/],
      [{ endpoint, auth: { Authorization: '' } }, /auth/],
      [{ endpoint, auth: { 'bad header': 'x' } }, /auth/],
      [{ endpoint, auth, timeoutMs: 'soon' }, /timeoutMs/],
      [{ endpoint, auth, retries: Number.NaN }, /retries/],
      [{ endpoint, auth, endpointDedupes: 'yes' }, /endpointDedupes/],
    ];
    for (const [options, message] of bad) {
      const result = await sendOfflineOrder(documentedOrder(), options as never);
      expect(result, JSON.stringify(options)).toMatchObject({
        ok: false,
        reason: 'invalid',
        maybeStored: false,
        error: { message: expect.stringMatching(message) },
      });
    }
    expect(sent).toEqual([]);
  });
});

describe('sendOfflineOrder: answers, and no second POST of an order that may be stored', () => {
  it('reports a 4xx as rejected, with the status and the server’s message, without retrying', async () => {
    const sent = api(reply(401, { status: 'error', message: 'invalid credentials' }));
    const result = await sendOfflineOrder(documentedOrder(), { endpoint, auth });
    expect(result).toMatchObject({ ok: false, reason: 'rejected', maybeStored: false, error: { status: 401 } });
    expect(!result.ok && result.error.message).toMatch(/orderRef.*401.*invalid credentials/);
    expect(sent).toHaveLength(1);
  });

  it.each([500, 502, 503, 504, 408])('sends once after a %i: the endpoint may have stored it', async (status) => {
    const sent = api(reply(status), reply(200));
    const result = await sendOfflineOrder(documentedOrder(), { endpoint, auth });
    expect(result).toMatchObject({ ok: false, reason: 'dropped', maybeStored: true, error: { status } });
    expect(!result.ok && result.error.message).toMatch(/may have been stored: check before sending it again/);
    expect(sent).toHaveLength(1);
  });

  it('sends once after a timeout or a connection lost once the order went out', async () => {
    let sent = api('hang', reply(200));
    expect(await sendOfflineOrder(documentedOrder(), { endpoint, auth, timeoutMs: 50 })).toMatchObject({
      ok: false,
      reason: 'timeout',
      maybeStored: true,
    });
    expect(sent).toHaveLength(1);
    sent = api('reset', reply(200));
    const result = await sendOfflineOrder(documentedOrder(), { endpoint, auth });
    expect(result).toMatchObject({ ok: false, reason: 'blocked', maybeStored: true });
    expect(!result.ok && result.error.message).toMatch(/UND_ERR_SOCKET/);
    expect(sent).toHaveLength(1);
  });

  it('tries again where the answer shows nothing was stored: 429, 503 with Retry-After, no connection', async () => {
    const sent = api(reply(429, {}, { 'Retry-After': '0' }), reply(503, {}, { 'Retry-After': '0' }), reply(201));
    expect(await sendOfflineOrder(documentedOrder(), { endpoint, auth })).toEqual({ ok: true, status: 201 });
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.body)).size).toBe(1); // the same order each time
    const again = api('refused', reply(200));
    expect(await sendOfflineOrder(documentedOrder(), { endpoint, auth })).toEqual({ ok: true, status: 200 });
    expect(again).toHaveLength(2);
  });

  it('waits as long as the Retry-After of a 429 says', async () => {
    api(reply(429, {}, { 'Retry-After': '1' }), reply(200));
    const started = Date.now();
    expect(await sendOfflineOrder(documentedOrder(), { endpoint, auth })).toEqual({ ok: true, status: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('reports dropped, not stored, once the retries are used up', async () => {
    const sent = api(reply(429, {}, { 'Retry-After': '0' }), reply(503, {}, { 'Retry-After': '0' }), reply(200));
    const result = await sendOfflineOrder(documentedOrder(), { endpoint, auth, retries: 1 });
    expect(result).toMatchObject({ ok: false, reason: 'dropped', maybeStored: false, error: { status: 503 } });
    expect(!result.ok && result.error.message).toMatch(/503.*2 attempts/);
    expect(!result.ok && result.error.message).not.toMatch(/may have been stored/);
    expect(sent).toHaveLength(2);
  });

  it('does not wait for a Retry-After of an hour', async () => {
    const sent = api(reply(503, {}, { 'Retry-After': '3600' }), reply(200));
    expect(await sendOfflineOrder(documentedOrder(), { endpoint, auth })).toMatchObject({
      ok: false,
      reason: 'dropped',
      maybeStored: false,
    });
    expect(sent).toHaveLength(1);
  });

  it('reports blocked, not stored, when no connection could be opened', async () => {
    const sent = api('refused', 'refused');
    const result = await sendOfflineOrder(documentedOrder(), { endpoint, auth, retries: 1 });
    expect(result).toMatchObject({ ok: false, reason: 'blocked', maybeStored: false });
    expect(!result.ok && result.error.message).toMatch(/ECONNREFUSED/);
    expect(sent).toHaveLength(2);
  });

  it('with endpointDedupes, also tries again after a 500, a timeout and a lost connection', async () => {
    const sent = api(reply(500), 'hang', 'reset', reply(200));
    expect(
      await sendOfflineOrder(documentedOrder(), { endpoint, auth, timeoutMs: 100, retries: 3, endpointDedupes: true }),
    ).toEqual({ ok: true, status: 200 });
    expect(sent).toHaveLength(4);
    // Still not a 4xx: a refusal stays a refusal.
    const refused = api(reply(400, { message: 'bad order' }), reply(200));
    expect(await sendOfflineOrder(documentedOrder(), { endpoint, auth, endpointDedupes: true })).toMatchObject({
      ok: false,
      reason: 'rejected',
    });
    expect(refused).toHaveLength(1);
  });

  it('never rejects, whatever it is given', async () => {
    api();
    for (const input of [undefined, null, 42, 'order', [], { order: null }]) {
      await expect(sendOfflineOrder(input as never, { endpoint, auth })).resolves.toMatchObject({
        ok: false,
        reason: 'invalid',
        maybeStored: false,
      });
    }
    await expect(sendOfflineOrder(documentedOrder(), undefined as never)).resolves.toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });
});

// ── Hostile input and redirects ──────────────────────────────────────────────────────────────

/** A local endpoint on 127.0.0.1 that records what reaches it; closed after each test. */
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});
interface Hit {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
async function local(answer: (response: ServerResponse) => void): Promise<{ origin: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      hits.push({ url: request.url ?? '', headers: request.headers, body });
      answer(response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('sendOfflineOrder: redirects are refused, so credentials never leave the endpoint', () => {
  const keyAuth = { 'x-api-key': 'k3y', Authorization: 'Bearer s3cret' };

  it.each([301, 302, 303, 307, 308])('a %i to another origin gets neither the order nor the key', async (status) => {
    const elsewhere = await local((response) => response.end('{"status":"OK"}'));
    const endpoint = await local((response) =>
      response.writeHead(status, { location: `${elsewhere.origin}/collect?token=abc` }).end(),
    );
    const result = await sendOfflineOrder(documentedOrder(), { endpoint: endpoint.origin, auth: keyAuth });
    expect(elsewhere.hits).toEqual([]);
    expect(endpoint.hits).toHaveLength(1); // and not tried again
    expect(result).toMatchObject({ ok: false, reason: 'rejected', error: { status }, maybeStored: status == 303 });
    const message = !result.ok ? result.error.message : '';
    expect(message).toMatch(
      new RegExp(`orderRef.*${status}.*redirect to ${elsewhere.origin.replace(/\./g, '\\.')}.*not followed`),
    );
    expect(message).not.toMatch(/token=abc/); // the Location's path and query stay out of logs
  });

  it('a redirect to the same origin is refused too: the documented address is the one to use', async () => {
    const endpoint = await local((response) => response.writeHead(308, { location: '/elsewhere' }).end());
    expect(await sendOfflineOrder(documentedOrder(), { endpoint: endpoint.origin, auth: keyAuth })).toMatchObject({
      ok: false,
      reason: 'rejected',
      maybeStored: false,
    });
    expect(endpoint.hits.map((hit) => hit.url)).toEqual(['/tracker/smart-api/orders/offline']);
  });

  it('a 2xx still succeeds against a real server, with the key and the documented body', async () => {
    const endpoint = await local((response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"OK"}'),
    );
    expect(await sendOfflineOrder(documentedOrder(), { endpoint: endpoint.origin, auth: keyAuth })).toEqual({
      ok: true,
      status: 200,
    });
    expect(endpoint.hits[0]).toMatchObject({
      headers: { 'x-api-key': 'k3y', 'content-type': 'application/json' },
      body: JSON.stringify(documentedOrder()),
    });
  });
});

describe('sendOfflineOrder: what JSON cannot write as given is invalid, named, and never sent', () => {
  const cyclic: Record<string, unknown> = { store: 'Regent Street' };
  cyclic.self = cyclic;
  let deep: unknown = 'bottom';
  for (let i = 0; i < 30; i++) deep = { deeper: deep };
  let wide: unknown = 'leaf';
  for (let i = 0; i < 12; i++) wide = Array(10).fill(wide); // 10^12 leaves through shared references
  const throwing = {
    get discount(): string {
      throw new Error('no discount today');
    },
  };
  const impostor = Object.create(Date.prototype) as Date;

  type Case = [name: string, change: (o: LooseOrder) => void, field: RegExp];
  const cases: Case[] = [
    ['cyclic order.attributes', (o) => (o.order.attributes = cyclic), /order\.attributes\.self contains itself/],
    [
      'a BigInt in item attributes',
      (o) => (o.order.items[1]!.attributes = { count: 10n }),
      /order\.items\[1\]\.attributes\.count .*BigInt 10n/,
    ],
    [
      'a BigInt qty',
      (o) => (o.order.items[0]!.qty = 1n),
      /order\.items\[0\]\.qty must be a whole number \(got the BigInt 1n\)/,
    ],
    ['a BigInt total', (o) => (o.order.total = 90n), /order\.total must be a number/],
    ['NaN in user.info', (o) => (o.user.info = { loyalty: Number.NaN }), /user\.info\.loyalty .*got NaN/],
    [
      'Infinity in attributes',
      (o) => (o.order.attributes = { points: -Infinity }),
      /order\.attributes\.points .*got -Infinity/,
    ],
    [
      'a Map in attributes',
      (o) => (o.order.attributes = { tags: new Map([['a', 1]]) }),
      /order\.attributes\.tags .*got Map/,
    ],
    [
      'a function in attributes',
      (o) => (o.order.attributes = { total: () => 1 }),
      /order\.attributes\.total .*got a function/,
    ],
    [
      'a hole in an attribute array',
      (o) => (o.order.attributes = { tags: Object.assign(new Array(2), { 1: 'b' }) }),
      /order\.attributes\.tags\[0\]/,
    ],
    [
      'attributes nested too deep',
      (o) => (o.order.attributes = { deep }),
      /order\.attributes\.deep(\.deeper)+ is nested more than 20 levels/,
    ],
    [
      'attributes endless through shared references',
      (o) => (o.order.attributes = { wide }),
      /order\.attributes holds more than 100000 values/,
    ],
    [
      'a getter that throws',
      (o) => (o.order.items[0]!.attributes = throwing),
      /order\.items\[0\]\.attributes\.discount could not be read \(no discount today\)/,
    ],
    [
      'a getter that throws on the order',
      (o) =>
        Object.defineProperty(o.order, 'currency', {
          get() {
            throw null;
          },
          enumerable: true,
        }),
      /order\.currency could not be read/,
    ],
    [
      'a hole in order.items',
      (o) => (o.order.items = Object.assign(new Array(2), { 1: o.order.items[0] })),
      /order\.items\[0\] must be an object/,
    ],
    ['a Date that is not one', (o) => (o.order.orderDate = impostor), /order\.orderDate/],
    ['a date after year 9999', (o) => (o.order.orderDate = new Date(8.64e15)), /order\.orderDate/],
    [
      'a quantity beyond 2^53',
      (o) => (o.order.items[0]!.qty = 1e20),
      /order\.items\[0\]\.qty must be a whole number \(got 100000000000000000000\)/,
    ],
  ];

  it.each(cases)('%s', async (_name, change, field) => {
    const sent = api();
    const order = documentedOrder();
    change(order as unknown as LooseOrder);
    const result = await sendOfflineOrder(order, { endpoint, auth });
    expect(result).toMatchObject({
      ok: false,
      reason: 'invalid',
      maybeStored: false,
      error: { code: 'invalid', message: expect.stringMatching(field) },
    });
    expect(sent).toEqual([]);
    // offlineOrderBody says the same, and does not throw either.
    expect(offlineOrderBody(order)).toMatchObject({
      ok: false,
      reason: 'invalid',
      error: { message: expect.stringMatching(field) },
    });
  });

  it('keeps odd but valid values as JSON writes them: a "__proto__" key stays a key, -0 is 0, 1e308 is a number', async () => {
    const sent = api();
    const order = documentedOrder();
    order.order.attributes = JSON.parse('{"__proto__": {"polluted": "yes"}, "store": "W1"}');
    order.order.shipping = -0;
    order.order.total = 1e308;
    expect(await sendOfflineOrder(order, { endpoint, auth })).toEqual({ ok: true, status: 200 });
    const body = JSON.parse(sent[0]!.body);
    expect(Object.keys(body.order.attributes)).toEqual(['__proto__', 'store']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(sent[0]!.body).toMatch(/"shipping":0,.*"total":1e\+308/);
  });

  it('names an option whose getter throws, or that is a BigInt, instead of calling the endpoint unreachable', async () => {
    const sent = api();
    const options: Array<[unknown, RegExp]> = [
      [
        {
          get endpoint() {
            throw new Error('vault sealed');
          },
          auth,
        },
        /option "endpoint" could not be read \(vault sealed\)/,
      ],
      [{ endpoint, auth, timeoutMs: 10n }, /option "timeoutMs" must be a number \(got the BigInt 10n\)/],
      [{ endpoint, auth, endpointDedupes: 1n }, /option "endpointDedupes" must be true or false/],
      [{ endpoint: 10n, auth }, /option "endpoint" must be an https URL/],
      [
        {
          endpoint,
          auth: {
            get Authorization() {
              throw new Error('no');
            },
          },
        },
        /option "auth"/,
      ],
    ];
    for (const [option, message] of options) {
      expect(await sendOfflineOrder(documentedOrder(), option as never)).toMatchObject({
        ok: false,
        reason: 'invalid',
        maybeStored: false,
        error: { message: expect.stringMatching(message) },
      });
    }
    expect(sent).toEqual([]);
  });
});

describe('sendOfflineOrder: auth holds authentication headers only', () => {
  it('refuses headers that frame or route the request, which the HTTP client refused as "endpoint could not be reached"', async () => {
    const endpoint = await local((response) => response.end('{"status":"OK"}'));
    for (const name of ['Content-Length', 'Transfer-Encoding', 'Connection', 'Expect', 'Upgrade', 'Host']) {
      const result = await sendOfflineOrder(documentedOrder(), {
        endpoint: endpoint.origin,
        auth: { Authorization: 'Bearer s3cret', [name]: '7' },
      });
      expect(result, name).toMatchObject({
        ok: false,
        reason: 'invalid',
        maybeStored: false,
        error: { message: expect.stringMatching(new RegExp(`option "auth" cannot set "${name.toLowerCase()}"`)) },
      });
    }
    expect(endpoint.hits).toEqual([]);
  });

  it('never quotes a header value in a message: it is a credential', async () => {
    const sent = api();
    const result = await sendOfflineOrder(documentedOrder(), {
      endpoint,
      auth: { Authorization: 'Bearer s3cret\r\nX-Evil: 1' },
    });
    expect(result).toMatchObject({
      ok: false,
      reason: 'invalid',
      error: { message: expect.stringMatching(/option "auth"/) },
    });
    expect(!result.ok && result.error.message).not.toMatch(/s3cret/);
    expect(sent).toEqual([]);
  });
});

describe('cookie helpers: hostile input throws only a SlotwiseError naming it, and never hangs', () => {
  const invalidNaming = (run: () => unknown, name: RegExp) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SlotwiseError);
    expect(thrown).toMatchObject({ code: 'invalid', message: expect.stringMatching(name) });
  };

  it('reads a Cookie header of 100,000 pairs in well under a second', () => {
    const cookie = `${'a=1; '.repeat(100_000)}${BID}=${browserId}`;
    const started = performance.now();
    expect(readCookies(nodeRequest(cookie), { clientKey })).toEqual({ browserId });
    expect(
      refreshCookies(nodeRequest(`${`${BID}=; `.repeat(50_000)}${BID}=${browserId}`), {
        clientKey,
        domain: 'example.com',
      }),
    ).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('options that cannot be read or used: BigInt, getters that throw, a "secure" that is not a boolean, a domain no cookie can have', () => {
    const values = { browserId };
    invalidNaming(() => readCookies(nodeRequest(''), { clientKey: 10n } as never), /option "clientKey" .*BigInt/);
    invalidNaming(
      () =>
        readCookies(nodeRequest(''), {
          get clientKey(): string {
            throw new Error('later');
          },
        }),
      /option "clientKey" could not be read \(later\)/,
    );
    invalidNaming(() => serverCookieHeaders(values, { clientKey, maxAgeDays: 1n } as never), /option "maxAgeDays"/);
    invalidNaming(
      () => serverCookieHeaders(values, { clientKey, secure: 'false' } as never),
      /option "secure" must be true or false/,
    );
    invalidNaming(() => serverCookieHeaders(values, { clientKey, domain: `${'a'.repeat(64)}.com` }), /option "domain"/);
    invalidNaming(() => serverCookieHeaders(values, { clientKey, domain: '-example.com' }), /option "domain"/);
    invalidNaming(
      () =>
        serverCookieHeaders(values, {
          clientKey,
          get domain(): string {
            throw 'x';
          },
        }),
      /option "domain" could not be read/,
    );
    invalidNaming(
      () =>
        serverCookieHeaders(
          {
            get browserId(): string {
              throw new Error('gone');
            },
          },
          { clientKey },
        ),
      /values\.browserId could not be read \(gone\)/,
    );
  });

  it('requests that are not requests, or whose headers cannot be read', () => {
    invalidNaming(() => readCookies({} as never, { clientKey }), /request .*must have headers/);
    invalidNaming(() => readCookies(null as never, { clientKey }), /request .*must have headers/);
    invalidNaming(
      () => readCookies({ headers: { cookie: 5 } } as never, { clientKey }),
      /request header "cookie" must be a string \(got 5\)/,
    );
    invalidNaming(
      () => readCookies({ headers: { cookie: [`${BID}=${browserId}`, 5] } } as never, { clientKey }),
      /request header "cookie"\[1\] must be a string/,
    );
    invalidNaming(
      () => readCookies({ headers: { cookie: new Array(2 ** 32 - 1) } } as never, { clientKey }),
      /request header "cookie"\[0\] must be a string \(missing\)/,
    );
    invalidNaming(
      () =>
        readCookies(
          {
            headers: {
              get cookie() {
                throw new Error('torn');
              },
            },
          } as never,
          { clientKey },
        ),
      /request header "cookie" could not be read \(torn\)/,
    );
    invalidNaming(
      () =>
        readCookies(
          {
            url: '/',
            headers: {
              get: () => {
                throw new Error('closed');
              },
            },
          },
          { clientKey },
        ),
      /request could not be read \(closed\)/,
    );
    invalidNaming(
      () =>
        refreshCookies(
          {
            headers: { cookie: `${BID}=${browserId}` },
            get socket() {
              throw new Error('hung up');
            },
          } as never,
          { clientKey },
        ),
      /request\.socket could not be read/,
    );
  });

  it('header and cookie injection in the Cookie header is never written back', () => {
    const cookie = `${BID}=${browserId}\r\nSet-Cookie: evil=1; rr_rcs=abc; Domain=evil.example; rr_rcs=ok\r\n`;
    const headers = refreshCookies(nodeRequest(cookie), { clientKey });
    expect(headers.join('\n')).not.toMatch(/evil|\r/);
    expect(headers.map((h) => parseSetCookie(h).value)).toEqual(['abc']);
  });
});
