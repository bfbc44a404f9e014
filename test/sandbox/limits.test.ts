// What the sandbox refuses so that whatever it accepts can be applied, read back and replayed:
// a type per field the state code reads, and limits on depth, numbers and list lengths of every
// body it stores or applies. Each refusal is a 400 naming the field; the guest stays readable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callFlows, decide, decisionRequest, FLOW_BASE } from './decisions-fixture';
import { createBrowser, getEvent, guest, message, postEvent, raw, startSandbox, type Started } from './helpers';

let sandbox: Started;
let id: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  id = (await createBrowser(sandbox.url)).json.ref;
});
afterAll(() => sandbox.dispose());

/** `levels` arrays, one inside the other. */
function nested(levels: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
}

/** Numbers JSON.parse reads as Infinity: a body can carry them only as text. */
const withHugeNumber = (body: unknown) => JSON.stringify(body).replace('"HUGE"', '1e999');

const ADD = (product: Record<string, unknown>) => message('', 'ADD', { product });

describe('events the state code could not apply are refused with 400 naming the field', () => {
  const cases: Array<[name: string, body: string, field: string]> = [
    [
      'an item id with an odd toString',
      JSON.stringify(ADD({ item_id: { toString: 1 }, name: 'sneaker' })),
      'product.item_id',
    ],
    ['an item id that is a number', JSON.stringify(ADD({ item_id: 42, name: 'sneaker' })), 'product.item_id'],
    ['a product name that is an object', JSON.stringify(ADD({ item_id: 'A', name: { en: 'x' } })), 'product.name'],
    [
      'a product currency that is not a code',
      JSON.stringify(ADD({ item_id: 'A', currency: ['EUR'] })),
      'product.currency',
    ],
    ['a price of 1e999', withHugeNumber(ADD({ item_id: 'A', price: 'HUGE' })), 'body'],
    [
      'a first name that is an object',
      JSON.stringify(
        message('', 'IDENTITY', { identifiers: [{ id: 'c', provider: 'crm' }], firstname: { toString: 1 } }),
      ),
      'firstname',
    ],
    [
      'street that is not a list of lines',
      JSON.stringify(message('', 'IDENTITY', { identifiers: [{ id: 'c', provider: 'crm' }], street: [{}] })),
      'street',
    ],
    [
      'an identifier expiry that is an object',
      JSON.stringify(message('', 'IDENTITY', { identifiers: [{ id: 'c', provider: 'crm', expiry_date: {} }] })),
      'identifiers[0].expiry_date',
    ],
    [
      'a utm_campaign that is an object',
      JSON.stringify(message('', 'VIEW', { utm_campaign: { a: 1 } })),
      'utm_campaign',
    ],
    ['an ext value of 1e999', withHugeNumber(message('', 'CUSTOM_EVENT', { ext: { n: 'HUGE' } })), 'body'],
    ['a 3,600-deep array', JSON.stringify(message('', 'VIEW', { deep: nested(3600) })), 'body'],
    ['33 levels of nesting', JSON.stringify(message('', 'VIEW', { deep: nested(32) })), 'body'],
    ['a list of 1,001 items', JSON.stringify(message('', 'VIEW', { list: Array(1001).fill(0) })), 'body'],
  ];
  for (const [name, template, field] of cases) {
    it(name, async () => {
      const body = template.replace('"browser_id":""', `"browser_id":${JSON.stringify(id)}`);
      const res = await raw(sandbox.url, 'POST', '/v1.2/events', { 'Content-Type': 'application/json' }, body);
      expect(res.status, res.body).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ status: 'error', field, message: expect.any(String) });
    });
  }

  it('32 levels (the body itself the first) are accepted', async () => {
    const res = await postEvent(sandbox.url, message(id, 'VIEW', { deep: nested(31) }));
    expect(res.status).toBe(200);
  });

  it('the depth limit names where, and holds for the GET form too', async () => {
    const res = await postEvent(sandbox.url, message(id, 'VIEW', { deep: nested(40) }));
    expect(res.json.message).toMatch(/at deep(\[0\])+ is nested deeper than 32 levels/);
    const get = await getEvent(sandbox.url, message(id, 'VIEW', { deep: nested(40) }));
    expect(get.status).toBe(400);
    expect(get.json.field).toBe('message');
  });

  it('an email long enough to make the address pattern backtrack is refused at once', async () => {
    const email = `a@${'.'.repeat(200_000)}@`;
    const started = Date.now();
    const res = await postEvent(
      sandbox.url,
      message(id, 'IDENTITY', { identifiers: [{ id: 'c', provider: 'crm' }], email }),
    );
    expect(res.status).toBe(400);
    expect(res.json.field).toBe('email');
    const flow = await callFlows(sandbox.url, { ...FLOW_BASE, friendlyId: 'x', email });
    expect(flow.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('after all of them the guest is readable and takes the next event', async () => {
    expect(
      (
        await postEvent(
          sandbox.url,
          message(id, 'ADD', { product: { item_id: 'A', name: 'sneaker', price: 10, currency: 'EUR' } }),
        )
      ).status,
    ).toBe(200);
    const timeline = await guest(sandbox.url, id);
    expect(timeline?.cart).toEqual([{ item_id: 'A', name: 'sneaker', quantity: 1, price: 10, currency: 'EUR' }]);
  });
});

describe('the other bodies the sandbox stores or applies have the same limits', () => {
  const order = (extra: Record<string, unknown>) => ({
    order: {
      refCode: 'R1',
      orderDate: '2016-05-16T14:25:00 GMT',
      currency: 'GBP',
      shipping: 0,
      subTotal: 1,
      total: 1,
      items: [{ refCode: 'i', qty: 1, price: 1 }],
      ...extra,
    },
  });

  it('an offline order nested too deep is refused, not stored', async () => {
    const res = await raw(
      sandbox.url,
      'POST',
      '/tracker/smart-api/orders/offline',
      { 'Content-Type': 'application/json', Authorization: 'Bearer t' },
      JSON.stringify(order({ attributes: { deep: nested(3600) } })),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).field).toBe('body');
    expect(await (await fetch(`${sandbox.url}/sandbox/orders`)).json()).toEqual([]);
  });

  it('a flow request and a decision request nested too deep are refused', async () => {
    const flow = await callFlows(sandbox.url, {
      ...FLOW_BASE,
      friendlyId: 'x',
      browserId: id,
      params: { deep: nested(3600) },
    });
    expect(flow.status).toBe(400);
    expect(flow.json.field).toBe('body');
    const adobe = await decide(sandbox.url, decisionRequest([['a', 'p']], id, { deep: nested(3600) }));
    expect(adobe.status).toBe(400);
    expect(adobe.json.field).toBe('body');
  });

  it('a fault whose Retry-After cannot be a header is refused instead of breaking the request it answers', async () => {
    const res = await raw(
      sandbox.url,
      'POST',
      '/sandbox/faults',
      { 'Content-Type': 'application/json' },
      JSON.stringify({ path: '/v1.2/', retryAfter: '1\r\nSet-Cookie: x=1' }),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).field).toBe('retryAfter');
    expect(
      (
        await raw(
          sandbox.url,
          'POST',
          '/sandbox/faults',
          { 'Content-Type': 'application/json' },
          JSON.stringify({ path: '/v1.2/', status: 503, x: nested(3600) }),
        )
      ).status,
    ).toBe(400);
    expect((await createBrowser(sandbox.url)).status).toBe(200);
  });

  it('a body over 1 MB is answered 413 without being read', async () => {
    const res = await raw(
      sandbox.url,
      'POST',
      '/v1.2/events',
      { 'Content-Type': 'application/json' },
      'x'.repeat(1024 * 1024 + 1),
    );
    expect(res.status).toBe(413);
  });
});

describe('query values that become headers', () => {
  it('a click target with a line break is refused; one with spaces or non-ASCII is redirected to, encoded', async () => {
    const click = (ct: string) =>
      raw(sandbox.url, 'GET', `/rrserver/click?${new URLSearchParams({ ct, p: 'home_page.a', c: 'C', u: id })}`);
    const split = await click('/sale\r\nSet-Cookie: session=stolen');
    expect(split.status).toBe(400);
    expect(JSON.parse(split.body).field).toBe('ct');
    expect(split.headers['set-cookie']).toBeUndefined();
    const wide = await click('/日本 sale?q=é');
    expect(wide.status).toBe(302);
    expect(wide.headers.location).toBe('/%E6%97%A5%E6%9C%AC%20sale?q=%C3%A9');
  });
});
