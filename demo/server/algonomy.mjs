// @ts-check
// RichRelevance / Algonomy Personalize API, answered from the catalog's placements, plus the
// tracking routes its answers point at:
//   GET /rrserver/api/personalize?apiKey=…&apiClientKey=…&placements=home_page.promo_1|…
//   GET /rrserver/track?u=…&p=…&c=…          an impression (204), counted in the guest's timeline
//   GET /rrserver/click?ct=<url>&u=…&p=…&c=… a click, then 302 to `ct`
// Parameter names are case-sensitive, lists are pipe-separated, and an error answer says why in
// `errormessage` (the Personalize API's documentation). Only the site's own keys are accepted:
// the catalog's `algonomy` section, else the documentation's example keys.

import { error, json } from './http.mjs';
import { guestByAnyId, guestContext, matches } from './audience.mjs';
import { PREVIEW_PARAM, forcedCampaign, previewed, previewOf } from './preview.mjs';
import { ruleText, whyNot } from './rules.mjs';
import { elapsed } from './decisions.mjs';
import { escapeHtml, fill, fillString, originOf } from './template.mjs';
import { addViewed, decodeRcs, encodeRcs } from './rcs.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./types.js').Store} Store
 * @typedef {import('./types.js').Campaign} Campaign
 * @typedef {import('./types.js').RrCreative} RrCreative
 * @typedef {import('./types.js').DecisionTrace} DecisionTrace
 * @typedef {ReturnType<typeof import('./decisions.mjs').createDecisionLog>} DecisionLog
 * @typedef {import('./audience.mjs').GuestContext} GuestContext
 * @typedef {ReturnType<typeof import('./catalog.mjs').createCatalog>} CatalogSource
 */

/** Page context the API accepts; echoed in `request` when given. */
const CONTEXT_PARAMS = ['productId', 'categoryId', 'atcid', 'cv', 'pref', 'rid', 'sgs', 'tagFilter', 'userAttribute'];
const SAME_PAGE_TYPE = 'All placements in a call must be for the same page type';
/**
 * What a page type requires, as the Personalize API documents it (`productId` on cart_page only
 * "when not empty", which the request alone cannot tell, so it is not checked there).
 * @type {Record<string, string>}
 */
const REQUIRED_ON = {
  item_page: 'productId',
  purchase_complete_page: 'productId',
  category_page: 'categoryId',
  add_to_cart_page: 'atcid',
};
/** The keys accepted when the catalog names none: the Personalize API documentation's examples. */
export const DOCUMENTED_KEYS = Object.freeze({ apiKey: ['4faeaf752ee40a0f'], apiClientKey: ['b0126f995ac848159d'] });

/** A control character (C0 or DEL): one a URL never holds, and a CR LF would split a header. */
const isControl = (ch) => ch <= '\x1f' || ch === '\x7f';

/**
 * An error answer in the API's documented shape (`status`, `errormessage`), naming the parameter.
 * @param {number} status
 * @param {string} field
 * @param {string} message
 */
const refuse = (status, field, message) => json(status, { status: 'error', field, errormessage: message });

/**
 * @param {{ store: Store, catalog: CatalogSource, decisions: DecisionLog }} deps
 * @returns {Route[]}
 */
export function algonomyRoutes({ store, catalog, decisions }) {
  return [
    {
      method: 'GET',
      pattern: /^\/rrserver\/api\/personalize$/,
      api: true,
      handle({ req, query }) {
        const started = performance.now();
        for (const name of ['apiKey', 'apiClientKey', 'placements']) {
          if (!query.get(name)) return refuse(400, name, `${name} is required (parameter names are case-sensitive)`);
        }
        const keys = catalog.get().algonomy ?? DOCUMENTED_KEYS;
        for (const name of /** @type {const} */ (['apiKey', 'apiClientKey'])) {
          const accepted = [keys[name]].flat();
          if (!accepted.includes(/** @type {string} */ (query.get(name)))) {
            return refuse(
              403,
              name,
              `unknown ${name} ${JSON.stringify(query.get(name))}: use the key RichRelevance gave this site`,
            );
          }
        }
        const names = list(query.get('placements'));
        const bad = names.find((n) => !/^[^.]+\.[^.]+/.test(n));
        if (bad !== undefined || names.length === 0) {
          return refuse(
            400,
            'placements',
            `each placement is "pageType.name", pipe-separated (got ${JSON.stringify(bad ?? '')})`,
          );
        }
        const pageTypes = [...new Set(names.map((n) => n.slice(0, n.indexOf('.'))))];
        if (pageTypes.length > 1) {
          // RR answers this one with 200 and status "error".
          return json(200, {
            status: 'error',
            errormessage: `${SAME_PAGE_TYPE} (got ${pageTypes.join(', ')}); make one call per page type`,
            placements: [],
          });
        }
        const needed = REQUIRED_ON[/** @type {string} */ (pageTypes[0])];
        if (needed && !query.get(needed)) return refuse(400, needed, `${needed} is required on ${pageTypes[0]}`);
        const cv = query.get('cv');
        if (cv !== null && !/^\d+$/.test(cv))
          return refuse(400, 'cv', `cv is the cart value in cents, e.g. 9550 for 95.50 (got ${JSON.stringify(cv)})`);

        const pageType = /** @type {string} */ (pageTypes[0]);
        const userId = query.get('userId') || null;
        const sessionId = query.get('sessionId') || null;
        const productIds = list(query.get('productId'));
        // rcs carries what the guest viewed; one that does not decode starts a fresh list.
        let viewed = decodeRcs(query.get('rcs'))?.viewed ?? [];
        if (pageType === 'item_page') viewed = addViewed(viewed, productIds);

        const browserId = userId ? guestByAnyId(store, userId) : null;
        const placements = catalog.get().placements ?? [];
        const preview = previewOf(query);
        const timeline = browserId ? store.timeline(browserId) : null;
        const guest = previewed(guestContext(timeline, { pageType }), preview);
        const origin = originOf(req);
        const answer = placementAnswerer({
          vars: { ...guest.vars, origin },
          guest,
          origin,
          track: { a: query.get('apiKey') ?? '', u: browserId ?? userId ?? '', s: sessionId ?? '' },
          // Under a preview the visitor is the link's, not the guest: what the guest bought or viewed
          // before does not take creatives away (the product on the page still does).
          exclude: new Set([...(preview ? [] : viewed), ...productIds]),
          bought: preview ? new Set() : boughtBy(timeline),
          includeHtml: !flag(query.get('excludeHtml')),
          includeScore: flag(query.get('includeScore')),
        });
        /** @type {DecisionTrace[]} */
        const traces = [];
        const answers = names.map((name) => {
          const placement = placements.find((p) => p.placement === name);
          // A campaign the preview forces is shown whatever its rule (`when`) says: it alone, or one of its creatives.
          const pick = placement ? forcedCampaign(preview, placement) : undefined;
          const { part, chosen, skipped } = answer(name, placement?.campaigns ?? [], pick?.campaign ? pick : null);
          traces.push({
            at: new Date().toISOString(),
            api: 'placements',
            slot: name,
            preview: query.get(PREVIEW_PARAM) || null,
            as: { audiences: [...guest.audiences], utm: guest.utmCampaign, pageType: guest.pageType },
            forced: pick ? { id: pick.force.id, found: pick.campaign !== null } : null,
            chosen,
            skipped,
            answer: part,
            ms: 0,
          });
          return part;
        });

        /** @type {Record<string, unknown>} */
        const request = {
          apiKey: query.get('apiKey'),
          clientKey: query.get('apiClientKey'),
          placements: names,
          sessionId: sessionId ?? 'null',
          userId: userId ?? 'null',
        };
        for (const p of CONTEXT_PARAMS) if (query.has(p)) request[p] = query.get(p);
        const answered = {
          request,
          ...(flag(query.get('includeRcs')) ? { rcs: encodeRcs({ viewed }) } : {}),
          placements: answers,
          message: '',
          status: 'ok',
        };
        for (const t of traces) t.ms = elapsed(started);
        decisions.record(browserId ?? userId, traces);
        // JSONP: the answer passed to the page's function, as the documented `callback` asks.
        const callback = query.get('callback');
        if (callback === null) return json(200, answered);
        if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(callback)) {
          return refuse(
            400,
            'callback',
            `callback must be a JavaScript function name (got ${JSON.stringify(callback)})`,
          );
        }
        return {
          status: 200,
          body: `${callback}(${JSON.stringify(answered)});`,
          headers: { 'Content-Type': 'application/javascript; charset=utf-8' },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/rrserver\/track$/,
      api: true,
      handle({ query }) {
        const placement = query.get('p');
        const campaign = query.get('c');
        if (!placement || !campaign)
          return error(400, placement ? 'c' : 'p', 'a tracking URL names its placement (p) and campaign (c)');
        const browserId = guestByAnyId(store, query.get('u') ?? '');
        if (browserId) store.recordTracking(browserId, 'impression', placement, campaign);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      pattern: /^\/rrserver\/click$/,
      api: true,
      handle({ query }) {
        const target = query.get('ct') ?? '';
        // Only where a creative can point: a web page, or a path on this server. No open redirect to javascript: etc.
        // Control characters (a CR LF in particular) could never be a URL; they would split the header.
        if ((!/^https?:\/\/[^/]/i.test(target) && !/^\/(?![/\\])/.test(target)) || [...target].some(isControl)) {
          return error(
            400,
            'ct',
            `ct must be the http(s) URL or /path the click leads to (got ${JSON.stringify(target)})`,
          );
        }
        const placement = query.get('p');
        const campaign = query.get('c');
        const browserId = guestByAnyId(store, query.get('u') ?? '');
        // The shopper is redirected whatever happens: a click must never strand them.
        if (browserId && placement && campaign) store.recordTracking(browserId, 'click', placement, campaign);
        return { status: 302, headers: { Location: asHeaderValue(target) } };
      },
    },
  ];
}

/**
 * @param {{ vars: Record<string, string | number>, guest: GuestContext, origin: string, track: Record<string, string>,
 *   exclude: Set<string>, bought: Set<string>, includeHtml: boolean, includeScore: boolean }} opts
 */
function placementAnswerer({ vars, guest, origin, track, exclude, bought, includeHtml, includeScore }) {
  /**
   * The placement's answer, and how it was decided.
   * @param {string} name
   * @param {Campaign[]} campaigns
   * @param {{ campaign: Campaign | null, creative: RrCreative | null } | null} pick a preview's choice
   * @returns {{ part: Record<string, unknown>, chosen: DecisionTrace['chosen'], skipped: DecisionTrace['skipped'] }}
   */
  return function answer(name, campaigns, pick) {
    const forcedOne = pick?.campaign;
    // Highest score first; equal scores keep the catalog's order (sort is stable).
    const ranked = forcedOne
      ? [pick.creative ? { ...forcedOne, creatives: [pick.creative] } : forcedOne]
      : campaigns.filter((c) => matches(c.when, guest)).sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
    /** Why a campaign that matched had nothing to show, by id. @type {Map<string, string>} */
    const reasons = new Map();
    let part = null;
    /** @type {Campaign | null} */
    let won = null;
    for (const campaign of ranked) {
      // What the guest already bought, online or in a store, is never offered; what they viewed,
      // only by campaigns that say so.
      const creatives = campaign.creatives.filter(
        (c) => !c.productId || !(bought.has(c.productId) || (campaign.excludeViewed && exclude.has(c.productId))),
      );
      if (creatives.length === 0) {
        reasons.set(
          campaign.id,
          `no creative left: the visitor bought every product it shows${campaign.excludeViewed ? ', or is viewing or viewed it' : ''}`,
        );
        continue;
      }
      const out = creatives.map((creative, i) => {
        const {
          id,
          score,
          DESTINATION_URL = '',
          MEDIA_URL = '',
          ALT_TEXT = '',
          SIZE = '',
          START_TIME = '00:00',
          END_TIME = '00:00',
          ...custom
        } = fill(creative, vars);
        const ids = { ...track, p: name, c: campaign.campaign, cr: id ?? String(i + 1) };
        return {
          // Wrapped so the click is counted, then redirected to the original, as the Personalize API does.
          DESTINATION_URL: DESTINATION_URL
            ? `${origin}/rrserver/click?${new URLSearchParams({ ct: DESTINATION_URL, ...ids })}`
            : '',
          MEDIA_URL,
          ALT_TEXT,
          SIZE,
          START_TIME,
          END_TIME,
          ...custom,
          trackingUrl: `${origin}/rrserver/track?${new URLSearchParams(ids)}`,
          campaign: campaign.campaign,
          R_RECOMMEND: 'true',
          ...(includeScore ? { score: score ?? campaign.score ?? 0 } : {}),
        };
      });
      const html = campaign.html === undefined ? creativesHtml(name, out) : fillString(campaign.html, vars);
      part = { placement: name, ...(includeHtml ? { html } : {}), creatives: out };
      won = campaign;
      break;
    }
    part ??= { placement: name, ...(includeHtml ? { html: '' } : {}), creatives: [] };

    /** @type {DecisionTrace['chosen']} */
    const chosen = won
      ? {
          id: pick?.creative && forcedOne ? `${forcedOne.id}/${pick.creative.id}` : won.id,
          name: won.campaign,
          rule: forcedOne ? 'forced by the preview' : ruleText(won.when),
          score: won.score ?? 0,
        }
      : null;
    const skipped = campaigns
      .filter((c) => c.id !== won?.id)
      .map((c) => {
        const score = c.score ?? 0;
        const wonScore = won?.score ?? 0;
        const reason =
          reasons.get(c.id) ??
          (forcedOne
            ? `the preview forces ${forcedOne.id}`
            : !matches(c.when, guest)
              ? whyNot(c.when, guest)
              : score < wonScore
                ? `score ${score} is below ${wonScore} (${won?.id})`
                : `same score as ${won?.id} (${score}), listed after it`);
        return { id: c.id, name: c.campaign, reason };
      });
    return { part, chosen, skipped };
  };
}

/**
 * The placement's HTML when the campaign has none: its creatives as linked images.
 * @param {string} placement
 * @param {Array<{ DESTINATION_URL: string, MEDIA_URL: string, ALT_TEXT: string }>} creatives
 */
function creativesHtml(placement, creatives) {
  const items = creatives.map((c) => {
    const img = c.MEDIA_URL
      ? `<img src="${escapeHtml(c.MEDIA_URL)}" alt="${escapeHtml(c.ALT_TEXT)}">`
      : escapeHtml(c.ALT_TEXT);
    return c.DESTINATION_URL ? `<a href="${escapeHtml(c.DESTINATION_URL)}">${img}</a>` : img;
  });
  return `<div class="rr-placement" data-placement="${escapeHtml(placement)}">${items.join('')}</div>`;
}

/**
 * A URL as a Location header carries it: spaces and non-ASCII percent-encoded as UTF-8 (a header
 * cannot hold "/日本"); the rest as given.
 * @param {string} url without control characters
 */
const asHeaderValue = (url) =>
  url.replace(/[^\x21-\x7e]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );

/** @param {string | null} v pipe-separated */
const list = (v) => (v ? v.split('|').filter(Boolean) : []);

/** @param {string | null} v */
const flag = (v) => v?.toLowerCase() === 'true';

/**
 * The products a guest bought: the bags of sessions that ended in a purchase, and the items of
 * their in-store (offline) orders.
 * @param {import('./types.js').Timeline | null} timeline
 * @returns {Set<string>}
 */
function boughtBy(timeline) {
  if (!timeline) return new Set();
  const online = timeline.sessions.filter((s) => s.purchased).flatMap((s) => s.cart.map((line) => line.item_id));
  const inStore = timeline.offlineOrders.flatMap((o) => o.body.order.items.map((item) => item.refCode));
  return new Set([...online, ...inStore]);
}
