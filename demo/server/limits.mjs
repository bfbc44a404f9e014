// @ts-check
// What a JSON body may hold before the sandbox stores or applies it. The byte limit is checked
// while reading (413, http.mjs); these are the shapes a body within it can still take that would
// break the code after it: nesting deep enough to overflow a recursive copy (structuredClone,
// JSON.stringify) on every later read of the guest, numbers JSON.parse turns into Infinity
// (`1e999`, written back as null: the log would replay something else), and lists long enough to
// make every lookup slow. Pure.

/** Levels of nesting, the body itself being level 1; no vendor body comes near it. */
export const MAX_DEPTH = 32;
/** Items in one array, or keys in one object. */
export const MAX_ITEMS = 1000;

/**
 * Why a parsed JSON value is beyond the limits, naming where; null when it is within them.
 * Iterative, so a value of any depth is walked without a stack to overflow.
 * @param {unknown} value
 * @returns {{ path: string, message: string } | null}
 */
export function jsonProblem(value) {
  /** @typedef {{ value: unknown, depth: number, parent: Frame | null, key: string | number }} Frame */
  /** @type {Frame[]} */
  const stack = [{ value, depth: 1, parent: null, key: '' }];
  while (stack.length) {
    const frame = /** @type {Frame} */ (stack.pop());
    const v = frame.value;
    if (typeof v === 'number' && !Number.isFinite(v)) {
      return { path: pathOf(frame), message: 'is a number too large for JSON (it would be stored as null)' };
    }
    if (typeof v !== 'object' || v === null) continue;
    if (frame.depth > MAX_DEPTH) return { path: pathOf(frame), message: `is nested deeper than ${MAX_DEPTH} levels` };
    const keys = Array.isArray(v) ? null : Object.keys(v);
    const count = keys ? keys.length : /** @type {unknown[]} */ (v).length;
    if (count > MAX_ITEMS) {
      return {
        path: pathOf(frame),
        message: `has ${count} ${keys ? 'keys' : 'items'}; at most ${MAX_ITEMS} are allowed`,
      };
    }
    const depth = frame.depth + 1;
    if (keys) for (const key of keys) stack.push({ value: /** @type {any} */ (v)[key], depth, parent: frame, key });
    else /** @type {unknown[]} */ (v).forEach((item, key) => stack.push({ value: item, depth, parent: frame, key }));
  }
  return null;
}

/**
 * `product.ext[2]`-style path of a frame; '' for the value itself.
 * @param {{ parent: any, key: string | number }} frame
 */
function pathOf(frame) {
  /** @type {Array<string | number>} */
  const keys = [];
  for (let f = frame; f.parent; f = f.parent) keys.unshift(f.key);
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/**
 * A JSON body parsed and checked: the value, or the message of a 400 that says what is wrong.
 * @param {string} text
 * @param {string} [what] how the answer names it ("the body", "message")
 * @returns {{ value: unknown } | { problem: string }}
 */
export function parseWithin(text, what = 'the body') {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `${what} is not valid JSON` };
  }
  const problem = jsonProblem(value);
  if (problem) return { problem: `${what}${problem.path ? ` at ${problem.path}` : ''} ${problem.message}` };
  return { value };
}
