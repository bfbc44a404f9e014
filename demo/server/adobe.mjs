// @ts-check
// Adobe Offer Decisioning (DESIGN.md §3, seed 002), answered from the catalog's offers:
//   POST /decisions   the decision-request XDM body → propositions (options, else the fallback)
// The real API wants a bearer token, API key and IMS org that must never reach a browser; the
// tag calls a first-party proxy, and this route answers as that proxy would, without them.

import { randomUUID } from 'node:crypto';
import { error, header, parseJson } from './http.mjs';
import { isPlainObject } from './validate.mjs';
import { guestByAnyId, guestContext, matches } from './audience.mjs';
import { forced, previewed, previewOf } from './preview.mjs';
import { fill, originOf } from './template.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./http.mjs').Reply} Reply
 * @typedef {import('./types.js').Store} Store
 * @typedef {import('./types.js').OfferActivity} OfferActivity
 * @typedef {import('./types.js').OfferContent} OfferContent
 * @typedef {import('./types.js').OfferOption} OfferOption
 * @typedef {ReturnType<typeof import('./catalog.mjs').createCatalog>} CatalogSource
 * @typedef {{ placementId: string, activityId: string, itemCount: number }} PropositionRequest
 */

const SCHEMA = 'https://ns.adobe.com/experience/offer-management';
export const REQUEST_TYPE = `application/vnd.adobe.xdm+json; schema="${SCHEMA}/decision-request;version=1.0"`;
export const RESPONSE_TYPE = `application/vnd.adobe.xdm+json; schema="${SCHEMA}/decision-response;version=1.0"`;
export const MAX_ITEM_COUNT = 30;

const COMPONENT_TYPES = {
  html: 'https://ns.adobe.com/experience/decisioning/content-component-html-template',
  imagelink: 'https://ns.adobe.com/experience/decisioning/content-component-imagelink',
  text: 'https://ns.adobe.com/experience/decisioning/content-component-text',
};

/**
 * Quotes, spaces, case and a charset parameter do not matter; the schema does.
 * @param {string} type
 */
const normalizeType = (type) => type.toLowerCase().replace(/[\s"']/g, '').replace(/;charset=[^;]*/, '');

/**
 * @param {{ store: Store, catalog: CatalogSource }} deps
 * @returns {Route[]}
 */
export function adobeRoutes({ store, catalog }) {
  return [
    {
      method: 'POST',
      pattern: /^\/decisions$/,
      api: true,
      handle({ req, body, query }) {
        const type = header(req.headers, 'content-type') ?? '';
        if (normalizeType(type) !== normalizeType(REQUEST_TYPE)) {
          return error(415, 'content-type', `send the Content-Type ${REQUEST_TYPE} (got ${JSON.stringify(type)})`);
        }
        const request = parseJson(body.toString('utf8'));
        if (!isPlainObject(request)) return error(400, 'body', 'the body must be one decision-request JSON object');
        const parsed = parseDecisionRequest(request);
        if ('status' in parsed) return parsed;
        const { propositionRequests, identities, acrossActivities, acrossPlacements, includeContent, names } = parsed;

        const activities = catalog.get().offers ?? [];
        /** @type {OfferActivity[]} */
        const chosen = [];
        for (const [i, r] of propositionRequests.entries()) {
          const activity = activities.find((a) => a.activityId === r.activityId);
          const at = `xdm:propositionRequests[${i}]`;
          if (!activity) return error(422, `${at}.xdm:activityId`, `unknown activity ${JSON.stringify(r.activityId)}`);
          if (activity.placementId !== r.placementId) {
            return error(422, `${at}.xdm:placementId`, `activity ${JSON.stringify(r.activityId)} has no placement ${JSON.stringify(r.placementId)}`);
          }
          chosen.push(activity);
        }

        let browserId = null;
        for (const id of identities) if ((browserId = guestByAnyId(store, id))) break;
        const preview = previewOf(query);
        const guest = previewed(guestContext(browserId ? store.timeline(browserId) : null), preview);
        const vars = { ...guest.vars, origin: originOf(req) };

        /** @param {OfferContent} o */
        const component = (o) => {
          const c = fill(o, vars);
          return {
            'xdm:id': c.id,
            'repo:etag': c.etag ?? 1,
            ...(names.option && c.name ? { 'xdm:name': c.name } : {}),
            '@type': COMPONENT_TYPES[/** @type {OfferContent['type']} */ (c.type)],
            ...(c.format ? { 'dc:format': c.format } : {}),
            ...(c.deliveryURL ? { 'xdm:deliveryURL': c.deliveryURL } : {}),
            ...(includeContent ? { 'xdm:content': c.content } : {}),
            ...(typeof c.score === 'number' ? { 'xdm:score': c.score } : {}),
          };
        };

        /** What was proposed so far, for the duplicate rules. @type {Array<{ id: string, activityId: string, placementId: string }>} */
        const proposed = [];
        const propositions = propositionRequests.map((r, i) => {
          const activity = /** @type {OfferActivity} */ (chosen[i]);
          const pick = forced(preview, r.activityId);
          const ranked = pick === undefined
            ? activity.options.filter((o) => matches(o.when, guest)).sort((a, b) => (b.score ?? 0) - (a.score ?? 0))
            : activity.options.filter((o) => o.id === pick);
          /** @type {OfferOption[]} */
          const options = [];
          for (const o of ranked) {
            if (options.length >= r.itemCount) break;
            const duplicate = proposed.some(
              (p) =>
                p.id === o.id &&
                ((!acrossActivities && p.activityId !== r.activityId) || (!acrossPlacements && p.placementId !== r.placementId)),
            );
            if (!duplicate) options.push(o);
          }
          proposed.push(...options.map((o) => ({ id: o.id, activityId: r.activityId, placementId: r.placementId })));
          const etag = activity.etag ?? 1;
          return {
            'xdm:activity': { 'xdm:id': r.activityId, 'repo:etag': etag, ...(names.activity && activity.name ? { 'xdm:name': activity.name } : {}) },
            'xdm:placement': {
              'xdm:id': r.placementId,
              'repo:etag': etag,
              ...(names.placement && activity.placementName ? { 'xdm:name': activity.placementName } : {}),
            },
            // Options, when present, are never empty; otherwise the fallback (seed 002).
            ...(options.length ? { 'xdm:options': options.map(component) } : { 'xdm:fallback': component(activity.fallback) }),
          };
        });

        return {
          status: 200,
          json: { 'xdm:propositionId': randomUUID(), 'xdm:propositions': propositions, 'ode:createDate': Date.now() },
          headers: { 'Content-Type': RESPONSE_TYPE },
        };
      },
    },
  ];
}

/**
 * Validates the decision request (400 for a malformed one, 422 for an item count out of range).
 * @param {Record<string, any>} body
 * @returns {Reply | { propositionRequests: PropositionRequest[], identities: string[], acrossActivities: boolean,
 *   acrossPlacements: boolean, includeContent: boolean, names: Record<'activity' | 'option' | 'placement', boolean> }}
 */
export function parseDecisionRequest(body) {
  const requests = body['xdm:propositionRequests'];
  if (!Array.isArray(requests) || requests.length === 0) {
    return error(400, 'xdm:propositionRequests', 'xdm:propositionRequests must be a non-empty array of { xdm:placementId, xdm:activityId, xdm:itemCount? }');
  }
  /** @type {PropositionRequest[]} */
  const propositionRequests = [];
  for (const [i, r] of requests.entries()) {
    const at = `xdm:propositionRequests[${i}]`;
    if (!isPlainObject(r)) return error(400, at, `${at} must be an object`);
    for (const key of ['xdm:placementId', 'xdm:activityId']) {
      if (typeof r[key] !== 'string' || !r[key]) return error(400, `${at}.${key}`, `${at}.${key} must be a non-empty string`);
    }
    const itemCount = r['xdm:itemCount'] ?? 1;
    if (!Number.isInteger(itemCount)) return error(400, `${at}.xdm:itemCount`, `xdm:itemCount must be an integer (got ${JSON.stringify(itemCount)})`);
    if (itemCount < 1 || itemCount > MAX_ITEM_COUNT) {
      return error(422, `${at}.xdm:itemCount`, `xdm:itemCount must be from 1 to ${MAX_ITEM_COUNT} (got ${itemCount})`);
    }
    propositionRequests.push({ placementId: r['xdm:placementId'], activityId: r['xdm:activityId'], itemCount });
  }

  const profiles = body['xdm:profiles'];
  if (!Array.isArray(profiles) || profiles.length !== 1 || !isPlainObject(profiles[0])) {
    return error(400, 'xdm:profiles', 'xdm:profiles must hold exactly one profile (an API request decides for one profile)');
  }
  const profile = profiles[0];
  const map = profile['xdm:identityMap'];
  const mapField = 'xdm:profiles[0].xdm:identityMap';
  if (!isPlainObject(map) || Object.keys(map).length === 0) {
    return error(400, mapField, `${mapField} must map a namespace to identities, e.g. { "ECID": [{ "xdm:id": "…" }] }`);
  }
  /** @type {string[]} */
  const identities = [];
  for (const [ns, list] of Object.entries(map)) {
    if (!Array.isArray(list) || list.length === 0 || !list.every((e) => isPlainObject(e) && typeof e['xdm:id'] === 'string' && e['xdm:id'])) {
      return error(400, `${mapField}.${ns}`, `${mapField}.${ns} must be a non-empty array of { "xdm:id": "…" }`);
    }
    identities.push(...list.map((e) => e['xdm:id']));
  }
  if (typeof profile['xdm:decisionRequestId'] !== 'string' || !profile['xdm:decisionRequestId']) {
    return error(400, 'xdm:profiles[0].xdm:decisionRequestId', 'xdm:profiles[0].xdm:decisionRequestId must be a non-empty string');
  }

  const dup = body['xdm:allowDuplicatePropositions'] ?? {};
  if (!isPlainObject(dup)) return error(400, 'xdm:allowDuplicatePropositions', 'xdm:allowDuplicatePropositions must be an object');
  for (const key of ['xdm:acrossActivities', 'xdm:acrossPlacements']) {
    if (dup[key] !== undefined && typeof dup[key] !== 'boolean') {
      return error(400, `xdm:allowDuplicatePropositions.${key}`, `xdm:allowDuplicatePropositions.${key} must be a boolean`);
    }
  }
  const format = body['xdm:responseFormat'] ?? {};
  if (!isPlainObject(format)) return error(400, 'xdm:responseFormat', 'xdm:responseFormat must be an object');
  if (format['xdm:includeContent'] !== undefined && typeof format['xdm:includeContent'] !== 'boolean') {
    return error(400, 'xdm:responseFormat.xdm:includeContent', 'xdm:responseFormat.xdm:includeContent must be a boolean');
  }
  const metadata = isPlainObject(format['xdm:includeMetadata']) ? format['xdm:includeMetadata'] : {};
  /** @param {string} key */
  const wantsName = (key) => Array.isArray(metadata[key]) && metadata[key].includes('name');

  return {
    propositionRequests,
    identities,
    acrossActivities: dup['xdm:acrossActivities'] !== false,
    acrossPlacements: dup['xdm:acrossPlacements'] !== false,
    includeContent: format['xdm:includeContent'] !== false,
    names: { activity: wantsName('xdm:activity'), option: wantsName('xdm:option'), placement: wantsName('xdm:placement') },
  };
}
