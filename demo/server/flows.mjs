// @ts-check
// Sitecore Personalize flow execution (Personalize API Flow execution), answered from the catalog:
//   POST /v2/callFlows                                   Engage and our tag
//   POST /v1/personalize?sitecoreContextId=…&siteId=…     the Cloud SDK's Edge form
//   GET  /v1/personalize/cdn-url?sitecoreContextId=…      where the Cloud SDK loads web experiences from
// The answer is the first matching variant's `response`, placeholders filled.

import { error, json, mediaType } from './http.mjs';
import { parseWithin } from './limits.mjs';
import { CHANNELS, isEmail, isPlainObject } from './validate.mjs';
import { guestContext, matches } from './audience.mjs';
import { PREVIEW_PARAM, forcedVariant, previewed, previewOf } from './preview.mjs';
import { ruleText, whyNot } from './rules.mjs';
import { elapsed } from './decisions.mjs';
import { fill, originOf } from './template.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./http.mjs').Reply} Reply
 * @typedef {import('./http.mjs').Context} Context
 * @typedef {import('./types.js').Store} Store
 * @typedef {import('./types.js').Flow} Flow
 * @typedef {import('./types.js').FlowVariant} FlowVariant
 * @typedef {import('./types.js').DecisionTrace} DecisionTrace
 * @typedef {import('./validate.mjs').ValidationError} ValidationError
 * @typedef {ReturnType<typeof import('./catalog.mjs').createCatalog>} CatalogSource
 * @typedef {ReturnType<typeof import('./decisions.mjs').createDecisionLog>} DecisionLog
 */

const IDENTITY_FIELDS = /** @type {const} */ (['browserId', 'email', 'identifiers']);

/** @param {unknown} v */
const text = (v) => (typeof v === 'string' && v ? v : null);

/** @param {unknown} v */
const describe = (v) => (v === undefined ? 'missing' : `got ${JSON.stringify(v)}`);

/** A whole flow passed over, in a trace. @param {Flow} flow @param {string} reason */
const skippedFlow = (flow, reason) => ({ id: flow.friendlyId, name: flow.name ?? flow.friendlyId, reason });

/**
 * @param {{ store: Store, catalog: CatalogSource, decisions: DecisionLog }} deps
 * @returns {Route[]}
 */
export function flowRoutes({ store, catalog, decisions }) {
  /**
   * @param {Context} ctx
   * @param {boolean} edge the Cloud SDK form: its Edge proxy fills clientKey/pointOfSale, so "" is fine
   * @returns {Reply}
   */
  function callFlow({ req, body, query }, edge) {
    const started = performance.now();
    const type = mediaType(req);
    if (type !== 'application/json') {
      return error(
        415,
        'content-type',
        `send the flow request as Content-Type: application/json (got ${type ? JSON.stringify(type) : 'none'})`,
      );
    }
    const parsed = parseWithin(body.toString('utf8'));
    if ('problem' in parsed) return error(400, 'body', parsed.problem);
    const request = parsed.value;
    if (!isPlainObject(request)) return error(400, 'body', 'the body must be one JSON object');
    const invalid = validateFlowRequest(request, edge);
    if (invalid) return error(400, invalid.field, invalid.message);

    const browserId =
      (edge && request.guestRef ? store.findGuest({ guestRef: request.guestRef }) : null) ??
      (request.browserId ? store.findGuest({ browserId: request.browserId }) : null) ??
      (request.email ? store.findGuest({ email: request.email }) : null) ??
      (request.identifiers ? store.findGuest({ identifier: request.identifiers }) : null);
    const params = request.params ?? {};
    const preview = previewOf(query);
    const guest = previewed(
      guestContext(browserId ? store.timeline(browserId) : null, {
        // Engage flattens params (`utm_campaign`); the documented form nests them (`utm.campaign`).
        utmCampaign: text(params.utm?.campaign) ?? text(params.utm_campaign),
        pageType: text(params.pageType),
        currency: request.currencyCode,
      }),
      preview,
      request.currencyCode,
    );

    const friendlyId = request.friendlyId;
    const fuzzy = friendlyId.endsWith('*');
    const prefix = fuzzy ? friendlyId.slice(0, -1) : friendlyId;
    const named = (catalog.get().flows ?? [])
      .filter((f) => (fuzzy ? f.friendlyId.startsWith(prefix) : f.friendlyId === friendlyId))
      .sort((a, b) => (a.friendlyId < b.friendlyId ? -1 : a.friendlyId > b.friendlyId ? 1 : 0));
    const candidates = named.filter((f) => f.live !== false);
    // A preview's forced variant answers first, in whichever of the flows it is (a fuzzy request
    // runs several; a flow not live yet can be previewed too). One the flow no longer has is ignored.
    const forcing = named.map((flow) => ({ flow, pick: forcedVariant(preview, flow) })).filter((f) => f.pick);
    const hit = forcing.find((f) => f.pick?.variant);
    const missing = forcing.find((f) => !f.pick?.variant);
    /** @type {{ flow: Flow, variant: FlowVariant, rule: string } | null} */
    let answered = null;
    if (hit?.pick?.variant) answered = { flow: hit.flow, variant: hit.pick.variant, rule: 'forced by the preview' };
    else if (candidates.length === 0) {
      const reply = error(404, null, `no live flow ${fuzzy ? 'starting with' : 'named'} ${JSON.stringify(prefix)}`);
      trace(
        null,
        named.map((f) => skippedFlow(f, 'the flow is not live')),
        reply.json ?? null,
      );
      return reply;
    } else {
      // A fuzzy id runs the first live flow that also passes its audience rules (Personalize API Flow execution).
      for (const flow of candidates) {
        const variant = flow.variants.find((v) => matches(v.when, guest));
        if (variant) {
          answered = { flow, variant, rule: ruleText(variant.when) };
          break;
        }
      }
    }
    // The flow ran but no variant targets this guest: an empty template output.
    const answer = answered ? fill(answered.variant.response, { ...guest.vars, origin: originOf(req) }) : {};

    /** @type {DecisionTrace['skipped']} */
    const skipped = [];
    for (const flow of named) {
      if (flow === answered?.flow) {
        const chosen = answered.variant;
        let after = false;
        for (const v of flow.variants) {
          if (v === chosen) after = true;
          else
            skipped.push({
              id: v.id,
              name: v.name,
              reason: hit
                ? `the preview forces ${chosen.id}`
                : after
                  ? `an earlier variant (${chosen.id}) matched first`
                  : whyNot(v.when, guest),
            });
        }
      } else if (flow.live === false) skipped.push(skippedFlow(flow, 'the flow is not live'));
      else if (named.length === 1)
        skipped.push(...flow.variants.map((v) => ({ id: v.id, name: v.name, reason: whyNot(v.when, guest) })));
      else if (answered && (hit || named.indexOf(flow) > named.indexOf(answered.flow)))
        skipped.push(
          skippedFlow(
            flow,
            hit
              ? `the preview forces a variant of ${answered.flow.friendlyId}`
              : `flow ${answered.flow.friendlyId} answered first`,
          ),
        );
      else skipped.push(skippedFlow(flow, 'none of its variants is for this visitor'));
    }
    trace(answered, skipped, answer);
    return json(200, answer);

    /**
     * @param {{ flow: Flow, variant: FlowVariant, rule: string } | null} chosen
     * @param {DecisionTrace['skipped']} skippedOnes
     * @param {unknown} answerPart
     */
    function trace(chosen, skippedOnes, answerPart) {
      decisions.record(browserId ?? (text(request.browserId) || null), [
        {
          at: new Date().toISOString(),
          api: 'flows',
          slot: friendlyId,
          flow: chosen?.flow.friendlyId ?? null,
          preview: query.get(PREVIEW_PARAM) || null,
          as: { audiences: [...guest.audiences], utm: guest.utmCampaign, pageType: guest.pageType },
          forced: hit?.pick?.variant
            ? { id: hit.pick.variant.id, found: true }
            : missing?.pick
              ? { id: missing.pick.force.id, found: false }
              : null,
          chosen: chosen ? { id: chosen.variant.id, name: chosen.variant.name, rule: chosen.rule } : null,
          skipped: skippedOnes,
          answer: answerPart,
          ms: elapsed(started),
        },
      ]);
    }
  }

  return [
    { method: 'POST', pattern: /^\/v2\/callFlows$/, api: true, handle: (ctx) => callFlow(ctx, false) },
    {
      method: 'POST',
      pattern: /^\/v1\/personalize$/,
      api: true,
      handle(ctx) {
        for (const name of ['sitecoreContextId', 'siteId']) {
          if (!ctx.query.get(name)) return error(400, name, `${name} is required in the query (the Edge form)`);
        }
        return callFlow(ctx, true);
      },
    },
    {
      // Web experiences run in Sitecore's own script, which the sandbox does not imitate: the URL
      // it answers (plain text, as the Edge does) is an empty script, so a page that enables
      // them loads without errors.
      method: 'GET',
      pattern: /^\/v1\/personalize\/cdn-url$/,
      api: true,
      handle({ req, query }) {
        if (!query.get('sitecoreContextId'))
          return error(400, 'sitecoreContextId', 'sitecoreContextId is required in the query (the Edge form)');
        return {
          status: 200,
          body: `${originOf(req)}/v1/personalize/web-experiences.js`,
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/personalize\/web-experiences\.js$/,
      api: true,
      handle: () => ({
        status: 200,
        body: '// Slotwise sandbox: web experiences are not imitated.\n',
        headers: { 'Content-Type': 'text/javascript; charset=utf-8' },
      }),
    },
  ];
}

/**
 * The flow execution request as the Personalize API Flow execution documentation describes it.
 * @param {Record<string, any>} r
 * @param {boolean} edge
 * @returns {ValidationError | null}
 */
export function validateFlowRequest(r, edge) {
  for (const field of ['clientKey', 'pointOfSale']) {
    const v = r[field];
    if (typeof v !== 'string' || (!edge && v === '')) {
      return { field, message: `${field} must be a ${edge ? '' : 'non-empty '}string (${describe(v)})` };
    }
  }
  if (!CHANNELS.includes(r.channel)) {
    return { field: 'channel', message: `channel must be one of ${CHANNELS.join(', ')} (${describe(r.channel)})` };
  }
  if (!(typeof r.language === 'string' && /^[A-Za-z]{2}$/.test(r.language))) {
    return {
      field: 'language',
      message: `language must be a 2-letter ISO 639 code such as "EN" (${describe(r.language)})`,
    };
  }
  if (!(typeof r.currencyCode === 'string' && /^[A-Za-z]{3}$/.test(r.currencyCode))) {
    return {
      field: 'currencyCode',
      message: `currencyCode must be a 3-letter ISO 4217 code such as "EUR" (${describe(r.currencyCode)})`,
    };
  }
  if (!(typeof r.friendlyId === 'string' && r.friendlyId.length > 0 && r.friendlyId !== '*')) {
    return {
      field: 'friendlyId',
      message: `friendlyId must name a flow, e.g. "home_hero" or "product_recommender*" (${describe(r.friendlyId)})`,
    };
  }

  // The documentation names the guest by one of three; Sitecore's SDKs send email and
  // identifiers together, and browserId only when neither is given.
  const given = IDENTITY_FIELDS.filter((f) => r[f] !== undefined && r[f] !== null);
  if (given.length === 0 || (given.includes('browserId') && given.length > 1)) {
    return {
      field: given.length ? given.join(',') : 'browserId',
      message: `name the guest by browserId, or by email and/or identifiers, never browserId with the others (${given.length ? `got ${given.join(' and ')}` : 'got none'})`,
    };
  }
  if (given.includes('browserId') && typeof r.browserId !== 'string') {
    return { field: 'browserId', message: `browserId must be a string (${describe(r.browserId)})` };
  }
  // Engage sends browserId "" when its cookie could not be stored; the Edge form then names
  // the guest by guestRef, or the guest is simply unknown.
  if (given.includes('browserId') && r.browserId === '' && !edge) {
    return { field: 'browserId', message: 'browserId is empty: the browser has no id yet (create one first)' };
  }
  if (given.includes('email') && !isEmail(r.email)) {
    return { field: 'email', message: `email is not an email address (${describe(r.email)})` };
  }
  if (given.includes('identifiers')) {
    const ids = r.identifiers;
    if (
      !isPlainObject(ids) ||
      typeof ids.provider !== 'string' ||
      !ids.provider ||
      typeof ids.id !== 'string' ||
      !ids.id
    ) {
      return {
        field: 'identifiers',
        message: `identifiers must be one { provider, id } object of non-empty strings (not an array as in IDENTITY events; ${describe(ids)})`,
      };
    }
  }
  if (edge && r.guestRef !== undefined && typeof r.guestRef !== 'string') {
    return { field: 'guestRef', message: `guestRef must be a string (${describe(r.guestRef)})` };
  }

  if (r.params !== undefined) {
    if (!isPlainObject(r.params))
      return { field: 'params', message: `params must be an object (${describe(r.params)})` };
    const utm = r.params.utm;
    if (utm !== undefined) {
      if (!isPlainObject(utm))
        return { field: 'params.utm', message: `params.utm must be an object (${describe(utm)})` };
      for (const key of ['campaign', 'source', 'medium', 'content']) {
        if (utm[key] !== undefined && typeof utm[key] !== 'string') {
          return { field: `params.utm.${key}`, message: `params.utm.${key} must be a string (${describe(utm[key])})` };
        }
      }
    }
  }
  return null;
}
