// @ts-check
// Adobe Offer Decisioning (its Decisioning API), answered from the catalog's offers:
//   POST /data/core/ods/decisions  the API itself: the decision-request XDM body, with the
//                                  bearer token, API key, IMS org and sandbox name it requires
//   POST /decisions                a site's first-party proxy, as a real site runs one: a browser
//                                  must never hold those credentials, so the proxy adds them and
//                                  passes the request on (its media types and body as sent)
// Answers take the form real tenants send: offer-management `@type`s, ids in the answer's own
// form (`xcore:activity:X` for a request's `xcore:offer-activity:X`), propositions not in request
// order, and no proposition at all for an activity where nothing qualifies and no fallback is set.

import { randomUUID } from 'node:crypto';
import { error, header } from './http.mjs';
import { parseWithin } from './limits.mjs';
import { isPlainObject } from './validate.mjs';
import { guestByAnyId, guestContext, matches } from './audience.mjs';
import { PREVIEW_PARAM, forcedOption, previewed, previewOf } from './preview.mjs';
import { ruleText, whyNot } from './rules.mjs';
import { elapsed } from './decisions.mjs';
import { fill, originOf } from './template.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./http.mjs').Reply} Reply
 * @typedef {import('./types.js').Store} Store
 * @typedef {import('./types.js').OfferActivity} OfferActivity
 * @typedef {import('./types.js').OfferContent} OfferContent
 * @typedef {import('./types.js').OfferOption} OfferOption
 * @typedef {import('./types.js').DecisionTrace} DecisionTrace
 * @typedef {ReturnType<typeof import('./decisions.mjs').createDecisionLog>} DecisionLog
 * @typedef {ReturnType<typeof import('./catalog.mjs').createCatalog>} CatalogSource
 * @typedef {{ placementId: string, activityId: string, itemCount: number }} PropositionRequest
 */

const SCHEMA = 'https://ns.adobe.com/experience/offer-management';
export const REQUEST_TYPE = `application/vnd.adobe.xdm+json; schema="${SCHEMA}/decision-request;version=1.0"`;
export const RESPONSE_TYPE = `application/vnd.adobe.xdm+json; schema="${SCHEMA}/decision-response;version=1.0"`;
export const MAX_ITEM_COUNT = 30;
/** The Decisioning API's path on platform.adobe.io. */
export const API_PATH = '/data/core/ods/decisions';
/** What the demo's proxy adds: a real one holds the site's own. */
export const PROXY_CREDENTIALS = Object.freeze({
  authorization: 'Bearer sandbox-access-token',
  'x-api-key': 'sandbox-api-key',
  'x-gw-ims-org-id': 'SANDBOX0000000000000000@AdobeOrg',
  'x-sandbox-name': 'prod',
});

/** The `@type` and `dc:format` of each kind of content, as real tenants send them. */
const COMPONENTS = {
  html: { type: `${SCHEMA}/content-component-html`, format: 'text/html' },
  json: { type: `${SCHEMA}/content-component-json`, format: 'application/json' },
  imagelink: { type: `${SCHEMA}/content-component-imagelink`, format: 'image/png' },
  text: { type: `${SCHEMA}/content-component-text`, format: 'text/plain' },
};

/**
 * Quotes, spaces, case and a charset parameter do not matter; the schema does.
 * @param {string} type
 */
const normalizeType = (type) =>
  type
    .toLowerCase()
    .replace(/[\s"']/g, '')
    .replace(/;charset=[^;]*/, '');

/**
 * An id as the API answers it: `xcore:offer-activity:X` → `xcore:activity:X`.
 * @param {string} id
 */
export const answerForm = (id) => id.replace(/^(\w+):offer-(activity|placement):/, '$1:$2:');

/**
 * The headers the Decisioning API documents as required, each refused as the gateway would.
 * @param {import('node:http').IncomingHttpHeaders} headers
 * @returns {Reply | null}
 */
function checkHeaders(headers) {
  const type = header(headers, 'content-type') ?? '';
  if (normalizeType(type) !== normalizeType(REQUEST_TYPE)) {
    return error(415, 'content-type', `send the Content-Type ${REQUEST_TYPE} (got ${JSON.stringify(type)})`);
  }
  const accept = header(headers, 'accept') ?? '';
  if (!accept.split(',').some((a) => normalizeType(a) === normalizeType(RESPONSE_TYPE))) {
    return error(406, 'accept', `send the Accept ${RESPONSE_TYPE} (got ${JSON.stringify(accept)})`);
  }
  if (!/^Bearer \S+$/.test(header(headers, 'authorization') ?? '')) {
    return error(
      401,
      'authorization',
      'send Authorization: Bearer {ACCESS_TOKEN} (from your server or proxy, never from a browser)',
    );
  }
  if (!header(headers, 'x-api-key')) return error(403, 'x-api-key', 'send x-api-key: {API_KEY}');
  for (const name of ['x-gw-ims-org-id', 'x-sandbox-name']) {
    if (!header(headers, name)) return error(400, name, `send ${name} (the Decisioning API requires it)`);
  }
  return null;
}

/**
 * @param {{ store: Store, catalog: CatalogSource, decisions: DecisionLog }} deps
 * @returns {Route[]}
 */
export function adobeRoutes({ store, catalog, decisions }) {
  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').IncomingHttpHeaders} headers
   * @param {Buffer} body
   * @param {URLSearchParams} query
   * @returns {Reply}
   */
  function decide(req, headers, body, query) {
    const started = performance.now();
    const refused = checkHeaders(headers);
    if (refused) return refused;
    const read = parseWithin(body.toString('utf8'));
    if ('problem' in read) return error(400, 'body', read.problem);
    const request = read.value;
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
        return error(
          422,
          `${at}.xdm:placementId`,
          `activity ${JSON.stringify(r.activityId)} has no placement ${JSON.stringify(r.placementId)}`,
        );
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
      const kind = COMPONENTS[/** @type {OfferContent['type']} */ (c.type)];
      return {
        'xdm:id': c.id,
        'repo:etag': c.etag ?? 1,
        ...(names.option && c.name ? { 'xdm:name': c.name } : {}),
        '@type': kind.type,
        'dc:format': c.format ?? kind.format,
        ...(c.deliveryURL ? { 'xdm:deliveryURL': c.deliveryURL } : {}),
        // JSON offers travel as JSON text, as real tenants send them.
        ...(includeContent
          ? {
              'xdm:content': c.type === 'json' && typeof c.content !== 'string' ? JSON.stringify(c.content) : c.content,
            }
          : {}),
        ...(typeof c.score === 'number' ? { 'xdm:score': c.score } : {}),
      };
    };

    /** What was proposed so far, for the duplicate rules. @type {Array<{ id: string, activityId: string, placementId: string }>} */
    const proposed = [];
    /** @type {DecisionTrace[]} */
    const traces = [];
    const propositions = propositionRequests.flatMap((r, i) => {
      const activity = /** @type {OfferActivity} */ (chosen[i]);
      // A preview's choice: that option alone, whatever its rule, or the fallback; one the activity
      // no longer has decides as if not forced.
      const pick = forcedOption(preview, activity, activities);
      const forcedOne = pick?.option ?? null;
      const ranked = forcedOne
        ? pick?.fallback
          ? []
          : [/** @type {OfferOption} */ (forcedOne)]
        : activity.options.filter((o) => matches(o.when, guest)).sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
      /** @type {OfferOption[]} */
      const options = [];
      /** @type {Map<string, string>} */
      const reasons = new Map();
      for (const o of ranked) {
        if (options.length >= r.itemCount) break;
        const duplicate = proposed.find(
          (p) =>
            p.id === o.id &&
            ((!acrossActivities && p.activityId !== r.activityId) ||
              (!acrossPlacements && p.placementId !== r.placementId)),
        );
        if (!duplicate) options.push(o);
        else
          reasons.set(
            o.id,
            `already proposed in ${duplicate.activityId} in this request, and the request allows no duplicate`,
          );
      }
      // Nothing qualifies and no fallback is set: the placement is left out of the answer.
      const proposition =
        !options.length && !activity.fallback
          ? null
          : {
              'xdm:activity': {
                'xdm:id': answerForm(r.activityId),
                'repo:etag': activity.etag ?? 1,
                ...(names.activity && activity.name ? { 'xdm:name': activity.name } : {}),
              },
              'xdm:placement': {
                'xdm:id': answerForm(r.placementId),
                'repo:etag': activity.etag ?? 1,
                ...(names.placement && activity.placementName ? { 'xdm:name': activity.placementName } : {}),
              },
              // Options, when present, are never empty; otherwise the fallback.
              ...(options.length
                ? { 'xdm:options': options.map(component) }
                : { 'xdm:fallback': component(/** @type {OfferContent} */ (activity.fallback)) }),
            };
      if (proposition)
        proposed.push(...options.map((o) => ({ id: o.id, activityId: r.activityId, placementId: r.placementId })));

      const first = options[0];
      const lowest = options.at(-1);
      /** @type {DecisionTrace['chosen']} */
      let decided = null;
      if (first) {
        decided = {
          id: first.id,
          name: first.name ?? first.id,
          rule: `${forcedOne ? 'forced by the preview' : ruleText(first.when)}${options.length > 1 ? ` (first of ${options.length} options proposed)` : ''}`,
          score: first.score ?? 0,
        };
      } else if (proposition && activity.fallback) {
        decided = {
          id: activity.fallback.id,
          name: activity.fallback.name ?? activity.fallback.id,
          rule: pick?.fallback ? 'forced by the preview' : 'the fallback: no option qualifies',
        };
      }
      traces.push({
        at: new Date().toISOString(),
        api: 'offers',
        slot: r.activityId,
        preview: query.get(PREVIEW_PARAM) || null,
        as: { audiences: [...guest.audiences], utm: guest.utmCampaign, pageType: guest.pageType },
        forced: pick ? { id: forcedOne?.id ?? pick.force.id, found: forcedOne !== null } : null,
        chosen: decided,
        skipped: activity.options
          .filter((o) => !options.includes(o))
          .map((o) => ({
            id: o.id,
            name: o.name ?? o.id,
            reason:
              reasons.get(o.id) ??
              (forcedOne
                ? `the preview forces ${forcedOne.id}`
                : !matches(o.when, guest)
                  ? whyNot(o.when, guest)
                  : `${(o.score ?? 0) < (lowest?.score ?? 0) ? `score ${o.score ?? 0} is below ${lowest?.score ?? 0} (${lowest?.id})` : `same score as ${lowest?.id} (${o.score ?? 0}), listed after it`}; ${r.itemCount} ${r.itemCount === 1 ? 'option' : 'options'} asked for`),
          })),
        answer: proposition,
        ms: 0,
      });
      return proposition ? [proposition] : [];
    });
    for (const t of traces) t.ms = elapsed(started);
    decisions.record(browserId ?? identities[0] ?? null, traces);

    return {
      status: 200,
      // The API promises no order: answered last request first, so a client that matches by position shows it.
      json: {
        'xdm:propositionId': randomUUID(),
        'xdm:propositions': propositions.reverse(),
        'ode:createDate': Date.now(),
      },
      headers: { 'Content-Type': RESPONSE_TYPE },
    };
  }

  return [
    {
      method: 'POST',
      pattern: /^\/data\/core\/ods\/decisions$/,
      api: true,
      handle: ({ req, body, query }) => decide(req, req.headers, body, query),
    },
    {
      method: 'POST',
      pattern: /^\/decisions$/,
      api: true,
      // The site's proxy: the browser's media types and body, the site's credentials.
      handle: ({ req, body, query }) =>
        decide(
          req,
          { 'content-type': req.headers['content-type'], accept: req.headers.accept, ...PROXY_CREDENTIALS },
          body,
          query,
        ),
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
    return error(
      400,
      'xdm:propositionRequests',
      'xdm:propositionRequests must be a non-empty array of { xdm:placementId, xdm:activityId, xdm:itemCount? }',
    );
  }
  /** @type {PropositionRequest[]} */
  const propositionRequests = [];
  for (const [i, r] of requests.entries()) {
    const at = `xdm:propositionRequests[${i}]`;
    if (!isPlainObject(r)) return error(400, at, `${at} must be an object`);
    for (const key of ['xdm:placementId', 'xdm:activityId']) {
      if (typeof r[key] !== 'string' || !r[key])
        return error(400, `${at}.${key}`, `${at}.${key} must be a non-empty string`);
    }
    const itemCount = r['xdm:itemCount'] ?? 1;
    if (!Number.isInteger(itemCount))
      return error(400, `${at}.xdm:itemCount`, `xdm:itemCount must be an integer (got ${JSON.stringify(itemCount)})`);
    if (itemCount < 1 || itemCount > MAX_ITEM_COUNT) {
      return error(422, `${at}.xdm:itemCount`, `xdm:itemCount must be from 1 to ${MAX_ITEM_COUNT} (got ${itemCount})`);
    }
    propositionRequests.push({ placementId: r['xdm:placementId'], activityId: r['xdm:activityId'], itemCount });
  }

  const profiles = body['xdm:profiles'];
  if (!Array.isArray(profiles) || profiles.length !== 1 || !isPlainObject(profiles[0])) {
    return error(
      400,
      'xdm:profiles',
      'xdm:profiles must hold exactly one profile (an API request decides for one profile)',
    );
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
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((e) => isPlainObject(e) && typeof e['xdm:id'] === 'string' && e['xdm:id'])
    ) {
      return error(400, `${mapField}.${ns}`, `${mapField}.${ns} must be a non-empty array of { "xdm:id": "…" }`);
    }
    identities.push(...list.map((e) => e['xdm:id']));
  }
  if (typeof profile['xdm:decisionRequestId'] !== 'string' || !profile['xdm:decisionRequestId']) {
    return error(
      400,
      'xdm:profiles[0].xdm:decisionRequestId',
      'xdm:profiles[0].xdm:decisionRequestId must be a non-empty string',
    );
  }

  const dup = body['xdm:allowDuplicatePropositions'] ?? {};
  if (!isPlainObject(dup))
    return error(400, 'xdm:allowDuplicatePropositions', 'xdm:allowDuplicatePropositions must be an object');
  for (const key of ['xdm:acrossActivities', 'xdm:acrossPlacements']) {
    if (dup[key] !== undefined && typeof dup[key] !== 'boolean') {
      return error(
        400,
        `xdm:allowDuplicatePropositions.${key}`,
        `xdm:allowDuplicatePropositions.${key} must be a boolean`,
      );
    }
  }
  const format = body['xdm:responseFormat'] ?? {};
  if (!isPlainObject(format)) return error(400, 'xdm:responseFormat', 'xdm:responseFormat must be an object');
  if (format['xdm:includeContent'] !== undefined && typeof format['xdm:includeContent'] !== 'boolean') {
    return error(
      400,
      'xdm:responseFormat.xdm:includeContent',
      'xdm:responseFormat.xdm:includeContent must be a boolean',
    );
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
    names: {
      activity: wantsName('xdm:activity'),
      option: wantsName('xdm:option'),
      placement: wantsName('xdm:placement'),
    },
  };
}
