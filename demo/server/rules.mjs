// @ts-check
// Catalog rules (`when`) read as sentences and compared: why a slot shows what it shows (the
// decision traces) and what can never show (the catalog's warnings). Pure.

/**
 * @typedef {import('./types.js').Rule} Rule
 * @typedef {{ audiences: Set<string>, utmCampaign: string | null, pageType: string | null }} Seen
 */

export const AUDIENCES = Object.freeze(['new', 'returning', 'has-cart', 'abandoned-cart', 'identified']);

/** @param {string[]} list */
const either = (list) => list.join(' or ');

/**
 * The audiences a rule accepts, or null for any (no audience condition, or all of them: every
 * visitor is in at least one).
 * @param {Rule | undefined} rule
 * @returns {Set<string> | null}
 */
export function audiencesOf(rule) {
  if (rule?.audience === undefined) return null;
  const set = new Set([rule.audience].flat());
  return AUDIENCES.every((a) => set.has(a)) ? null : set;
}

/**
 * "audience is abandoned-cart", "audience is returning or identified and utm campaign is spring_sale", "everyone".
 * @param {Rule | undefined} rule
 */
export function ruleText(rule) {
  const parts = [];
  if (rule?.audience !== undefined) parts.push(`audience is ${either([rule.audience].flat())}`);
  if (rule?.utmCampaign !== undefined) parts.push(`utm campaign is ${rule.utmCampaign}`);
  if (rule?.pageType !== undefined) parts.push(`page type is ${rule.pageType}`);
  return parts.length ? parts.join(' and ') : 'everyone';
}

/** @param {string} a @param {string | null} b */
const same = (a, b) => b !== null && a.toLowerCase() === b.toLowerCase();

/**
 * Why a visitor does not pass a rule: "needs audience identified; the visitor is new". Empty when they do.
 * @param {Rule | undefined} rule
 * @param {Seen} seen
 */
export function whyNot(rule, seen) {
  const reasons = [];
  if (rule?.audience !== undefined) {
    const wanted = [rule.audience].flat();
    if (!wanted.some((a) => seen.audiences.has(a))) {
      reasons.push(
        `needs audience ${either(wanted)}; the visitor is ${[...seen.audiences].join(' and ') || 'in none'}`,
      );
    }
  }
  if (rule?.utmCampaign !== undefined && !same(rule.utmCampaign, seen.utmCampaign)) {
    reasons.push(
      `needs utm campaign ${rule.utmCampaign}; the visitor has ${seen.utmCampaign === null ? 'none' : seen.utmCampaign}`,
    );
  }
  if (rule?.pageType !== undefined && !same(rule.pageType, seen.pageType)) {
    reasons.push(`needs page type ${rule.pageType}; the page is ${seen.pageType ?? 'not given'}`);
  }
  return reasons.join(', and ');
}

/**
 * Does every visitor who passes `inner` pass `outer`'s conditions other than the audience?
 * @param {Rule | undefined} outer
 * @param {Rule | undefined} inner
 */
function impliesRest(outer, inner) {
  for (const key of /** @type {const} */ (['utmCampaign', 'pageType'])) {
    const o = outer?.[key];
    if (o !== undefined && (inner?.[key] === undefined || o.toLowerCase() !== inner[key].toLowerCase())) return false;
  }
  return true;
}

/**
 * The rules among `earlier` that, together, take every visitor `rule` matches (each such visitor
 * passes at least one of them), or null when some visitor of `rule`'s would pass none. Audiences
 * are taken as independent, so this never claims too much.
 * @template {{ when?: Rule }} T
 * @param {T[]} earlier
 * @param {Rule | undefined} rule
 * @returns {T[] | null}
 */
export function coveredBy(earlier, rule) {
  const left = new Set(audiencesOf(rule) ?? AUDIENCES);
  // One that takes them all is the clearest answer.
  const one = earlier.find((item) => {
    const accepts = audiencesOf(item.when);
    return impliesRest(item.when, rule) && (!accepts || [...left].every((a) => accepts.has(a)));
  });
  if (one) return [one];
  /** @type {T[]} */
  const used = [];
  for (const item of earlier) {
    if (!impliesRest(item.when, rule)) continue;
    const accepts = audiencesOf(item.when);
    const taken = [...left].filter((a) => !accepts || accepts.has(a));
    if (!taken.length) continue;
    used.push(item);
    for (const a of taken) left.delete(a);
    if (left.size === 0) return used;
  }
  return null;
}

/** Does a rule match every visitor? @param {Rule | undefined} rule */
export const matchesEveryone = (rule) => audiencesOf(rule) === null && impliesRest(rule, undefined);
