// @ts-check
// The marketer preview: a decision request that carries `slotwise_preview` (in its query, as the
// tag adds it) is answered as if the guest were the chosen visitor, with the chosen content forced
// into chosen slots. The value is short and readable, parts separated by `;`:
//   audience=abandoned-cart,identified    the visitor is in all of these audiences at once
//   utm=spring_sale                        the UTM campaign
//   home_hero=hero-cart                    a flow's variant, by its id (friendlyId=variant id)
//   home_page.promo_1=spring-sale-2025     a placement's campaign (or campaign-id/creative-id)
//   ffed0123=welcome10                     an Adobe activity's option; either id may be written by
//                                          its last ":" part when no other id ends the same way
// Under any preview the visitor's values ({{cartCount}}, {{firstname}}, …) are fixed samples,
// never the real guest's: the same link shows the same page to whoever opens it. A part that
// cannot be read is ignored for deciding and reported (`problems`); a forced id the catalog no
// longer has decides as if not forced, and is reported too. Pure.

import { AUDIENCES } from './rules.mjs';

/**
 * @typedef {import('./audience.mjs').GuestContext} GuestContext
 * @typedef {import('./types.js').Catalog} Catalog
 * @typedef {import('./types.js').Flow} Flow
 * @typedef {import('./types.js').FlowVariant} FlowVariant
 * @typedef {import('./types.js').Placement} Placement
 * @typedef {import('./types.js').Campaign} Campaign
 * @typedef {import('./types.js').RrCreative} RrCreative
 * @typedef {import('./types.js').OfferActivity} OfferActivity
 * @typedef {import('./types.js').OfferContent} OfferContent
 * @typedef {import('./types.js').PreviewReport} PreviewReport
 * @typedef {{ slot: string, id: string }} Force
 * @typedef {{ value: string, audiences: string[], utm: string | null, force: Force[], problems: string[] }} Preview
 */

export const PREVIEW_PARAM = 'slotwise_preview';

/**
 * The previewed visitor's values: the same for everyone who opens the link. A bag of two items
 * worth 164.80 (in the page's currency), left behind or still open, and the first name Alex.
 */
export const SAMPLE = Object.freeze({
  firstname: 'Alex',
  cartCount: 2,
  cartValue: '164.80',
  abandonedCount: 2,
  abandonedValue: '164.80',
  currency: 'EUR',
});

/** A part as quoted in a problem: short, whatever was pasted. @param {string} part */
const quoted = (part) => (part.length > 60 ? `${part.slice(0, 57)}…` : part);

/**
 * Reads a preview value; never throws. What cannot be read is listed in `problems`.
 * @param {string} value
 * @returns {Preview}
 */
export function parsePreview(value) {
  /** @type {Preview} */
  const preview = { value, audiences: [], utm: null, force: [], problems: [] };
  if (/^\s*\{/.test(value)) {
    preview.problems.push(
      `${quoted(value)}: the old JSON form is no longer read; write e.g. audience=abandoned-cart;home_hero=hero-cart`,
    );
    return preview;
  }
  /** @type {Set<string>} */
  const given = new Set();
  for (const raw of value.split(';')) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      preview.problems.push(
        `${quoted(part)}: not a part a preview has; write audience=…, utm=… or a slot=choice such as home_hero=hero-cart`,
      );
      continue;
    }
    const key = part.slice(0, eq).trim();
    const rest = part.slice(eq + 1).trim();
    if (given.has(key)) {
      preview.problems.push(`${quoted(part)}: ${key} is given twice; the first one counts`);
      continue;
    }
    if (key === 'audience') {
      const names = rest.split(',').map((a) => a.trim());
      const unknown = names.filter((a) => !AUDIENCES.includes(a));
      if (!rest || unknown.length) {
        preview.problems.push(
          `${quoted(part)}: ${rest ? `${unknown.map((a) => JSON.stringify(a)).join(', ')} ${unknown.length > 1 ? 'are not audiences' : 'is not an audience'}` : 'names no audience'} (audiences: ${AUDIENCES.join(', ')})`,
        );
      }
      const known = [...new Set(names.filter((a) => AUDIENCES.includes(a)))];
      if (known.length) {
        given.add(key);
        preview.audiences = known;
      }
    } else if (key === 'utm') {
      if (!rest) preview.problems.push(`${quoted(part)}: names no UTM campaign`);
      else {
        given.add(key);
        preview.utm = rest;
      }
    } else if (!rest) {
      preview.problems.push(`${quoted(part)}: names nothing to show in ${key}`);
    } else {
      given.add(key);
      preview.force.push({ slot: key, id: rest });
    }
  }
  return preview;
}

/**
 * The preview a request asks for; null when it asks for none (absent or empty).
 * @param {URLSearchParams} query
 * @returns {Preview | null}
 */
export function previewOf(query) {
  const raw = query.get(PREVIEW_PARAM);
  return raw ? parsePreview(raw) : null;
}

/**
 * The guest as the preview shows them: the chosen audiences instead of their own (theirs when
 * none is chosen), the chosen UTM campaign, and always the sample values.
 * @param {GuestContext} guest
 * @param {Preview | null} preview
 * @param {string | null} [currency] the page's currency, when the request gives one
 * @returns {GuestContext}
 */
export function previewed(guest, preview, currency = null) {
  if (!preview) return guest;
  return {
    audiences: preview.audiences.length ? new Set(preview.audiences) : guest.audiences,
    utmCampaign: preview.utm ?? guest.utmCampaign,
    pageType: guest.pageType,
    vars: { ...guest.vars, ...SAMPLE, ...(currency ? { currency } : {}) },
  };
}

/**
 * The one item whose id is `written`, or whose last ":" part is, when no other's is.
 * @template T
 * @param {T[]} items
 * @param {(item: T) => string} idOf
 * @param {string} written
 * @returns {{ item: T } | { ambiguous: string[] } | null}
 */
function byId(items, idOf, written) {
  const exact = items.find((i) => idOf(i) === written);
  if (exact) return { item: exact };
  if (written.includes(':')) return null;
  const ends = items.filter((i) => idOf(i).split(':').at(-1) === written);
  if (ends.length === 1) return { item: /** @type {T} */ (ends[0]) };
  return ends.length > 1 ? { ambiguous: ends.map(idOf) } : null;
}

/**
 * What a preview forces in one flow: the force naming it, and the variant (null: no such variant
 * any more, so the flow decides as if not forced). Undefined when the preview forces nothing there.
 * @param {Preview | null} preview
 * @param {Flow} flow
 * @returns {{ force: Force, variant: FlowVariant | null } | undefined}
 */
export function forcedVariant(preview, flow) {
  const force = preview?.force.find((f) => f.slot === flow.friendlyId);
  if (!force) return undefined;
  return { force, variant: flow.variants.find((v) => v.id === force.id) ?? null };
}

/**
 * What a preview forces in one placement: a campaign (`campaign-id`), or one of its creatives
 * (`campaign-id/creative-id`); null campaign: it names none the placement has.
 * @param {Preview | null} preview
 * @param {Placement} placement
 * @returns {{ force: Force, campaign: Campaign | null, creative: RrCreative | null } | undefined}
 */
export function forcedCampaign(preview, placement) {
  const force = preview?.force.find((f) => f.slot === placement.placement);
  if (!force) return undefined;
  const slash = force.id.indexOf('/');
  const campaignId = slash === -1 ? force.id : force.id.slice(0, slash);
  const creativeId = slash === -1 ? null : force.id.slice(slash + 1);
  const campaign = placement.campaigns.find((c) => c.id === campaignId) ?? null;
  if (!campaign || creativeId === null) return { force, campaign, creative: null };
  const creative = campaign.creatives.find((cr) => cr.id === creativeId) ?? null;
  return creative ? { force, campaign, creative } : { force, campaign: null, creative: null };
}

/**
 * The force naming an activity, by its id or its last ":" part (when no other activity's ends so).
 * @param {Preview | null} preview
 * @param {OfferActivity} activity
 * @param {OfferActivity[]} activities
 */
function forceOfActivity(preview, activity, activities) {
  return preview?.force.find((f) => {
    const found = byId(activities, (a) => a.activityId, f.slot);
    return found !== null && 'item' in found && found.item === activity;
  });
}

/**
 * What a preview forces in one Adobe activity: an option (or its fallback), by id or last ":" part.
 * @param {Preview | null} preview
 * @param {OfferActivity} activity
 * @param {OfferActivity[]} activities every activity of the catalog (a short id must be unique among them)
 * @returns {{ force: Force, option: OfferContent | null, fallback: boolean } | undefined}
 */
export function forcedOption(preview, activity, activities) {
  const force = forceOfActivity(preview, activity, activities);
  if (!force) return undefined;
  const choices = [...activity.options, ...(activity.fallback ? [activity.fallback] : [])];
  const found = byId(choices, (o) => o.id, force.id);
  const option = found && 'item' in found ? found.item : null;
  return { force, option, fallback: option !== null && option === activity.fallback };
}

/**
 * What a preview value says, checked against the catalog: for GET /sandbox/preview.
 * @param {Preview} preview
 * @param {Catalog} catalog
 * @returns {PreviewReport}
 */
export function describePreview(preview, catalog) {
  const problems = [...preview.problems];
  const activities = catalog.offers ?? [];
  /** Activities a part already forces: one named again (by its short and its full id) is ignored. */
  const taken = new Set();
  const force = preview.force.map(({ slot, id }) => {
    const part = quoted(`${slot}=${id}`);
    const flow = catalog.flows?.find((f) => f.friendlyId === slot);
    if (flow) {
      const variant = flow.variants.find((v) => v.id === id);
      if (variant) return { slot, id, found: true, label: variant.name, kind: /** @type {const} */ ('flow') };
      problems.push(`${part}: no variant ${JSON.stringify(id)} in flow ${slot} any more`);
      return { slot, id, found: false, kind: /** @type {const} */ ('flow') };
    }
    const placement = catalog.placements?.find((p) => p.placement === slot);
    if (placement) {
      const picked = /** @type {NonNullable<ReturnType<typeof forcedCampaign>>} */ (
        forcedCampaign({ ...preview, force: [{ slot, id }] }, placement)
      );
      if (picked.campaign) {
        const label = picked.creative
          ? `${picked.campaign.campaign}: ${picked.creative.ALT_TEXT || picked.creative.id}`
          : picked.campaign.campaign;
        return { slot, id, found: true, label, kind: /** @type {const} */ ('placement') };
      }
      const [campaignId, creativeId] = id.split('/');
      problems.push(
        creativeId !== undefined && placement.campaigns.some((c) => c.id === campaignId)
          ? `${part}: no creative ${JSON.stringify(creativeId)} in campaign ${campaignId} of placement ${slot} any more`
          : `${part}: no campaign ${JSON.stringify(campaignId)} in placement ${slot} any more`,
      );
      return { slot, id, found: false, kind: /** @type {const} */ ('placement') };
    }
    const named = byId(activities, (a) => a.activityId, slot);
    if (named && 'item' in named) {
      const activity = named.item;
      if (taken.has(activity)) {
        problems.push(`${part}: ${activity.activityId} is given twice; the first one counts`);
        return { slot: activity.activityId, id, found: false, kind: /** @type {const} */ ('offer') };
      }
      taken.add(activity);
      const choices = [...activity.options, ...(activity.fallback ? [activity.fallback] : [])];
      const option = byId(choices, (o) => o.id, id);
      if (option && 'item' in option) {
        const o = option.item;
        return {
          slot: activity.activityId,
          id: o.id,
          found: true,
          label: `${o.name ?? o.id}${o === activity.fallback ? ' (fallback)' : ''}`,
          kind: /** @type {const} */ ('offer'),
        };
      }
      problems.push(
        option
          ? `${part}: ${JSON.stringify(id)} ends several option ids of ${activity.activityId} (${option.ambiguous.join(', ')}); write it in full`
          : `${part}: no option ${JSON.stringify(id)} in activity ${activity.activityId} any more`,
      );
      return { slot: activity.activityId, id, found: false, kind: /** @type {const} */ ('offer') };
    }
    problems.push(
      named
        ? `${part}: ${JSON.stringify(slot)} ends several activity ids (${named.ambiguous.join(', ')}); write it in full`
        : `${part}: no flow, placement or offer activity ${JSON.stringify(slot)} in the catalog`,
    );
    return { slot, id, found: false, kind: null };
  });
  return { value: preview.value, audiences: preview.audiences, utm: preview.utm, force, problems };
}
