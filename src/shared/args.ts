// The public calls' arguments, read at the boundary. A caller's getters, Proxies and toJSON run
// once, here: what is checked is what is sent, and whatever they throw becomes an `invalid`
// result that names the argument, never an exception in the page.
import { SlotwiseError } from '../types/errors';

export const invalid = (message: string): never => {
  throw new SlotwiseError('invalid', message);
};

/** Throws `invalid`: `argument` must be `expected`. */
export const must = (argument: string, expected: string): never => invalid(`${argument} must be ${expected}`);

/** Whether `test` passes; a getter or Proxy that throws on the way is a no. */
export const safely = (test: () => unknown): boolean => {
  try {
    return !!test();
  } catch {
    return false;
  }
};

/**
A value as an error message shows it: short, and never throwing. As JSON, so a caller sees what
they passed (a string in quotes, an object's fields). codecs/model.ts has a `shown` of its own:
codecs load in files of their own and import only pure checks, and their messages show a value
as text.
*/
export function shown(value: unknown): string {
  try {
    // The types are widened to what can happen: JSON.stringify answers undefined for undefined, a
    // function or a symbol, and a page's Error may carry a message of any type.
    return String(
      value instanceof Error
        ? (value.message as unknown)
        : ((JSON.stringify(value) as string | undefined) ?? String(value)),
    ).slice(0, 80);
  } catch {
    return typeof value;
  }
}

/** Values one argument may hold: bounds the time a huge or sparse array can take. */
const MAX_VALUES = 20_000;

/**
A copy of `value` made of plain objects and arrays, as JSON would see it (toJSON applied, own
enumerable keys), read once. Functions and undefined stay for the caller's checks to judge; a
getter or Proxy that throws, a cycle, a BigInt or more than 64 levels is `invalid`, naming where.
*/
export function detach<T>(value: T, what: string): T {
  const stack: unknown[] = [];
  let at = what;
  let count = 0;
  const walk = (o: Record<string, unknown>, key: string | number, path: string): unknown => {
    at = path;
    let v = o[key] as Record<string, unknown> | null;
    if (typeof v?.toJSON === 'function') v = (v.toJSON as () => typeof v)();
    // Not JSON, or too much of it: the catch below says so, naming where.
    if (typeof v === 'bigint' || stack.includes(v) || stack.length > 64 || ++count > MAX_VALUES) throw new Error();
    if (!v || typeof v !== 'object') return v;
    stack.push(v);
    const list = Array.isArray(v);
    const entries: [string | number, unknown][] = [];
    for (const k of list ? (v as unknown as unknown[]).keys() : Object.keys(v)) {
      const x = walk(v, k, `${path}.${k}`);
      // A toJSON on what toJSON answered is not JSON's to call, nor a later stringify's.
      if (k !== 'toJSON' || typeof x !== 'function') entries.push([k, x]);
    }
    stack.pop();
    // fromEntries defines keys, as JSON.parse does: a "__proto__" key stays data.
    return list ? entries.map((e) => e[1]) : Object.fromEntries(entries);
  };
  try {
    return walk({ v: value }, 'v', what) as T;
  } catch {
    return invalid(
      `${at.slice(0, 99)} cannot be read as JSON (a getter threw, or circular, a BigInt, too deep or big)`,
    );
  }
}
