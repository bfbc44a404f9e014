// A caller's values, read without letting them throw: a getter that throws, a cycle, a BigInt or
// a Proxy becomes an `InvalidInput` naming the field, never an exception of its own, and what is
// kept is a plain copy, so nothing the caller holds can change (or throw) after it was checked.

/** A value that cannot be used, with the field it came from in the message. */
export class InvalidInput extends Error {}

/** Deepest nesting copied: deeper data is not the key-value pairs an API documents. */
const MAX_DEPTH = 20;
/** Most values copied from one field: shared references can make a small object stand for an endless JSON text. */
const MAX_VALUES = 100_000;
/** Characters of a string quoted in a message; a megabyte of input must not make a megabyte of message. */
const SHOWN_CHARS = 60;
/** Characters of an error's message kept in ours. */
const ERROR_CHARS = 200;
const UNREADABLE_ERROR = 'an unreadable error';

/** An error's message, for a message of ours; never throws. */
export const describeError = (error: unknown): string => {
  try {
    // A message is a string by type only: a caller's error can carry anything there.
    const text: unknown = error instanceof Error ? error.message : String(error);
    return typeof text === 'string' ? text.slice(0, ERROR_CHARS) : UNREADABLE_ERROR;
  } catch {
    return UNREADABLE_ERROR;
  }
};

/** How a message names an option: `option "<name>"`. */
export const optionName = (name: string): string => `option "${name}"`;

/** `could not be read (<why>)`, after the field's name: a getter or a Proxy threw `error`. */
export const couldNotRead = (error: unknown): string => `could not be read (${describeError(error)})`;

/** `<field> must be <expected> (got …)`: the message for a value of the wrong kind. */
export const mustBe = (field: string, expected: string, value: unknown): string =>
  `${field} must be ${expected} (${describe(value)})`;

/** Object.prototype of this realm or another (a vm context), or no prototype at all. */
function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A short description of any value for a message; never throws, and calls no getter or toJSON of the value. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value.slice(0, SHOWN_CHARS));
    return `got ${value.length > SHOWN_CHARS ? `${quoted.slice(0, -1)}…" (${value.length} characters)` : quoted}`;
  }
  if (typeof value === 'number') return `got ${Object.is(value, -0) ? '-0' : String(value)}`;
  if (typeof value === 'bigint') return `got the BigInt ${String(value).slice(0, SHOWN_CHARS)}n`;
  if (typeof value === 'symbol') return 'got a symbol';
  if (typeof value === 'function') return 'got a function';
  if (value === null || typeof value === 'boolean') return `got ${String(value)}`;
  try {
    if (Array.isArray(value)) return 'got an array';
    return isPlain(value) ? 'got an object' : `got ${Object.prototype.toString.call(value).slice(8, -1)}`;
  } catch {
    return 'got an object that cannot be read';
  }
}

/** `source[key]`; a getter (or a Proxy) that throws becomes an `InvalidInput` naming `field`. */
export function read(source: object, key: string, field: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch (error) {
    throw new InvalidInput(`${field} ${couldNotRead(error)}`);
  }
}

/** `read`, for a value that may not be an object at all (options left out, say): then undefined. */
export const readIfObject = (source: unknown, key: string, field: string): unknown =>
  typeof source === 'object' && source !== null ? read(source, key, field) : undefined;

/** An object, not an array, nor null; a revoked Proxy is an `InvalidInput` naming `field`. */
export function isRecord(value: unknown, field: string): value is Record<string, unknown> {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch (error) {
    throw new InvalidInput(`${field} ${couldNotRead(error)}`);
  }
}

/** `field.key`, or `field["odd key"]` for a key that is not a plain name. */
const child = (field: string, key: string) =>
  /^[A-Za-z_$][\w$]{0,63}$/.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key.slice(0, SHOWN_CHARS))}]`;

/**
A plain JSON copy of `value`: strings, finite numbers, booleans, null, arrays and plain objects,
at most `MAX_DEPTH` deep and `MAX_VALUES` in all. Anything JSON would refuse (a BigInt, a cycle)
or silently change (NaN and ±Infinity become null, a Map becomes {}, a function or a toJSON
vanishes into something else) is an `InvalidInput` naming the field where it sits. `undefined` in
an object leaves the key out, as JSON does.
*/
export function jsonCopy(value: unknown, field: string): unknown {
  const seen = new Set<object>();
  let values = 0;
  const bad = (at: string, found: unknown) =>
    new InvalidInput(
      mustBe(at, 'JSON data: a string, a finite number, true, false, null, an array or a plain object', found),
    );
  const copy = (item: unknown, at: string, depth: number): unknown => {
    if (++values > MAX_VALUES) throw new InvalidInput(`${field} holds more than ${MAX_VALUES} values`);
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return item;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw bad(at, item);
      return item;
    }
    if (typeof item !== 'object') throw bad(at, item);
    if (depth >= MAX_DEPTH) throw new InvalidInput(`${at} is nested more than ${MAX_DEPTH} levels deep`);
    if (seen.has(item)) throw new InvalidInput(`${at} contains itself (a circular reference), which JSON cannot write`);
    seen.add(item);
    try {
      if (Array.isArray(item)) {
        const length = read(item, 'length', at);
        if (typeof length !== 'number' || !Number.isSafeInteger(length))
          throw new InvalidInput(`${at} has no usable length`);
        const out: unknown[] = [];
        // An undefined (or a hole) would be sent as null: refused at the first one.
        for (let i = 0; i < length; i++) {
          const where = `${at}[${i}]`;
          const element = read(item, String(i), where);
          if (element === undefined) throw bad(where, element);
          out.push(copy(element, where, depth + 1));
        }
        return out;
      }
      if (!isPlain(item)) throw bad(at, item);
      const entries: Array<[string, unknown]> = [];
      for (const key of Object.keys(item)) {
        const where = child(at, key);
        const inner = read(item, key, where);
        if (inner !== undefined) entries.push([key, copy(inner, where, depth + 1)]);
      }
      // fromEntries defines own properties: a "__proto__" key stays a key, never a prototype.
      return Object.fromEntries(entries);
    } catch (error) {
      if (error instanceof InvalidInput) throw error;
      throw new InvalidInput(`${at} ${couldNotRead(error)}`);
    } finally {
      seen.delete(item);
    }
  };
  return copy(value, field, 0);
}
