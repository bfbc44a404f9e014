// @ts-check
// The marketer preview: a decision request that carries `slotwise_preview` (in its query, as the
// tag adds it) is answered as if the guest were the chosen visitor, with the chosen content forced
// into chosen slots. The value is JSON:
//   { "audience": "abandoned-cart", "utm": "spring_sale",
//     "force": { "home_hero": 1, "home_page.promo_1": "Spring Sale 2025", "<activityId>": "<option id>" } }
// `force` keys are a flow's friendlyId (value: the variant's index), a placement name (value: the
// campaign name) or an Adobe activity id (value: the option id). Pure.

/**
 * @typedef {import('./audience.mjs').GuestContext} GuestContext
 * @typedef {{ audience?: string, utm?: string, force: Record<string, string | number> }} Preview
 */

export const PREVIEW_PARAM = 'slotwise_preview';

/** Values to show when the previewed visitor's story is not the guest's own (no real bag, say). */
const SAMPLE = { firstname: 'Alex', cartCount: 2, cartValue: '164.80', abandonedCount: 2, abandonedValue: '164.80' };

/**
 * The preview a request asks for; null when it asks for none or the value is not a preview.
 * @param {URLSearchParams} query
 * @returns {Preview | null}
 */
export function previewOf(query) {
  const raw = query.get(PREVIEW_PARAM);
  if (!raw) return null;
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const force = typeof value.force === 'object' && value.force !== null ? value.force : {};
  return {
    ...(typeof value.audience === 'string' && value.audience ? { audience: value.audience } : {}),
    ...(typeof value.utm === 'string' && value.utm ? { utm: value.utm } : {}),
    force: Object.fromEntries(Object.entries(force).filter(([, v]) => typeof v === 'string' || typeof v === 'number')),
  };
}

/**
 * The guest as the preview shows them: the chosen audience instead of their own, sample values
 * where their timeline has none, and the chosen campaign.
 * @param {GuestContext} guest
 * @param {Preview | null} preview
 * @returns {GuestContext}
 */
export function previewed(guest, preview) {
  if (!preview) return guest;
  const vars = { ...guest.vars };
  if (preview.audience) {
    for (const [name, sample] of Object.entries(SAMPLE)) if (!vars[name] || vars[name] === '0.00') vars[name] = sample;
    vars.currency ||= 'EUR';
  }
  return {
    audiences: preview.audience ? new Set([preview.audience]) : guest.audiences,
    utmCampaign: preview.utm ?? guest.utmCampaign,
    pageType: guest.pageType,
    vars,
  };
}

/**
 * What the preview forces for this flow, placement or activity, if anything.
 * @param {Preview | null} preview
 * @param {string} id
 */
export const forced = (preview, id) => (preview && Object.hasOwn(preview.force, id) ? preview.force[id] : undefined);
