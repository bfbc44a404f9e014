// @ts-check
// Request log for tests: what reached the server, in arrival order, with the status it got.

/** @typedef {import('./types.js').RequestEntry} RequestEntry */

export const MAX_REQUESTS = 5000;

export function createRequestLog(max = MAX_REQUESTS) {
  /** @type {RequestEntry[]} */
  let entries = [];

  return {
    /**
     * Records a request on arrival; the caller fills in status and bodyBytes as they become known.
     * @param {Omit<RequestEntry, 'time' | 'status' | 'bodyBytes'>} fields
     * @returns {RequestEntry}
     */
    start(fields) {
      /** @type {RequestEntry} */
      const entry = { time: new Date().toISOString(), ...fields, status: null, bodyBytes: 0 };
      entries.push(entry);
      // Drop the oldest in chunks rather than shifting 5000 entries on every request.
      if (entries.length > max + 100) entries = entries.slice(-max);
      return entry;
    },

    /** @returns {RequestEntry[]} */
    list() {
      return entries.slice(-max);
    },

    clear() {
      entries = [];
    },
  };
}
