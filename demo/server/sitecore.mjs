// @ts-check
// Sitecore CDP browser identity and event API, v1.2 (DESIGN.md §3, seeds 000 and 004):
//   GET  /v1.2/browser/create.json?client_key=K&message={}   new browser ref (+ guest)
//   GET  /v1.2/browser/:ref/show.json?client_key=K           the guest behind a browser ref
//   POST /v1.2/events                                        one event, JSON body
//   GET  /v1.2/event/create.json?client_key=K&message=<json> the same, legacy form (seed 004)

import { error, json, mediaType, parseJson } from './http.mjs';
import { isPlainObject, validateEvent } from './validate.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./http.mjs').Reply} Reply
 * @typedef {import('./types.js').Store} Store
 */

const VERSION = '1.2';

/**
 * @param {Store} store
 * @returns {Route[]}
 */
export function sitecoreRoutes(store) {
  /**
   * Validates, stores and acknowledges one event (every request, unless the sandbox dedupes).
   * @param {Record<string, any>} message
   * @param {string} [clientKey] from the query, for the legacy form
   * @returns {Reply}
   */
  function acceptEvent(message, clientKey) {
    const key = clientKey || message.client_key;
    const invalid = validateEvent(message, key);
    if (invalid) return error(400, invalid.field, invalid.message);
    const { ref } = store.recordEvent(key, message);
    return json(200, { ref, status: 'OK', version: VERSION, client_key: key });
  }

  return [
    {
      method: 'GET',
      pattern: /^\/v1\.2\/browser\/create\.json$/,
      api: true,
      handle({ query }) {
        const clientKey = query.get('client_key');
        if (!clientKey) return error(400, 'client_key', 'client_key is required in the query');
        const { browserId, guestRef } = store.createGuest(clientKey);
        return json(200, { ref: browserId, customer_ref: guestRef, status: 'OK', version: VERSION, client_key: clientKey });
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\.2\/browser\/(?<ref>[^/]+)\/show\.json$/,
      api: true,
      handle({ query, params }) {
        if (!query.get('client_key')) return error(400, 'client_key', 'client_key is required in the query');
        const browserId = safeDecode(params.ref ?? '');
        const guestRef = browserId === null ? null : store.guestRef(browserId);
        if (!guestRef) return error(404, null, `unknown browser ref ${JSON.stringify(browserId ?? params.ref)}`);
        return json(200, { ref: browserId, customer: { ref: guestRef } });
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\.2\/events$/,
      api: true,
      handle({ req, body }) {
        // text/plain: what navigator.sendBeacon sends with a string body (no preflight).
        const type = mediaType(req);
        if (type && type !== 'application/json' && type !== 'text/plain') {
          return error(415, 'content-type', `send the event as application/json or text/plain, not ${type}`);
        }
        if (body.length === 0) return error(400, 'body', 'the body is empty; expected one event as JSON');
        const message = parseJson(body.toString('utf8'));
        if (message === undefined) return error(400, 'body', 'the body is not valid JSON');
        if (!isPlainObject(message)) return error(400, 'body', 'the body must be one event object');
        return acceptEvent(message);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\.2\/event\/create\.json$/,
      api: true,
      handle({ query }) {
        const raw = query.get('message');
        if (!raw) return error(400, 'message', 'message (the URL-encoded event JSON) is required in the query');
        const message = parseJson(raw);
        if (message === undefined) return error(400, 'message', 'message is not valid JSON');
        if (!isPlainObject(message)) return error(400, 'message', 'message must be one event object');
        return acceptEvent(message, query.get('client_key') || undefined);
      },
    },
  ];
}

/** @param {string} s */
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
