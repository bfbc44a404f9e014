// @ts-check
// The sandbox's own routes, for developers and tests (pretty-printed JSON):
//   GET  /sandbox/guests                  all guests (summary)
//   GET  /sandbox/guests/:browserId       one guest's timeline
//   GET|DELETE /sandbox/requests          the request log
//   GET|POST|DELETE /sandbox/faults       injected faults
//   POST /sandbox/reset                   forget everything (and truncate the log)
//   GET  /sandbox/catalog                 the campaign catalog in use, why an edit was refused, what never shows
//   GET  /sandbox/preview?value=…         what a preview value says, checked against the catalog
//   GET  /sandbox/decisions/:browserId    how each slot was decided for that guest, newest last
// Only the sandbox's own pages and its controlOrigins may call them (control-guard.mjs).

import { validateFaultSpec } from './faults.mjs';
import { parseWithin } from './limits.mjs';
import { describePreview, parsePreview } from './preview.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./http.mjs').Reply} Reply
 * @typedef {import('./types.js').Store} Store
 * @typedef {ReturnType<typeof import('./faults.mjs').createFaults>} Faults
 * @typedef {ReturnType<typeof import('./requests.mjs').createRequestLog>} RequestLog
 * @typedef {ReturnType<typeof import('./catalog.mjs').createCatalog>} CatalogSource
 * @typedef {ReturnType<typeof import('./decisions.mjs').createDecisionLog>} DecisionLog
 */

/** @param {number} status @param {unknown} json @returns {Reply} */
const pretty = (status, json) => ({ status, json, pretty: true });

/** @param {number} status @param {string | null} field @param {string} message @returns {Reply} */
const fail = (status, field, message) =>
  pretty(status, field ? { status: 'error', field, message } : { status: 'error', message });

/**
 * The browser id in a `/sandbox/…/<id>` path, or the 400 for one that is not percent-encoded right.
 * @param {Record<string, string | undefined>} params @returns {string | Reply}
 */
function browserIdOf(params) {
  try {
    return decodeURIComponent(params.id ?? '');
  } catch {
    return fail(400, 'browserId', 'malformed percent-encoding');
  }
}

/**
 * @param {{ store: Store, faults: Faults, requests: RequestLog, catalog: CatalogSource, decisions: DecisionLog }} deps
 * @returns {Route[]}
 */
export function controlRoutes({ store, faults, requests, catalog, decisions }) {
  return [
    { method: 'GET', pattern: /^\/sandbox\/catalog$/, api: false, handle: () => pretty(200, catalog.state()) },
    {
      method: 'GET',
      pattern: /^\/sandbox\/preview$/,
      api: false,
      handle({ query }) {
        const value = query.get('value');
        if (value === null) return fail(400, 'value', 'give the preview value: /sandbox/preview?value=audience=new');
        return pretty(200, describePreview(parsePreview(value), catalog.get()));
      },
    },
    {
      method: 'GET',
      pattern: /^\/sandbox\/decisions\/(?<id>[^/]+)$/,
      api: false,
      handle({ params }) {
        const id = browserIdOf(params);
        if (typeof id !== 'string') return id;
        // A guest with no decision yet has an empty list, not a 404: the preview asks before the first one.
        return pretty(200, { decisions: decisions.list(id) });
      },
    },
    { method: 'GET', pattern: /^\/sandbox\/guests\/?$/, api: false, handle: () => pretty(200, store.guests()) },
    {
      method: 'GET',
      pattern: /^\/sandbox\/guests\/(?<id>[^/]+)$/,
      api: false,
      handle({ params }) {
        const id = browserIdOf(params);
        if (typeof id !== 'string') return id;
        const timeline = store.timeline(id);
        return timeline ? pretty(200, timeline) : fail(404, null, `no guest with browser id ${JSON.stringify(id)}`);
      },
    },
    { method: 'GET', pattern: /^\/sandbox\/requests$/, api: false, handle: () => pretty(200, requests.list()) },
    {
      method: 'DELETE',
      pattern: /^\/sandbox\/requests$/,
      api: false,
      handle() {
        requests.clear();
        return { status: 204 };
      },
    },
    { method: 'GET', pattern: /^\/sandbox\/faults$/, api: false, handle: () => pretty(200, faults.list()) },
    {
      method: 'POST',
      pattern: /^\/sandbox\/faults$/,
      api: false,
      handle({ body }) {
        const parsed = parseWithin(body.toString('utf8'));
        if ('problem' in parsed) return fail(400, 'body', parsed.problem);
        const spec = parsed.value;
        const invalid = validateFaultSpec(spec);
        if (invalid) return fail(400, invalid.field, invalid.message);
        const fault = faults.add(spec);
        return pretty(201, { id: fault.id });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/sandbox\/faults$/,
      api: false,
      handle() {
        faults.clear();
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: /^\/sandbox\/reset$/,
      api: false,
      handle() {
        store.reset();
        decisions.clear();
        faults.clear();
        requests.clear();
        return { status: 204 };
      },
    },
  ];
}
