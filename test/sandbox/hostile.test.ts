// Property: whatever body, path or query a client sends to any vendor or control route, the
// sandbox answers (within seconds, never 5xx), the next ordinary request still works, the guest
// the bodies aim at stays readable, and a restart on the same data loads every record it stored.
// Bodies are valid requests with one field replaced, or an extra key added, by hostile JSON text:
// deep nesting, huge strings, numbers JSON cannot hold (1e999), prototype keys, wrong types.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox } from '../../demo/server/sandbox.mjs';
import {
  ADOBE_CREDENTIALS,
  DECISION_REQUEST_TYPE,
  DECISION_RESPONSE_TYPE,
  FLOW_BASE,
  RR_KEYS,
} from './decisions-fixture';
import { CLIENT_KEY, message, raw, startSandbox, type RawResponse, type Started } from './helpers';

const GUEST = 'hostile-guest';
const CANARY = 'hostile-canary';

let sandbox: Started;
beforeAll(async () => {
  sandbox = await startSandbox();
  await send('POST', '/v1.2/events', JSON_TYPE, JSON.stringify(message(GUEST, 'VIEW')));
});
afterAll(() => sandbox.dispose());

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** The answer, or null when none comes within `ms`. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  ms = 5000,
): Promise<RawResponse | null> {
  return Promise.race([
    raw(sandbox.url, method, path, headers, body),
    new Promise<null>((r) => setTimeout(() => r(null), ms)),
  ]);
}

// ── Hostile JSON, as text: only text can carry 1e999, -0 or a "__proto__" key as an own key. ──

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
  'then',
  'length',
];
const ODD_NUMBERS = [
  '1e999',
  '-1e999',
  '-0',
  '1e-400',
  '123456789012345678901234567890',
  '9007199254740993',
  '0.1',
  '-1',
  '0',
  '2147483648',
];

const atom = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '""', '"0"', '"EUR"', '"WEB"', '"a@b.co"', '"[object Object]"'),
  fc.constantFrom(...ODD_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(20_000, 300_000).map((n) => JSON.stringify('x'.repeat(n))),
);
const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 }));
const { value: jsonText } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(key, tie('value')), { maxLength: 4 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
}));
/** Sometimes buried under thousands of levels of arrays or objects. */
const hostile = fc.oneof(
  { weight: 4, arbitrary: jsonText },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 30, max: 5000 }), fc.boolean(), jsonText)
      .map(([n, objects, v]) => (objects ? '{"a":'.repeat(n) + v + '}'.repeat(n) : '['.repeat(n) + v + ']'.repeat(n))),
  },
);

// ── Valid requests for every route, which a mutation then spoils in one place. ──

interface Target {
  method: 'GET' | 'POST';
  /** Path and query; `body` goes into the query instead when `query` names the parameter. */
  path: string;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  query?: string;
}

const event = (type: string, fields: Record<string, unknown> = {}) => message(GUEST, type, fields);
const orderBody = {
  user: { id: GUEST, info: { tier: 'gold' } },
  order: {
    refCode: 'R-1',
    orderDate: '2016-05-16T14:25:00 GMT',
    currency: 'GBP',
    shipping: 1,
    subTotal: 2,
    total: 3,
    items: [{ refCode: 'SKU', qty: 1, price: 2, attributes: { a: 'b' } }],
    attributes: { store: 's' },
  },
};
const decision = {
  'xdm:propositionRequests': [
    { 'xdm:placementId': 'xcore:offer-placement:1', 'xdm:activityId': 'xcore:offer-activity:1', 'xdm:itemCount': 1 },
  ],
  'xdm:profiles': [{ 'xdm:identityMap': { ECID: [{ 'xdm:id': GUEST }] }, 'xdm:decisionRequestId': 'r' }],
  'xdm:allowDuplicatePropositions': { 'xdm:acrossActivities': true, 'xdm:acrossPlacements': true },
  'xdm:responseFormat': { 'xdm:includeContent': true, 'xdm:includeMetadata': { 'xdm:option': ['name'] } },
};
const ADOBE = { 'Content-Type': DECISION_REQUEST_TYPE, Accept: DECISION_RESPONSE_TYPE };

const TARGETS: Target[] = [
  {
    method: 'POST',
    path: '/v1.2/events',
    headers: JSON_TYPE,
    body: event('ADD', {
      product: { item_id: 'A', productId: 'P', name: 'n', quantity: 1, price: 2, currency: 'EUR' },
      ext: { eventId: 'x' },
    }),
  },
  {
    method: 'POST',
    path: '/v1.2/events',
    headers: JSON_TYPE,
    body: event('IDENTITY', {
      email: 'a@b.co',
      firstname: 'F',
      lastname: 'L',
      street: ['1'],
      identifiers: [{ id: 'i', provider: 'crm', expiry_date: '2030-01-01' }],
    }),
  },
  {
    method: 'POST',
    path: '/v1.2/events',
    headers: JSON_TYPE,
    body: event('VIEW', { utm_campaign: 'c', referrer: 'r' }),
  },
  { method: 'POST', path: '/v1.2/events', headers: JSON_TYPE, body: event('FORCE_CLOSE') },
  {
    method: 'POST',
    path: '/v1.2/events',
    headers: JSON_TYPE,
    body: event('MY_CUSTOM', { ext: { a: 1, b: 'x', c: true } }),
  },
  {
    method: 'POST',
    path: '/v1/events/v1.2/events?sitecoreContextId=ctx&siteId=s',
    headers: JSON_TYPE,
    body: { ...event('VIEW'), pos: '', client_key: '' },
  },
  {
    method: 'GET',
    path: `/v1.2/event/create.json?client_key=${CLIENT_KEY}`,
    query: 'message',
    body: event('ADD', { product: { item_id: 'B' } }),
  },
  { method: 'GET', path: `/v1.2/browser/create.json?client_key=${CLIENT_KEY}`, query: 'message', body: {} },
  {
    method: 'POST',
    path: '/v2/callFlows',
    headers: JSON_TYPE,
    body: {
      ...FLOW_BASE,
      friendlyId: 'home_hero*',
      browserId: GUEST,
      params: { utm: { campaign: 'c' }, pageType: 'home' },
    },
  },
  {
    method: 'POST',
    path: '/v1/personalize?sitecoreContextId=ctx&siteId=s',
    headers: JSON_TYPE,
    body: {
      ...FLOW_BASE,
      friendlyId: 'home_hero',
      email: 'a@b.co',
      identifiers: { provider: 'crm', id: 'i' },
      guestRef: 'g',
    },
  },
  { method: 'POST', path: '/decisions', headers: ADOBE, body: decision },
  { method: 'POST', path: '/data/core/ods/decisions', headers: { ...ADOBE, ...ADOBE_CREDENTIALS }, body: decision },
  {
    method: 'POST',
    path: '/tracker/smart-api/orders/offline',
    headers: { ...JSON_TYPE, Authorization: 'Bearer t' },
    body: orderBody,
  },
  {
    method: 'POST',
    path: '/sandbox/faults',
    headers: JSON_TYPE,
    body: { path: '/nowhere/', method: 'GET', status: 503, retryAfter: 1, count: 1, body: 'x', stored: false },
  },
];

/**
 * `body` as JSON text with the value at `path` replaced by `text`, or with `text` under a new key
 * `addKey` in the object at `path` (the body itself if that is no object).
 */
function spoil(body: Record<string, unknown>, path: string[], text: string, addKey: string | null): string {
  const HOLE = '\u0000hole\u0000';
  const MARK = '\u0000key\u0000';
  // Walked by key through whatever the body nests; the checks below say when a step is no object.
  type Node = Record<string, unknown>;
  const copy = structuredClone(body);
  // A function replacer: `text` may hold `$&` and the like.
  if (addKey !== null) {
    let at: unknown = copy;
    for (const k of path) at = (at as Node)[k];
    if (typeof at !== 'object' || at === null || Array.isArray(at)) at = copy;
    (at as Node)[MARK] = HOLE;
    return JSON.stringify(copy).replace(
      `${JSON.stringify(MARK)}:${JSON.stringify(HOLE)}`,
      () => `${JSON.stringify(addKey)}:${text}`,
    );
  }
  if (path.length === 0) return text;
  let at: Node = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Node;
  at[path.at(-1)!] = HOLE;
  return JSON.stringify(copy).replace(JSON.stringify(HOLE), () => text);
}

/** Every path of a value's fields: ['product', 'item_id'], ['identifiers', '0', 'id'], … */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const own = Object.keys(value).flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]));
  return [prefix, ...own];
}

const request = fc.oneof(
  // A valid request spoiled in one place.
  {
    weight: 6,
    arbitrary: fc.record({
      target: fc.constantFrom(...TARGETS),
      pick: fc.nat(),
      text: hostile,
      addKey: fc.option(key, { nil: null }),
    }),
  },
  // The whole body hostile.
  {
    weight: 1,
    arbitrary: fc.record({
      target: fc.constantFrom(...TARGETS),
      pick: fc.constant(-1),
      text: hostile,
      addKey: fc.constant(null),
    }),
  },
);

/** Path segments and query values with what URLs carry badly: `%`, dots, slashes, huge numbers. */
const segment = fc.oneof(
  fc.constantFrom(
    '%',
    '%zz',
    '%E0%A4%A',
    '..',
    '%2e%2e',
    '%2F',
    '%00',
    '__proto__',
    '1e999',
    '-0',
    GUEST,
    CANARY,
    'x'.repeat(2000),
  ),
  fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,12}$/),
);
const queryValue = fc.oneof(
  segment,
  fc.string({ maxLength: 8, unit: 'binary' }),
  fc.constantFrom(
    'true',
    'TRUE',
    '',
    '|',
    'a.b|c.d',
    'item_page.x',
    RR_KEYS.apiKey,
    RR_KEYS.apiClientKey,
    '/\r\nSet-Cookie: x=1',
    '/日本 x',
    'https://example.com/\u0000',
    'javascript:alert(1)',
    '//evil.example',
  ),
);
const getRequest = fc.record({
  route: fc.constantFrom(
    '/v1.2/browser/:seg/show.json?client_key=k',
    '/v1/events/v1.2/browser/:seg/show.json?sitecoreContextId=c&client_key=',
    `/rrserver/click?ct=:q&u=${GUEST}&p=home_page.a&c=C`,
    `/rrserver/track?u=:q&p=home_page.a&c=C`,
    '/v1.2/browser/create.json?client_key=:q&message=:q',
    '/sandbox/guests/:seg',
    '/sandbox/decisions/:seg',
    '/sandbox/preview?value=:q',
    '/rrserver/api/personalize?',
    '/rrserver/track?',
    '/rrserver/click?',
    '/v1/personalize/cdn-url?',
    '/:seg',
    '/sandbox/guests',
    '/sandbox/requests?',
    '/sandbox/catalog?',
    '/sandbox/orders?',
    '/sandbox/faults?',
  ),
  seg: segment,
  q: queryValue,
  params: fc.dictionary(
    fc.constantFrom(
      'apiKey',
      'apiClientKey',
      'placements',
      'userId',
      'productId',
      'cv',
      'rcs',
      'callback',
      'ct',
      'u',
      'p',
      'c',
      'slotwise_preview',
      'sitecoreContextId',
      '__proto__',
      '%',
      'includeRcs',
    ),
    queryValue,
    { maxKeys: 6 },
  ),
  preview: fc.option(jsonText, { nil: null }),
});

function toRequest({
  target,
  pick,
  text,
  addKey,
}: {
  target: Target;
  pick: number;
  text: string;
  addKey: string | null;
}) {
  const all = paths(target.body);
  const body = pick < 0 ? text : spoil(target.body, all[pick % all.length]!, text, addKey);
  if (target.query)
    return {
      method: target.method,
      path: `${target.path}&${target.query}=${encodeURIComponent(body)}`,
      headers: target.headers ?? {},
      body: undefined,
    };
  return { method: target.method, path: target.path, headers: target.headers ?? {}, body };
}

/** What must hold after every hostile request. */
async function stillServes() {
  const view = await send('POST', '/v1.2/events', JSON_TYPE, JSON.stringify(message(CANARY, 'VIEW')));
  expect(view?.status, view?.body).toBe(200);
  for (const id of [CANARY, GUEST]) {
    const timeline = await send('GET', `/sandbox/guests/${id}`, {});
    expect(timeline?.status, `timeline of ${id}: ${timeline?.body.slice(0, 300)}`).toBe(200);
  }
  const flow = await send(
    'POST',
    '/v2/callFlows',
    JSON_TYPE,
    JSON.stringify({ ...FLOW_BASE, friendlyId: 'home_hero', browserId: GUEST }),
  );
  expect(flow?.status, flow?.body).toBe(200);
}

it('every route answers hostile bodies, paths and queries without 5xx, and the next requests still work', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        { weight: 2, arbitrary: request.map(toRequest) },
        {
          weight: 1,
          arbitrary: getRequest.map(({ route, seg, q, params, preview }) => {
            const query = new URLSearchParams(params);
            if (preview !== null) query.set('slotwise_preview', preview);
            const path = route
              .replace(':seg', () => seg)
              .replaceAll(':q', () => new URLSearchParams({ q }).toString().slice(2));
            return {
              method: 'GET',
              path: path.includes('?') ? `${path}&${query}` : `${path}?${query}`,
              headers: {},
              body: undefined as string | undefined,
            };
          }),
        },
      ),
      async ({ method, path, headers, body }) => {
        const res = await send(method, path, headers, body);
        expect(res, `no answer to ${method} ${path.slice(0, 200)}`).not.toBeNull();
        expect(
          res!.status,
          `${method} ${path.slice(0, 200)} ${body?.slice(0, 300)} → ${res!.body.slice(0, 300)}`,
        ).toBeLessThan(500);
        // A fault added by the spec must not decide the next request.
        if (path.startsWith('/sandbox/faults') && res!.status === 201) await send('DELETE', '/sandbox/faults', {});
        await stillServes();
      },
    ),
    { numRuns: 150, interruptAfterTimeLimit: 15_000 },
  );

  // A restart on the same data loads every record the run stored: none is skipped.
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (msg: string) => warnings.push(msg);
  const before = await (await fetch(`${sandbox.url}/sandbox/guests/${GUEST}`)).json();
  await sandbox.close();
  const restarted = await createSandbox({ dataDir: sandbox.dataDir }).finally(() => (console.warn = original));
  try {
    expect(warnings).toEqual([]);
    const after = await (await fetch(`${restarted.url}/sandbox/guests/${GUEST}`)).json();
    expect(after.events.length).toBe(before.events.length);
  } finally {
    await restarted.close();
  }
}, 60_000);
