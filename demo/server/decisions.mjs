// @ts-check
// Decision traces: how each slot of each decision request was decided (the visitor as decided
// for, the forced choice, what was chosen by which rule, what was skipped and why, the slot's
// part of the answer), kept per guest for the preview's "Why this?" (`GET /sandbox/decisions/:id`).
// The sandbox's own debugging data: bounded (the newest 50 per guest, the most recently decided
// guests only), in memory only, and never read by the vendor routes.

/** @typedef {import('./types.js').DecisionTrace} DecisionTrace */

export const TRACES_PER_GUEST = 50;
export const TRACED_GUESTS = 200;

/**
 * @param {{ perGuest?: number, guests?: number }} [limits]
 */
export function createDecisionLog({ perGuest = TRACES_PER_GUEST, guests = TRACED_GUESTS } = {}) {
  /** Most recently decided guest last. @type {Map<string, DecisionTrace[]>} */
  const byGuest = new Map();
  return {
    /**
     * Keeps a request's traces under the guest's key (their browser id), dropping the oldest.
     * @param {string | null} key
     * @param {DecisionTrace[]} traces
     */
    record(key, traces) {
      if (!key || !traces.length) return;
      const list = byGuest.get(key) ?? [];
      byGuest.delete(key);
      list.push(...traces);
      if (list.length > perGuest) list.splice(0, list.length - perGuest);
      byGuest.set(key, list);
      for (const oldest of byGuest.keys()) {
        if (byGuest.size <= guests) break;
        byGuest.delete(oldest);
      }
    },
    /** Oldest first. @param {string} key @returns {DecisionTrace[]} */
    list: (key) => [...(byGuest.get(key) ?? [])],
    clear: () => byGuest.clear(),
  };
}

/** Milliseconds since `started` (performance.now()), to a tenth. @param {number} started */
export const elapsed = (started) => Math.round((performance.now() - started) * 10) / 10;
