// @ts-check
// Decision traces: how each slot of each decision request was decided (the visitor as decided
// for, the forced choice, what was chosen by which rule, what was skipped and why, the slot's
// part of the answer), kept per guest for the preview's "Why this?" (`GET /sandbox/decisions/:id`).
// The sandbox's own debugging data: bounded (the newest 50 per guest, the most recently decided
// guests only, and a size in all: any site may send a decision request, with ids and slot names
// as long as a body or URL allows), in memory only, and never read by the vendor routes.

/** @typedef {import('./types.js').DecisionTrace} DecisionTrace */

export const TRACES_PER_GUEST = 50;
export const TRACED_GUESTS = 200;
/** The most one trace keeps, as JSON characters: longer texts in it are cut. */
export const TRACE_CHARS = 64 * 1024;
/** The most all traces keep, keys included, as JSON characters: the oldest guests go first. */
export const TRACED_CHARS = 8 * 1024 * 1024;
/** How much of a text a trace too long to keep whole still shows. */
const CUT = 256;

/**
 * A copy of `value` with every text longer than CUT shortened, saying how long it was.
 * @param {unknown} value
 * @returns {unknown}
 */
function cut(value) {
  if (typeof value === 'string')
    return value.length > CUT ? `${value.slice(0, CUT)}… (${value.length} characters)` : value;
  if (Array.isArray(value)) return value.map(cut);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cut(k), cut(v)]));
  return value;
}

/**
 * The trace as kept, and its size: whole when it fits TRACE_CHARS, else with its texts cut, and
 * without its answer and its longest lists when even that does not fit.
 * @param {DecisionTrace} trace
 * @returns {{ trace: DecisionTrace, chars: number }}
 */
function fitted(trace) {
  let chars = JSON.stringify(trace).length;
  if (chars <= TRACE_CHARS) return { trace, chars };
  let kept = /** @type {DecisionTrace} */ (cut(trace));
  chars = JSON.stringify(kept).length;
  if (chars > TRACE_CHARS) {
    kept = {
      ...kept,
      answer: `(left out: ${JSON.stringify(trace.answer ?? null).length} characters)`,
      skipped: (kept.skipped ?? []).slice(0, 100),
      ...(kept.as ? { as: { ...kept.as, audiences: kept.as.audiences.slice(0, 10) } } : {}),
    };
    chars = JSON.stringify(kept).length;
  }
  return { trace: kept, chars };
}

/**
 * @param {{ perGuest?: number, guests?: number, chars?: number }} [limits]
 */
export function createDecisionLog({ perGuest = TRACES_PER_GUEST, guests = TRACED_GUESTS, chars = TRACED_CHARS } = {}) {
  /** Most recently decided guest last. @type {Map<string, Array<{ trace: DecisionTrace, chars: number }>>} */
  const byGuest = new Map();
  /** What every guest's traces and key take, in characters. */
  let total = 0;
  /** @param {string} key */
  const sizeOf = (key) => key.length + (byGuest.get(key) ?? []).reduce((n, t) => n + t.chars, 0);
  /** @param {string} key */
  const forget = (key) => {
    if (!byGuest.has(key)) return;
    total -= sizeOf(key);
    byGuest.delete(key);
  };
  return {
    /**
     * Keeps a request's traces under the guest's key (their browser id), dropping the oldest.
     * @param {string | null} key
     * @param {DecisionTrace[]} traces
     */
    record(key, traces) {
      if (!key || !traces.length) return;
      const list = byGuest.get(key) ?? [];
      forget(key);
      list.push(...traces.map(fitted));
      if (list.length > perGuest) list.splice(0, list.length - perGuest);
      // A guest whose traces alone pass the size keeps its newest that fit.
      let size = key.length + list.reduce((n, t) => n + t.chars, 0);
      while (list.length && size > chars) size -= /** @type {{ chars: number }} */ (list.shift()).chars;
      if (!list.length) return;
      byGuest.set(key, list);
      total += size;
      for (const oldest of byGuest.keys()) {
        if (byGuest.size <= guests && total <= chars) break;
        forget(oldest);
      }
    },
    /** Oldest first. @param {string} key @returns {DecisionTrace[]} */
    list: (key) => (byGuest.get(key) ?? []).map((t) => t.trace),
    clear: () => {
      byGuest.clear();
      total = 0;
    },
  };
}

/** Milliseconds since `started` (performance.now()), to a tenth. @param {number} started */
export const elapsed = (started) => Math.round((performance.now() - started) * 10) / 10;
