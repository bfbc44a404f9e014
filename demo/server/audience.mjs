// @ts-check
// What the decision APIs know about a guest, read from the store's timeline: the audiences a
// catalog rule can target, the UTM campaign and page type, and the values `{{placeholders}}`
// are filled with. Pure: the routes fetch the timeline and pass request facts in.

import { roundCents } from './sessions.mjs';

/**
 * @typedef {import('./types.js').Timeline} Timeline
 * @typedef {import('./types.js').Rule} Rule
 * @typedef {import('./types.js').Store} Store
 * @typedef {{ audiences: Set<string>, utmCampaign: string | null, pageType: string | null,
 *   vars: Record<string, string | number> }} GuestContext
 * @typedef {{ utmCampaign?: string | null, pageType?: string | null, currency?: string | null }} RequestFacts
 */

/**
 * @param {Timeline | null} timeline null: a guest the sandbox does not know (counts as new)
 * @param {RequestFacts} [facts] what the request says; it wins over the guest's history
 * @returns {GuestContext}
 */
export function guestContext(timeline, facts = {}) {
  const sessions = timeline?.sessions ?? [];
  const open = sessions.at(-1)?.status === 'OPEN' ? sessions.at(-1) : undefined;
  // A cart bought in this session is no longer one to remind the guest of.
  const cart = open?.purchased ? [] : (timeline?.cart ?? []);

  // The latest closed session that left a cart behind, unless the guest bought since.
  const abandonedAt = sessions.findLastIndex((s) => s.status === 'CLOSED' && (s.abandonedValue ?? 0) > 0);
  const abandoned =
    abandonedAt >= 0 && !sessions.slice(abandonedAt + 1).some((s) => s.purchased) ? sessions[abandonedAt] : undefined;

  /** @type {Set<string>} */
  const audiences = new Set();
  if (timeline?.identity) audiences.add('identified');
  if (abandoned) audiences.add('abandoned-cart');
  if (cart.length > 0) audiences.add('has-cart');
  if (sessions.some((s) => s.status === 'CLOSED')) audiences.add('returning');
  if (audiences.size === 0) audiences.add('new');

  const events = timeline?.events ?? [];
  // Campaign attribution lasts the session: later pages of the visit have no utm_ in the URL.
  const lastSession = sessions.at(-1)?.id;
  const views = events.filter((e) => e.type === 'VIEW');
  const campaignView = views.findLast((e) => e.sessionId === lastSession && typeof e.message.utm_campaign === 'string');
  const lastView = views.at(-1);
  const lastEvent = events.at(-1);

  /** @param {Array<{ currency: string | null }>} items */
  const cartCurrency = (items) => items.find((i) => i.currency)?.currency;
  /** @param {Array<{ quantity: number }>} items */
  const count = (items) => items.reduce((n, i) => n + i.quantity, 0);

  return {
    audiences,
    utmCampaign: facts.utmCampaign || str(campaignView?.message.utm_campaign),
    pageType: facts.pageType || str(lastView?.message.page),
    vars: {
      firstname: timeline?.identity?.firstname ?? '',
      cartCount: count(cart),
      cartValue: money(cart.reduce((sum, i) => sum + i.price * i.quantity, 0)),
      abandonedCount: abandoned ? count(abandoned.cart) : 0,
      abandonedValue: money(abandoned?.abandonedValue ?? 0),
      // Amounts come from carts, so their currency wins over the page's.
      currency:
        cartCurrency(abandoned?.cart ?? []) ??
        cartCurrency(cart) ??
        facts.currency ??
        str(lastEvent?.message.currency) ??
        '',
    },
  };
}

/**
 * Does the guest pass the rule? Absent rule: everyone.
 * @param {Rule | undefined} rule
 * @param {GuestContext} ctx
 */
export function matches(rule, ctx) {
  if (!rule) return true;
  if (rule.audience !== undefined) {
    const wanted = Array.isArray(rule.audience) ? rule.audience : [rule.audience];
    if (!wanted.some((a) => ctx.audiences.has(a))) return false;
  }
  if (rule.utmCampaign !== undefined && !sameText(rule.utmCampaign, ctx.utmCampaign)) return false;
  if (rule.pageType !== undefined && !sameText(rule.pageType, ctx.pageType)) return false;
  return true;
}

/**
 * The guest an opaque id names (Algonomy userId, an Adobe identity): a browser id, else an
 * IDENTITY email, else an identifier id of any provider.
 * @param {Store} store
 * @param {string} id
 */
export function guestByAnyId(store, id) {
  return (
    store.findGuest({ browserId: id }) ?? store.findGuest({ email: id }) ?? store.findGuest({ identifier: { id } })
  );
}

/** @param {string} a @param {string | null} b */
const sameText = (a, b) => b !== null && a.toLowerCase() === b.toLowerCase();

/** @param {unknown} v */
const str = (v) => (typeof v === 'string' && v ? v : null);

/** Money is shown with two decimals ("49.90"), as a shop would. @param {number} n */
const money = (n) => roundCents(n).toFixed(2);
