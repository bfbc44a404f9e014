// slotwise/server under arbitrary input: whatever it is given (getters that throw, cycles, BigInts,
// Proxies, huge strings, NaN and ±Infinity, prototype keys, CR LF and semicolons), nothing but a
// result escapes from sendOfflineOrder and offlineOrderBody, and nothing but a SlotwiseError naming
// the option or argument from the cookie helpers; invalid input sends nothing; and the order and
// the credentials reach the configured endpoint and no other host, whatever it answers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SlotwiseError,
  isSlotwiseError,
  offlineOrderBody,
  readCookies,
  refreshCookies,
  sendOfflineOrder,
  serverCookieHeaders,
} from '../src/server/index';
import { documentedOrder } from './helpers/offline-order';

// ── Arbitrary hostile values ─────────────────────────────────────────────────────────────────

/** Values built fresh for each run: each one attacks a different way of reading a value. */
const tricks: Array<() => unknown> = [
  () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    return cyclic;
  },
  () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    return cyclic;
  },
  () => ({
    get store() {
      throw new Error('getter throws');
    },
  }),
  () => ({
    get store() {
      throw null;
    },
  }),
  () =>
    Object.defineProperty({}, 'toJSON', {
      value: () => {
        throw new Error('toJSON throws');
      },
      enumerable: true,
    }),
  () => {
    let n = 0;
    return { toJSON: () => (n++ ? 10n : 'first') };
  },
  () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  },
  () => {
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    return proxy;
  },
  () =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        ownKeys: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    ),
  () => new Proxy([1], { get: (_, key) => (key == 'length' ? 2 ** 32 - 1 : 1) }),
  () => Object.create(Date.prototype),
  () => new Date(Number.NaN),
  () => new Date(8.64e15),
  () => new Array(2 ** 32 - 1),
  () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
  () => Object.assign(Object.create(null), { a: 'b' }),
  () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = [deep];
    return deep;
  },
  () => {
    let wide: unknown = 'x';
    for (let i = 0; i < 12; i++) wide = Array(10).fill(wide);
    return wide;
  },
  () => 'x'.repeat(1_000_000),
  () => ';\r\nSet-Cookie: evil=1; Domain=evil.example',
  () => () => 1,
  () => Symbol('s'),
  () => new Map([['a', 1]]),
];

/**
Makers of hostile values, called inside each property: fast-check cannot hold a revoked Proxy
(nor clone a value whose getters throw), so it generates the recipe and the run makes the value.
*/
type Make = () => unknown;
/** A maker that shows as what it makes in a counterexample. */
const labelled = (make: Make, label: string): Make => Object.assign(make, { [fc.toStringMethod]: () => label });
const given = (value: unknown): Make => labelled(() => value, fc.stringify(value));
const hostile: fc.Arbitrary<Make> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .anything({
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withObjectString: true,
        withSparseArray: true,
        withTypedArray: true,
        withUnicodeString: true,
      })
      .map(given),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...tricks.map((make) => labelled(make, `(${make.toString().replace(/\s+/g, ' ').slice(0, 80)})()`)),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<unknown>(
        Number.NaN,
        Infinity,
        -Infinity,
        -0,
        1e308,
        -1e308,
        Number.MIN_VALUE,
        2 ** 53,
        10n,
        '',
        ' ',
        '__proto__',
        'constructor',
        null,
        undefined,
        true,
      )
      .map(given),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(given) },
);

// ── Offline orders ───────────────────────────────────────────────────────────────────────────

/** Every field a caller fills in, as a path into the order. */
const PATHS = [
  'lang',
  'user',
  'user.id',
  'user.email',
  'user.info',
  'user.info.gender',
  'order',
  'order.refCode',
  'order.orderDate',
  'order.customerId',
  'order.currency',
  'order.shipping',
  'order.subTotal',
  'order.total',
  'order.items',
  'order.items[0]',
  'order.items[1].refCode',
  'order.items[0].qty',
  'order.items[1].price',
  'order.items[0].attributes',
  'order.items[0].attributes.discount',
  'order.attributes',
  'order.attributes.store',
];

/** The order with the value at `path` replaced (the last key defined directly, so getters stay unread). */
function withValue(path: string, value: unknown): unknown {
  const order = documentedOrder() as unknown as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const parent = keys.slice(0, -1).reduce((at, key) => at[key] as Record<string, unknown>, order);
  Object.defineProperty(parent, keys.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  return order;
}

/** The field an invalid result's message names: what follows "offline order: ". */
const namedField = (message: string) =>
  /^offline order: (the argument|[\w.[\]"]+?)(?= must| could| contains| is nested| holds|\[")/.exec(message)?.[1];

interface Sent {
  url: string;
  headers: Headers;
  body: string;
}
/** A fetch that records each request and answers `status`: the test's endpoint, with nothing behind it. */
function stubFetch(status = 200, headers: Record<string, string> = {}) {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    sent.push({ url: request.url, headers: request.headers, body: await request.clone().text() });
    return new Response(status == 204 || status == 304 ? null : '{"status":"OK"}', { status, headers });
  });
  return sent;
}
afterEach(() => {
  vi.unstubAllGlobals();
});

const endpoint = 'https://uat.peerius.com/tracker/smart-api/orders/offline';
const auth = { Authorization: 'Bearer s3cret', 'x-api-key': 'k3y' };
const REASONS = ['invalid', 'rejected', 'dropped', 'timeout', 'blocked'];

/** What every result of sendOfflineOrder is, whatever happened. */
function expectResult(result: unknown) {
  expect(result).toBeTypeOf('object');
  const r = result as {
    ok?: unknown;
    reason?: unknown;
    error: { code: string; message: string };
    maybeStored?: unknown;
  };
  if (r.ok === true) return expect(r).toEqual({ ok: true, status: expect.any(Number) });
  expect(r.ok).toBe(false);
  expect(REASONS).toContain(r.reason);
  expect(isSlotwiseError(r.error)).toBe(true);
  expect(r.error.code).toBe(r.reason);
  expect(r.error.message.length).toBeLessThan(1000); // a megabyte of input makes no megabyte of message
  expect(typeof r.maybeStored).toBe('boolean');
}

describe('offlineOrderBody and sendOfflineOrder under arbitrary values', () => {
  it('the whole argument: never throws; invalid names the field and sends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (make) => {
        const sent = stubFetch();
        const order = make();
        const built = offlineOrderBody(order as never);
        const result = await sendOfflineOrder(order as never, { endpoint, auth });
        expectResult(result);
        expect(result.ok).toBe(false);
        expect(built).toMatchObject({ ok: false, reason: 'invalid' });
        expect(!built.ok && namedField(built.error.message)).toMatch(/^(the argument|lang|user|order)/);
        expect(sent).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('any one field replaced: invalid names that field (or the object holding it) and sends nothing; valid sends the plain JSON once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), hostile, async (path, make) => {
        const sent = stubFetch();
        const order = withValue(path, make());
        const built = offlineOrderBody(order as never);
        const result = await sendOfflineOrder(order as never, { endpoint, auth });
        expectResult(result);
        if (!built.ok) {
          expect(result).toMatchObject({ ok: false, reason: 'invalid', maybeStored: false });
          const field = namedField(built.error.message);
          expect(field, built.error.message).toBeTruthy();
          // The field named is the one replaced, one inside it, or the object that needs it.
          const plain = (text: string) => text.replace(/\[\d+\]/g, (m) => `.${m.slice(1, -1)}`);
          expect(
            plain(field!).startsWith(plain(path)) || plain(path).startsWith(plain(field!)),
            `${path}: ${built.error.message}`,
          ).toBe(true);
          expect(sent).toEqual([]);
        } else {
          expect(result).toEqual({ ok: true, status: 200 });
          expect(sent).toHaveLength(1);
          // What was checked is what was sent, and it reads back as the same data.
          expect(JSON.parse(sent[0]!.body)).toEqual(JSON.parse(JSON.stringify(built.body)));
        }
      }),
      { numRuns: 600 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('any option replaced: invalid names the option and sends nothing; nothing goes to another origin', async () => {
    const OPTIONS = ['endpoint', 'auth', 'timeoutMs', 'retries', 'endpointDedupes'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPTIONS),
        hostile,
        fc.constantFrom<unknown>(undefined, 'getter'),
        async (name, make, how) => {
          const sent = stubFetch();
          const options: Record<string, unknown> = { endpoint, auth, timeoutMs: 2000, retries: 0 };
          if (how == 'getter')
            Object.defineProperty(options, name, {
              get: () => {
                throw new Error('option getter throws');
              },
              enumerable: true,
            });
          else options[name] = make();
          const result = await sendOfflineOrder(documentedOrder(), options as never);
          expectResult(result);
          if (!result.ok && result.reason == 'invalid') {
            expect(result.error.message).toMatch(new RegExp(`option "${name}"`));
            expect(sent).toEqual([]);
          }
          for (const request of sent)
            expect(new URL(request.url).origin).toBe(new URL(String(options.endpoint)).origin);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('options as a whole: never throws, never sends when invalid', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (make) => {
        const sent = stubFetch();
        const result = await sendOfflineOrder(documentedOrder(), make() as never);
        expectResult(result);
        expect(result).toMatchObject({
          ok: false,
          reason: 'invalid',
          error: { message: expect.stringMatching(/option "(endpoint|auth)"/) },
        });
        expect(sent).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

// ── Redirects, against real servers ──────────────────────────────────────────────────────────

describe('sendOfflineOrder never gives the order or the credentials to another host', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });
  async function listen(answer: (url: string) => { status: number; headers?: Record<string, string> }) {
    const hits: Array<{ headers: Record<string, unknown>; body: string }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        hits.push({ headers: request.headers, body });
        const { status, headers } = answer(request.url ?? '');
        response.writeHead(status, headers).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
  }

  it('whatever redirect the endpoint answers, to wherever, with whatever auth headers', async () => {
    // One pair of servers for every run: the endpoint answers what the current run says.
    let current = { status: 307, location: undefined as string | undefined };
    const elsewhere = await listen(() => ({ status: 200 }));
    const endpointServer = await listen(() => ({
      status: current.status,
      headers: current.location === undefined ? {} : { location: current.location },
    }));
    const secret = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{1,40}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(300, 301, 302, 303, 304, 305, 307, 308),
        fc.oneof(
          fc.webPath().map((path) => `${elsewhere.origin}${path}`),
          fc.webPath().map((path) => `http://localhost:${new URL(elsewhere.origin).port}${path}`),
          fc.webPath(),
          fc.constant(undefined),
        ),
        fc.dictionary(fc.constantFrom('x-api-key', 'authorization', 'x-token', 'cookie'), secret, { minKeys: 1 }),
        async (status, location, headers) => {
          current = { status, location };
          const before = endpointServer.hits.length;
          const result = await sendOfflineOrder(documentedOrder(), {
            endpoint: endpointServer.origin,
            auth: headers,
            retries: 2,
          });
          expect(result).toMatchObject({
            ok: false,
            reason: 'rejected',
            maybeStored: status == 303,
            error: { status },
          });
          expect(endpointServer.hits.length - before).toBe(1); // once, to the endpoint
          expect(elsewhere.hits).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

// ── Cookie helpers ───────────────────────────────────────────────────────────────────────────

const clientKey = 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo';
const BID = `bid_${clientKey}`;

/** Runs a cookie helper: either a value, or a SlotwiseError `invalid` whose message names what was wrong. */
function outcome<T>(run: () => T): { value: T } | { error: SlotwiseError } {
  try {
    return { value: run() };
  } catch (error) {
    expect(error).toBeInstanceOf(SlotwiseError);
    expect((error as SlotwiseError).code).toBe('invalid');
    expect((error as SlotwiseError).message).toMatch(
      /^slotwise\/server: (option "(clientKey|domain|maxAgeDays|secure)"|request|values\.(browserId|rcs))/,
    );
    expect((error as SlotwiseError).message.length).toBeLessThan(1000);
    return { error: error as SlotwiseError };
  }
}

/** Whatever the helpers set is a well-formed Set-Cookie for one of the tag's two cookies. */
function expectSetCookies(headers: unknown) {
  expect(Array.isArray(headers)).toBe(true);
  for (const header of headers as string[]) {
    expect(header).toMatch(
      new RegExp(`^(${BID}|rr_rcs)=[\\w.-]*; Max-Age=\\d+(; Domain=[\\w.-]+)?; Path=/(; Secure)?; SameSite=Lax$`),
    );
  }
}

const cookieText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        `${BID}=f5e2b5c8-1d0e-4f5a`,
        `${BID}=`,
        'rr_rcs=eF5jYW5k',
        'rr_rcs=a.b',
        `${BID}=a\r\nSet-Cookie: x=1`,
        '__proto__=1',
        'constructor=x',
        '=;',
        ';;',
        ' = ',
      ),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc
        .tuple(fc.constantFrom(BID, 'rr_rcs'), fc.string({ maxLength: 140 }))
        .map(([name, value]) => `${name}=${value}`),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join('; '));

describe('cookie helpers under arbitrary values', () => {
  it('any Cookie header, on a Node or a web request: never throws, returns only values the tag accepts', () => {
    fc.assert(
      fc.property(
        cookieText,
        fc.boolean(),
        fc.option(fc.constantFrom('example.com', '.shop.example')),
        (cookie, web, domain) => {
          const request = web
            ? { url: 'https://shop.example/', headers: { get: (name: string) => (name == 'cookie' ? cookie : null) } }
            : { headers: { cookie }, socket: {} };
          const found = readCookies(request, { clientKey });
          for (const [name, value] of Object.entries(found)) {
            expect(['browserId', 'rcs']).toContain(name);
            expect(value).toMatch(name == 'rcs' ? /^[\w-]+$/ : /^[\w.-]{1,128}$/);
          }
          expectSetCookies(refreshCookies(request, { clientKey, ...(domain ? { domain } : {}) }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any request, options or values: a result, or a SlotwiseError naming the problem', () => {
    /** A maker of an object whose fields come from makers. */
    const shaped = (fields: Record<string, fc.Arbitrary<Make>>): fc.Arbitrary<Make> =>
      fc
        .record(fields)
        .map((makers) =>
          labelled(
            () => Object.fromEntries(Object.entries(makers).map(([key, make]) => [key, make()])),
            fc.stringify(makers),
          ),
        );
    const optionsArb = fc.oneof(
      hostile,
      shaped({
        clientKey: fc.oneof(fc.constant(given(clientKey)), hostile),
        domain: fc.oneof(fc.constant(given(undefined)), fc.constant(given('example.com')), hostile),
        maxAgeDays: fc.oneof(fc.constant(given(undefined)), hostile),
        secure: fc.oneof(fc.constant(given(undefined)), fc.boolean().map(given), hostile),
      }),
    );
    const throwingGet = given(() => {
      throw new Error('get throws');
    });
    const requestArb = fc.oneof(
      hostile,
      shaped({
        headers: fc.oneof(hostile, shaped({ cookie: hostile, 'x-forwarded-proto': hostile })),
        socket: hostile,
      }),
      shaped({ url: hostile, headers: shaped({ get: fc.oneof(hostile, fc.constant(throwingGet)) }) }),
    );
    fc.assert(
      fc.property(requestArb, optionsArb, hostile, (makeRequest, makeOptions, makeValues) => {
        const [request, options, values] = [makeRequest(), makeOptions(), makeValues()];
        const read = outcome(() => readCookies(request as never, options as never));
        if ('value' in read)
          expect(Object.keys(read.value).every((key) => key == 'browserId' || key == 'rcs')).toBe(true);
        const set = outcome(() => serverCookieHeaders(values as never, options as never));
        if ('value' in set) expectSetCookies(set.value);
        const refreshed = outcome(() => refreshCookies(request as never, options as never));
        if ('value' in refreshed) expectSetCookies(refreshed.value.filter((header) => !header.includes('Max-Age=0')));
      }),
      { numRuns: 800 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
