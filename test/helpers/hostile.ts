// Arbitrary values a host page may hand the tag, hostile or careless: getters and Proxies that
// throw, cycles, toJSON that answers differently each time, huge strings and sparse arrays, odd
// numbers, prototype keys, wrong types, DOM nodes, and ordinary-looking values with any of these inside.
import fc from 'fast-check';
import { vi } from 'vitest';
import { isSlotwiseError } from '../../src/types/errors';

const TRAPS = [
  'get',
  'has',
  'ownKeys',
  'getOwnPropertyDescriptor',
  'getPrototypeOf',
  'set',
  'defineProperty',
  'deleteProperty',
  'apply',
  'construct',
];

/** A Proxy that throws `what` on every trap. */
export const throwingProxy = (what: unknown, target: object = {}) =>
  new Proxy(
    target,
    Object.fromEntries(
      TRAPS.map((trap) => [
        trap,
        () => {
          throw what;
        },
      ]),
    ),
  );

/**
A value made at call time: fast-check probes what it generates (and prints it), which a throwing
Proxy, a cycle or a 2^32-long array would break; `materialize` builds the real thing.
*/
export class Lazy {
  constructor(
    readonly label: string,
    readonly make: () => unknown,
  ) {}
  toString() {
    return this.label;
  }
}
const lazy = (label: string, make: () => unknown) => new Lazy(label, make);

/** The arguments as the page passes them: every Lazy inside plain objects and arrays built. */
export function materialize(value: unknown): unknown {
  if (value instanceof Lazy) return value.make();
  if (Array.isArray(value)) return value.map(materialize);
  if (!value || typeof value != 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy = Object.create(proto) as Record<string, unknown>;
  for (const key of Object.keys(value as object))
    Object.defineProperty(copy, key, {
      value: materialize((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

const thrown = fc
  .constantFrom<unknown>(null, undefined, 'a string', 0, Symbol('thrown'), { message: 'an object' })
  .chain((v) => fc.constant(v));
const keys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toJSON',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'then',
  'item_id',
  'productId',
  'quantity',
  'price',
  'currency',
  'email',
  'identifiers',
  'ext',
  'page',
  'type',
  'params',
  'friendlyId',
  'placementId',
  'activityId',
  'itemCount',
  'userId',
  'sessionId',
  'consent',
  'clientKey',
  'target',
);

const specials = fc.constantFrom<Lazy>(
  ...[
    undefined,
    null,
    NaN,
    -0,
    0,
    Infinity,
    -Infinity,
    1e308,
    Number.MIN_VALUE,
    2 ** 53 + 1,
    -1,
    1.5,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '__proto__',
    'http://[',
    'javascript:alert(1)',
    '//evil.example/',
    'granted',
    'error',
    'home.hero',
    true,
    false,
    10n,
  ].map((v) => lazy(typeof v == 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v)), () => v)),
  lazy('a 200 kB string', () => 'x'.repeat(200_000)),
  lazy('a symbol', () => Symbol('s')),
  lazy('a function', () => () => 1),
  lazy('an invalid Date', () => new Date(NaN)),
  lazy('a Date', () => new Date(0)),
  lazy('new String("granted")', () => new String('granted')),
  lazy('new Number(5)', () => new Number(5)),
  lazy('Object(10n)', () => Object(10n)),
  lazy('a null-prototype object', () => Object.assign(Object.create(null), { item_id: 'SKU' })),
  lazy('a frozen product', () => Object.freeze({ item_id: 'SKU', price: 1 })),
  lazy('a frozen array', () => Object.freeze(['home.hero'])),
  lazy('new Array(2 ** 32 - 1)', () => new Array(2 ** 32 - 1)),
  lazy('a Map', () => new Map([[1, 2]])),
  lazy('a typed array', () => new Uint8Array(4)),
  lazy('an Error', () => new Error('an error')),
  lazy('a Promise', () => Promise.resolve(1)),
  lazy('document', () => document),
  lazy('document.body', () => document.body),
  lazy('a text node', () => document.createTextNode('t')),
  lazy('a fragment', () => document.createDocumentFragment()),
  lazy('window', () => window),
);

const leaf = fc.oneof(
  { weight: 2, arbitrary: specials },
  fc.anything({ withBigInt: true, withBoxedValues: true, withNullPrototype: true, withDate: true, maxDepth: 2 }),
);

/** Objects with a getter, under any key, that throws. */
const throwingGetter = fc.tuple(keys, thrown, fc.dictionary(keys, leaf, { maxKeys: 3 })).map(([key, what, rest]) =>
  lazy(`a getter of ${key} that throws`, () => {
    const o = materialize(rest) as object;
    return Object.defineProperty(o, key, {
      enumerable: true,
      get() {
        throw what;
      },
    });
  }),
);

/** A value that holds itself. */
const cyclic = fc.tuple(keys, fc.boolean()).map(([key, inArray]) =>
  lazy(`a cycle through ${key}`, () => {
    const o: Record<string, unknown> = { item_id: 'SKU' };
    Object.defineProperty(o, key, { enumerable: true, value: o, configurable: true, writable: true });
    return inArray ? [o] : o;
  }),
);

/** toJSON that answers something else on every call. */
const flakyToJSON = fc.array(leaf, { minLength: 1, maxLength: 3 }).map((answers) =>
  lazy('a toJSON that answers differently each time', () => {
    let calls = 0;
    return { item_id: 'SKU', toJSON: () => materialize(answers[calls++ % answers.length]) };
  }),
);

/** A getter that answers differently each time it is read. */
const flakyGetter = fc.tuple(keys, fc.array(leaf, { minLength: 2, maxLength: 3 })).map(([key, answers]) =>
  lazy(`a getter of ${key} that answers differently each time`, () => {
    let reads = 0;
    return Object.defineProperty({ item_id: 'SKU' }, key, {
      enumerable: true,
      get: () => materialize(answers[reads++ % answers.length]),
    });
  }),
);

const proxies = fc
  .tuple(thrown, fc.constantFrom('object', 'array', 'function'))
  .map(([what, kind]) =>
    lazy(`a Proxy (${kind}) that throws on every trap`, () =>
      throwingProxy(what, kind == 'object' ? {} : kind == 'array' ? [] : () => {}),
    ),
  );

/** Deeply nested arrays. */
const deep = fc.integer({ min: 60, max: 5000 }).map((depth) =>
  lazy(`arrays ${depth} deep`, () => {
    let v: unknown = 'bottom';
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }),
);

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  throwingGetter,
  cyclic,
  flakyToJSON,
  flakyGetter,
  proxies,
  deep,
);

/** Any of the above, alone or inside an object or array that otherwise looks right (build with materialize). */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileLeaf },
  fc.dictionary(keys, hostileLeaf, { maxKeys: 5 }),
  fc.array(hostileLeaf, { maxLength: 4 }),
  fc.dictionary(keys, hostileLeaf, { maxKeys: 3 }).map((extra) => ({ item_id: 'SKU', ...extra })),
);

export const REASONS = ['invalid', 'consent', 'timeout', 'rejected', 'dropped', 'blocked', 'destroyed'];

/** A result as the README promises it: ok, or a known reason with a SlotwiseError that says something. */
export function isResult(value: unknown): boolean {
  const r = value as { ok?: unknown; reason?: unknown; error?: unknown };
  if (typeof r != 'object' || r === null) return false;
  if (r.ok === true) return !('reason' in r);
  return (
    r.ok === false &&
    REASONS.includes(r.reason as string) &&
    isSlotwiseError(r.error) &&
    !!r.error.message &&
    r.error.code == r.reason
  );
}

/**
What `promise` resolved to within `boundMs`, or `{ pending: true }`: fake time for the tag's
timers, and a little real time for the engine's dynamic import.
*/
export async function outcome(promise: unknown, boundMs: number): Promise<unknown> {
  const pending = { pending: true };
  let settled: unknown = pending;
  Promise.resolve(promise).then(
    (value) => (settled = value),
    (error) => (settled = { rejected: error }),
  );
  for (let waited = 0; settled === pending && waited <= boundMs; waited += 1000) {
    await vi.advanceTimersByTimeAsync(1000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return settled;
}
