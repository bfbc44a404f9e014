// Events the real API would refuse get a 400 that names the field, and are not stored. Every base
// field is required (currency too: Sitecore's event API expects it on every event).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KEY, createBrowser, getEvent, guest, message, postEvent, startSandbox, type Started } from './helpers';

let sandbox: Started;
let browserId: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  browserId = (await createBrowser(sandbox.url)).json.ref;
});
afterAll(() => sandbox.dispose());

const omit = (obj: Record<string, unknown>, key: string) => {
  const copy = { ...obj };
  delete copy[key];
  return copy;
};
const fiftyOneKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));

const cases: Array<[string, () => Record<string, unknown>, string]> = [
  ['client_key missing', () => omit(message(browserId, 'VIEW'), 'client_key'), 'client_key'],
  ['client_key empty', () => message(browserId, 'VIEW', { client_key: '' }), 'client_key'],
  ['browser_id missing', () => omit(message(browserId, 'VIEW'), 'browser_id'), 'browser_id'],
  ['browser_id empty (Engage without its cookie)', () => message('', 'VIEW'), 'browser_id'],
  ['browser_id not a string', () => message(browserId, 'VIEW', { browser_id: 42 }), 'browser_id'],
  ['type missing', () => omit(message(browserId, 'VIEW'), 'type'), 'type'],
  ['type lower case', () => message(browserId, 'view'), 'type'],
  ['type with a dash', () => message(browserId, 'ADD-TO-CART'), 'type'],
  ['type too long', () => message(browserId, `A${'B'.repeat(50)}`), 'type'],
  ['channel missing', () => omit(message(browserId, 'VIEW'), 'channel'), 'channel'],
  ['channel unknown', () => message(browserId, 'VIEW', { channel: 'web' }), 'channel'],
  [
    'FORM with a bad channel',
    () => message(browserId, 'FORM', { channel: 'EMAIL', ext: { formId: 'f', interactionType: 'VIEWED' } }),
    'channel',
  ],
  ['pos missing', () => omit(message(browserId, 'VIEW'), 'pos'), 'pos'],
  ['pos empty (only the Edge fills it in)', () => message(browserId, 'VIEW', { pos: '' }), 'pos'],
  ['currency missing', () => omit(message(browserId, 'VIEW'), 'currency'), 'currency'],
  [
    'currency missing on ADD',
    () => omit(message(browserId, 'ADD', { product: { item_id: 'a', currency: 'EUR' } }), 'currency'),
    'currency',
  ],
  ['language missing', () => omit(message(browserId, 'VIEW'), 'language'), 'language'],
  ['page missing', () => omit(message(browserId, 'VIEW'), 'page'), 'page'],
  ['page empty', () => message(browserId, 'VIEW', { page: '' }), 'page'],
  [
    'FORM without ext.formId',
    () => message(browserId, 'FORM', { ext: { interactionType: 'SUBMITTED' } }),
    'ext.formId',
  ],
  [
    'FORM without ext.interactionType',
    () => message(browserId, 'FORM', { ext: { formId: 'f' } }),
    'ext.interactionType',
  ],
  ['ext an array', () => message(browserId, 'VIEW', { ext: ['a'] }), 'ext'],
  ['ext nested', () => message(browserId, 'VIEW', { ext: { a: { b: 1 } } }), 'ext'],
  ['ext with 51 keys', () => message(browserId, 'VIEW', { ext: fiftyOneKeys }), 'ext'],
  ['ext.eventId empty', () => message(browserId, 'VIEW', { ext: { eventId: '' } }), 'ext.eventId'],
  ['ADD without product', () => message(browserId, 'ADD'), 'product'],
  ['ADD with a product string', () => message(browserId, 'ADD', { product: 'SKU-1' }), 'product'],
  ['ADD with an anonymous product', () => message(browserId, 'ADD', { product: { price: 1 } }), 'product'],
  [
    'ADD with quantity 0',
    () => message(browserId, 'ADD', { product: { item_id: 'a', quantity: 0 } }),
    'product.quantity',
  ],
  [
    'ADD with a string price',
    () => message(browserId, 'ADD', { product: { item_id: 'a', price: '9.99' } }),
    'product.price',
  ],
  ['language of 3 letters', () => message(browserId, 'VIEW', { language: 'ENG' }), 'language'],
  ['language as a locale', () => message(browserId, 'VIEW', { language: 'en-GB' }), 'language'],
  ['currency of 2 letters', () => message(browserId, 'VIEW', { currency: 'EU' }), 'currency'],
  ['currency as a symbol', () => message(browserId, 'VIEW', { currency: '€' }), 'currency'],
  ['IDENTITY without identifiers', () => message(browserId, 'IDENTITY', { email: 'a@b.co' }), 'identifiers'],
  [
    'IDENTITY with an identifier lacking provider',
    () => message(browserId, 'IDENTITY', { identifiers: [{ id: 'x' }] }),
    'identifiers',
  ],
  [
    'IDENTITY with a bad email',
    () => message(browserId, 'IDENTITY', { email: 'nope', identifiers: [{ id: 'x', provider: 'crm' }] }),
    'email',
  ],
];

describe('POST /v1.2/events validation', () => {
  it.each(cases)('%s → 400 naming %s', async (_name, build, field) => {
    const res = await postEvent(sandbox.url, build());
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ status: 'error', field, message: expect.any(String) });
    expect(res.json.message!.length).toBeGreaterThan(10);
  });

  it('stored none of the refused events', async () => {
    expect((await guest(sandbox.url, browserId))!.events).toEqual([]);
  });
});

describe('legacy GET validation', () => {
  it('refuses a message without client_key when the query has none either', async () => {
    const res = await fetch(
      `${sandbox.url}/v1.2/event/create.json?message=${encodeURIComponent(JSON.stringify(omit(message(browserId, 'VIEW'), 'client_key')))}`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'client_key' });
  });

  it('refuses a missing message', async () => {
    const res = await fetch(`${sandbox.url}/v1.2/event/create.json?client_key=${CLIENT_KEY}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'message' });
  });

  it('applies the same rules as POST', async () => {
    const res = await getEvent(sandbox.url, message(browserId, 'ADD'));
    expect(res).toMatchObject({ status: 400, json: { field: 'product' } });
  });
});

describe('accepted shapes', () => {
  it.each([
    ['lower-case language and currency', { language: 'en', currency: 'eur' }],
    ['MOBILE_APP channel', { channel: 'MOBILE_APP' }],
    ['50 ext keys', { ext: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])) }],
    ['ext with null and boolean values', { ext: { a: null, b: true, c: 'x' } }],
  ])('%s', async (_name, fields) => {
    expect((await postEvent(sandbox.url, message(browserId, 'VIEW', fields))).status).toBe(200);
  });
});
