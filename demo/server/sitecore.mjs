// @ts-check
// Sitecore CDP browser identity and event API, v1.2 (Sitecore CDP REST API), directly and through
// Sitecore's Edge proxy, the form Sitecore's Cloud SDK calls:
//   GET  /v1.2/browser/create.json?client_key=K&message={}   new browser ref (+ guest)
//   GET  /v1.2/browser/:ref/show.json?client_key=K           the guest behind a browser ref
//   POST /v1.2/events                                        one event, JSON body
//   GET  /v1.2/event/create.json?client_key=K&message=<json> the same, the documented GET form
// The Edge form is the same paths under /v1/events, keyed by `sitecoreContextId` (the proxy
// resolves the tenant's client key and point of sale from it, so the SDK sends them blank):
//   GET  /v1/events/v1.2/browser/create.json?sitecoreContextId=C&client_key=
//   GET  /v1/events/v1.2/browser/:ref/show.json?sitecoreContextId=C&client_key=&api_token=
//   POST /v1/events/v1.2/events?sitecoreContextId=C&siteId=S
// The sandbox has no tenants: a context id stands for a client key of its own.

import { error, json, mediaType, parseJson } from './http.mjs';
import { parseWithin } from './limits.mjs';
import { isPlainObject, validateEvent } from './validate.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./http.mjs').Reply} Reply
 * @typedef {import('./http.mjs').Context} Context
 * @typedef {import('./types.js').Store} Store
 */

const VERSION = '1.2';
const EDGE = '(?<edge>/v1/events)?';

/**
 * The client key a request is for: the query's `client_key`, or on the Edge its context id.
 * @param {Context} ctx
 * @param {string[]} edgeParams query parameters the Edge form requires (non-empty)
 * @param {boolean} [blankKey] the Edge form also carries `client_key=`, blank
 * @returns {{ key: string, edge: boolean } | Reply}
 */
function tenantOf({ query, params }, edgeParams, blankKey = false) {
  if (!params.edge) {
    const key = query.get('client_key');
    return key ? { key, edge: false } : error(400, 'client_key', 'client_key is required in the query');
  }
  for (const name of edgeParams) {
    if (!query.get(name)) return error(400, name, `${name} is required in the query of the Edge form`);
  }
  // The Cloud SDK sends client_key= (blank): the Edge fills it in from the context.
  if (blankKey && !query.has('client_key')) {
    return error(400, 'client_key', 'client_key is required in the query (blank on the Edge)');
  }
  return { key: /** @type {string} */ (query.get('sitecoreContextId')), edge: true };
}

/**
 * @param {Store} store
 * @param {{ textPlainEvents?: boolean }} [options] `textPlainEvents`: accept a `text/plain` event
 *   body (what `navigator.sendBeacon` sends with a string); the API documents JSON only
 * @returns {Route[]}
 */
export function sitecoreRoutes(store, { textPlainEvents = false } = {}) {
  /**
   * Validates, stores and acknowledges one event (every request, unless the sandbox dedupes).
   * @param {Record<string, any>} message
   * @param {string | undefined} clientKey from the query (the GET form) or the Edge context
   * @param {boolean} edge
   * @returns {Reply}
   */
  function acceptEvent(message, clientKey, edge) {
    const key = clientKey || message.client_key;
    const invalid = validateEvent(message, key, edge);
    if (invalid) return error(400, invalid.field, invalid.message);
    const { ref } = store.recordEvent(key, message);
    // The Edge answers with the message's blank client_key, as the Cloud SDK captures show.
    return json(200, { ref, status: 'OK', version: VERSION, client_key: edge ? (message.client_key ?? '') : key });
  }

  return [
    {
      method: 'GET',
      pattern: new RegExp(`^${EDGE}/v1\\.2/browser/create\\.json$`),
      api: true,
      handle(ctx) {
        const tenant = tenantOf(ctx, ['sitecoreContextId'], true);
        if ('status' in tenant) return tenant;
        if (!tenant.edge) {
          // The documented call carries an empty message object, as Engage and the tag send it.
          const message = parseJson(ctx.query.get('message') ?? '');
          if (!isPlainObject(message))
            return error(400, 'message', 'message must be a JSON object in the query, e.g. message={}');
        }
        const { browserId, guestRef } = store.createGuest(tenant.key);
        const clientKey = tenant.edge ? (ctx.query.get('client_key') ?? '') : tenant.key;
        return json(200, {
          ref: browserId,
          customer_ref: guestRef,
          status: 'OK',
          version: VERSION,
          client_key: clientKey,
        });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^${EDGE}/v1\\.2/browser/(?<ref>[^/]+)/show\\.json$`),
      api: true,
      handle(ctx) {
        const tenant = tenantOf(ctx, ['sitecoreContextId'], true);
        if ('status' in tenant) return tenant;
        const browserId = safeDecode(ctx.params.ref ?? '');
        const guestRef = browserId === null ? null : store.guestRef(browserId);
        if (!guestRef) return error(404, null, `unknown browser ref ${JSON.stringify(browserId ?? ctx.params.ref)}`);
        return json(200, { ref: browserId, customer: { ref: guestRef } });
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^${EDGE}/v1\\.2/events$`),
      api: true,
      handle(ctx) {
        const tenant = ctx.params.edge ? tenantOf(ctx, ['sitecoreContextId', 'siteId']) : null;
        if (tenant && 'status' in tenant) return tenant;
        const type = mediaType(ctx.req);
        if (type !== 'application/json' && !(textPlainEvents && type === 'text/plain')) {
          return error(
            415,
            'content-type',
            `send the event as Content-Type: application/json (got ${type ? JSON.stringify(type) : 'none'})`,
          );
        }
        if (ctx.body.length === 0) return error(400, 'body', 'the body is empty; expected one event as JSON');
        const parsed = parseWithin(ctx.body.toString('utf8'));
        if ('problem' in parsed) return error(400, 'body', parsed.problem);
        const message = parsed.value;
        if (!isPlainObject(message)) return error(400, 'body', 'the body must be one event object');
        return acceptEvent(message, tenant?.key, !!tenant);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\.2\/event\/create\.json$/,
      api: true,
      handle({ query }) {
        const raw = query.get('message');
        if (!raw) return error(400, 'message', 'message (the URL-encoded event JSON) is required in the query');
        const parsed = parseWithin(raw, 'message');
        if ('problem' in parsed) return error(400, 'message', parsed.problem);
        const message = parsed.value;
        if (!isPlainObject(message)) return error(400, 'message', 'message must be one event object');
        return acceptEvent(message, query.get('client_key') || undefined, false);
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
