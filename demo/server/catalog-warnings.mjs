// @ts-check
// What in a valid catalog can never show, and names a marketer cannot tell apart, by each API's
// own selection rules:
// - flows: the first variant whose rule matches answers, so a variant whose visitors all match
//   variants above it never shows; a fuzzy request (`home_hero*`) runs the first live flow in
//   lexicographic order that has a variant for the visitor, so a flow after one that has a variant
//   for everyone is never reached through it;
// - placements: the matching campaign with the highest score answers (ties: the one listed first)
//   unless none of its creatives is left (bought, or viewed with excludeViewed), so a campaign
//   whose visitors all match campaigns ranked above it, that always have a creative, never shows;
// - offers: matching options by score, as many as the request's xdm:itemCount; one asked for (the
//   tag asks for one) never shows an option whose visitors all match higher ones, unless the
//   request's duplicate rules drop those (an option id used in another activity); the fallback
//   never shows when some option, used in no other activity, matches everyone.
// Pure: positions in the file are added by catalog.mjs.

import { coveredBy, matchesEveryone } from './rules.mjs';

/**
 * @typedef {import('./types.js').Catalog} Catalog
 * @typedef {import('./types.js').Rule} Rule
 * @typedef {{ at: Array<string | number>, path: string, slot: string, id: string | null, message: string }} Found
 */

/** @param {Array<string | number>} at */
const pathText = (at) => at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');

/**
 * @template {{ id: string }} T
 * @param {T[]} by
 * @param {string} kind
 */
const names = (by, kind) => (by.length === 1 ? `${kind} ${by[0]?.id}` : `${kind}s ${by.map((b) => b.id).join(', ')}`);

/**
 * @param {Catalog} catalog
 * @returns {Found[]}
 */
export function catalogWarnings(catalog) {
  /** @type {Found[]} */
  const found = [];
  /** @param {Array<string | number>} at @param {string} slot @param {string | null} id @param {string} message */
  const warn = (at, slot, id, message) => found.push({ at, path: pathText(at), slot, id, message });

  /**
   * Two of a slot's choices with one human name: the preview's lists cannot tell them apart.
   * @param {Array<{ id: string, name?: string | undefined }>} items
   * @param {(i: number) => Array<string | number>} at
   * @param {string} slot
   * @param {string} kind
   */
  const sameNames = (items, at, slot, kind) => {
    /** @type {Map<string, string>} */
    const seen = new Map();
    items.forEach((item, i) => {
      if (!item.name) return;
      const first = seen.get(item.name);
      if (first !== undefined)
        warn(
          at(i),
          slot,
          item.id,
          `same name as ${kind} ${first} ("${item.name}"): the preview cannot tell them apart`,
        );
      else seen.set(item.name, item.id);
    });
  };

  const flows = catalog.flows ?? [];
  flows.forEach((flow, f) => {
    flow.variants.forEach((variant, v) => {
      const by = coveredBy(flow.variants.slice(0, v), variant.when);
      if (!by) return;
      const everyone = by.length === 1 && matchesEveryone(by[0]?.when);
      warn(
        ['flows', f, 'variants', v, 'id'],
        flow.friendlyId,
        variant.id,
        `never shows: ${names(by, 'variant')} above it ${everyone ? 'matches everyone' : by.length === 1 ? 'matches everyone this one does' : 'already match everyone this one does'} (the first match wins)`,
      );
    });
    sameNames(flow.variants, (v) => ['flows', f, 'variants', v, 'name'], flow.friendlyId, 'variant');
  });
  // A fuzzy request for a flow's own id (`home_hero*`) runs it before every longer id it starts.
  for (const [f, flow] of flows.entries()) {
    if (flow.live === false) continue;
    const first = flows.find(
      (a) =>
        a !== flow &&
        a.live !== false &&
        // a family of flows, as Sitecore names them: home_hero, home_hero_2
        flow.friendlyId.startsWith(a.friendlyId) &&
        /^[^A-Za-z0-9]/.test(flow.friendlyId.slice(a.friendlyId.length)) &&
        coveredBy(a.variants, undefined) !== null,
    );
    if (first) {
      warn(
        ['flows', f, 'friendlyId'],
        flow.friendlyId,
        null,
        `never shows through a fuzzy request such as ${first.friendlyId}*: flow ${first.friendlyId} comes first and has a variant for everyone`,
      );
    }
  }

  for (const [p, placement] of (catalog.placements ?? []).entries()) {
    const campaigns = placement.campaigns;
    // A campaign with a creative that has no productId always has something to show.
    const always = (/** @type {(typeof campaigns)[number]} */ c) => c.creatives.some((cr) => !cr.productId);
    campaigns.forEach((campaign, c) => {
      const score = campaign.score ?? 0;
      const above = campaigns.filter(
        (other, o) =>
          o !== c && always(other) && ((other.score ?? 0) > score || ((other.score ?? 0) === score && o < c)),
      );
      const by = coveredBy(above, campaign.when);
      if (!by) return;
      const what = by.map((b) => `${b.id} (score ${b.score ?? 0})`).join(', ');
      warn(
        ['placements', p, 'campaigns', c, 'id'],
        placement.placement,
        campaign.id,
        `never shows: campaign${by.length > 1 ? 's' : ''} ${what} rank${by.length > 1 ? '' : 's'} above it (score ${score}) and ${by.length > 1 ? 'together match' : 'matches'}${by.length === 1 && matchesEveryone(by[0]?.when) ? ' everyone' : ' everyone this one does'}`,
      );
    });
    sameNames(
      campaigns.map((c) => ({ id: c.id, name: c.campaign })),
      (c) => ['placements', p, 'campaigns', c, 'campaign'],
      placement.placement,
      'campaign',
    );
  }

  const offers = catalog.offers ?? [];
  /** @type {Map<string, number>} option id → activities that use it */
  const uses = new Map();
  for (const a of offers) for (const id of new Set(a.options.map((o) => o.id))) uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const [a, activity] of offers.entries()) {
    // Only an option no other activity uses is sure to be proposed: duplicates may be refused.
    const sure = activity.options.filter((o) => uses.get(o.id) === 1);
    activity.options.forEach((option, o) => {
      const score = option.score ?? 0;
      const above = sure.filter((other) => {
        const i = activity.options.indexOf(other);
        return i !== o && ((other.score ?? 0) > score || ((other.score ?? 0) === score && i < o));
      });
      const by = coveredBy(above, option.when);
      if (!by) return;
      warn(
        ['offers', a, 'options', o, 'id'],
        activity.activityId,
        option.id,
        `never shows when one item is asked for (xdm:itemCount 1): ${names(by, 'option')} score${by.length > 1 ? '' : 's'} higher and match${by.length > 1 ? '' : 'es'} everyone this one does`,
      );
    });
    if (activity.fallback) {
      const by = coveredBy(sure, undefined);
      if (by) {
        warn(
          ['offers', a, 'fallback', 'id'],
          activity.activityId,
          activity.fallback.id,
          `never shows: ${names(by, 'option')} ${by.length > 1 ? 'together match' : 'matches'} everyone, so an option always qualifies`,
        );
      }
    }
    sameNames(activity.options, (o) => ['offers', a, 'options', o, 'name'], activity.activityId, 'option');
  }
  return found;
}
