// @ts-check
// Injected faults for tests: error statuses, Retry-After, slow answers, broken JSON,
// dropped connections. The first fault (in the order added) that matches a request and is
// not used up applies to it; each application counts against `count`.

/**
 * @typedef {import('./types.js').Fault} Fault
 * @typedef {import('./types.js').FaultSpec} FaultSpec
 * @typedef {import('./validate.mjs').ValidationError} ValidationError
 */

/** What `body: 'malformed'` sends: the start of a Sitecore answer, cut off. */
export const MALFORMED_BODY = '{"ref":';

/**
 * @param {unknown} spec
 * @returns {ValidationError | null}
 */
export function validateFaultSpec(spec) {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return { field: 'body', message: 'a fault is a JSON object such as {"path":"/v1.2/events","status":503}' };
  }
  const s = /** @type {Record<string, unknown>} */ (spec);
  if (typeof s.path !== 'string' || !s.path.startsWith('/')) {
    return { field: 'path', message: 'path must be a path prefix starting with "/"' };
  }
  if (s.path.startsWith('/sandbox/')) {
    return { field: 'path', message: 'the /sandbox/ control routes cannot be faulted' };
  }
  if (s.method !== undefined && (typeof s.method !== 'string' || !/^[A-Za-z]+$/.test(s.method))) {
    return { field: 'method', message: 'method must be an HTTP method such as "POST"' };
  }
  if (s.method !== undefined && String(s.method).toUpperCase() === 'OPTIONS') {
    return { field: 'method', message: 'preflights (OPTIONS) are never faulted' };
  }
  if (s.status !== undefined && !(Number.isInteger(s.status) && Number(s.status) >= 200 && Number(s.status) <= 599)) {
    return { field: 'status', message: 'status must be an integer from 200 to 599' };
  }
  // It becomes a header: text a header can carry (no line breaks), or a number of seconds.
  if (
    s.retryAfter !== undefined &&
    !(typeof s.retryAfter === 'string'
      ? /^[\x20-\x7e]*$/.test(s.retryAfter)
      : typeof s.retryAfter === 'number' && s.retryAfter >= 0)
  ) {
    return {
      field: 'retryAfter',
      message: 'retryAfter must be printable ASCII (an HTTP date) or a number of seconds ≥ 0',
    };
  }
  if (s.delayMs !== undefined && !(typeof s.delayMs === 'number' && s.delayMs >= 0 && s.delayMs <= 120_000)) {
    return { field: 'delayMs', message: 'delayMs must be a number from 0 to 120000' };
  }
  if (s.count !== undefined && !(Number.isInteger(s.count) && (Number(s.count) >= 1 || s.count === -1))) {
    return { field: 'count', message: 'count must be a positive integer, or -1 for "until cleared"' };
  }
  if (s.body !== undefined && typeof s.body !== 'string') {
    return { field: 'body', message: "body must be a string ('malformed' or the literal body)" };
  }
  if (s.reset !== undefined && typeof s.reset !== 'boolean') {
    return { field: 'reset', message: 'reset must be a boolean' };
  }
  if (s.stored !== undefined && typeof s.stored !== 'boolean') {
    return { field: 'stored', message: 'stored must be a boolean' };
  }
  if (s.status === undefined && s.body === undefined && !s.reset && !s.delayMs && s.retryAfter === undefined) {
    return { field: 'status', message: 'the fault does nothing: give status, body, reset or delayMs' };
  }
  return null;
}

/**
 * Does this fault answer the request itself (instead of delaying it and letting it through)?
 * @param {Fault} fault
 */
export function answersRequest(fault) {
  return (
    fault.status !== undefined || fault.body !== undefined || fault.reset === true || fault.retryAfter !== undefined
  );
}

/**
 * The status, headers and body a fault answers with (CORS headers are added by the caller).
 * @param {Fault} fault
 * @returns {import('./http.mjs').Reply}
 */
export function faultReply(fault) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
  const status = fault.status ?? (fault.retryAfter !== undefined && fault.body === undefined ? 503 : 200);
  if (fault.body === undefined) {
    return { status, json: { status: 'error', message: `injected fault ${fault.id}` }, headers };
  }
  const body = fault.body === 'malformed' ? MALFORMED_BODY : fault.body;
  let type = 'text/plain; charset=utf-8';
  if (fault.body === 'malformed') type = 'application/json; charset=utf-8';
  else {
    try {
      JSON.parse(body);
      type = 'application/json; charset=utf-8';
    } catch {
      // Not JSON: served as text.
    }
  }
  headers['Content-Type'] = type;
  return { status, body, headers };
}

export function createFaults() {
  /** @type {Fault[]} */
  let faults = [];
  let nextId = 1;

  return {
    /**
     * @param {FaultSpec} spec validated with validateFaultSpec
     * @returns {Fault}
     */
    add(spec) {
      const count = spec.count ?? 1;
      // Only the fields a fault has: anything else the spec carried is not kept or listed.
      const { path, method, status, retryAfter, delayMs, body, reset, stored } = spec;
      const given = Object.entries({
        method: method?.toUpperCase(),
        status,
        retryAfter,
        delayMs,
        body,
        reset,
        stored,
      }).filter(([, v]) => v !== undefined);
      /** @type {Fault} */
      const fault = { path, ...Object.fromEntries(given), id: `fault-${nextId++}`, count, remaining: count };
      faults.push(fault);
      return fault;
    },

    /**
     * Finds the fault for a request and uses one of its counts.
     * @param {string} method
     * @param {string} path
     * @returns {Fault | null}
     */
    take(method, path) {
      if (method === 'OPTIONS' || path.startsWith('/sandbox/')) return null;
      const fault = faults.find(
        (f) => f.remaining !== 0 && path.startsWith(f.path) && (!f.method || f.method === method),
      );
      if (!fault) return null;
      if (fault.remaining > 0) fault.remaining--;
      return fault;
    },

    /** @returns {Fault[]} */
    list() {
      return faults.map((f) => ({ ...f }));
    },

    clear() {
      faults = [];
    },
  };
}
