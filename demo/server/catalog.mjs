// @ts-check
// The campaign catalog the decision APIs answer from (demo/catalog.json by default; its shape
// is in README.md and types.d.ts). A marketer edits it while the sandbox runs, so it is
// re-read whenever its mtime or size changes. A broken edit keeps the last good catalog
// answering; the problem is printed once and shown at GET /sandbox/catalog.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPlainObject } from './validate.mjs';

/**
 * @typedef {import('./types.js').Catalog} Catalog
 * @typedef {{ path: string, loadedAt: string | null, error: string | null, catalog: Catalog }} CatalogState
 */

export const AUDIENCES = Object.freeze(['new', 'returning', 'has-cart', 'abandoned-cart', 'identified']);
export const OFFER_TYPES = Object.freeze(['html', 'json', 'imagelink', 'text']);
const RULE_KEYS = new Set(['audience', 'utmCampaign', 'pageType']);

/**
 * Loads the catalog now (throws if it cannot: a sandbox without one would answer nothing).
 * @param {string} file
 * @param {(msg: string) => void} [warn]
 */
export function createCatalog(file, warn = (msg) => console.warn(msg)) {
  const path = resolve(file);
  /** @type {CatalogState} */
  const state = { path, loadedAt: null, error: null, catalog: {} };
  let stamp = '';

  function refresh() {
    let next;
    try {
      const info = statSync(path);
      next = `${info.mtimeMs}:${info.size}`;
    } catch {
      next = 'missing';
    }
    if (next === stamp) return;
    stamp = next;
    try {
      const catalog = parseCatalog(readFileSync(path, 'utf8'));
      Object.assign(state, { catalog, loadedAt: new Date().toISOString(), error: null });
    } catch (err) {
      const message = `${path}: ${/** @type {Error} */ (err).message}`;
      if (state.loadedAt === null) throw new Error(`sandbox catalog: ${message}`);
      state.error = message;
      warn(`sandbox: catalog edit ignored, still answering from the last good version: ${message}`);
    }
  }

  refresh();
  return {
    /** The current catalog (re-read if the file changed). @returns {Catalog} */
    get() {
      refresh();
      return state.catalog;
    },
    /** For GET /sandbox/catalog. @returns {CatalogState} */
    state() {
      refresh();
      return { ...state };
    },
  };
}

/**
 * @param {string} text
 * @returns {Catalog}
 */
export function parseCatalog(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${/** @type {Error} */ (err).message})`);
  }
  const problem = validateCatalog(json);
  if (problem) throw new Error(problem);
  return json;
}

class Problem extends Error {}

/**
 * The first problem in a catalog, prefixed with its JSON path, or null.
 * @param {unknown} catalog
 * @returns {string | null}
 */
export function validateCatalog(catalog) {
  try {
    checkCatalog(catalog);
    return null;
  } catch (err) {
    if (err instanceof Problem) return err.message;
    throw err;
  }
}

/** @param {string} path @param {string} message @returns {never} */
const fail = (path, message) => {
  throw new Problem(`${path}: ${message}`);
};

/** @param {unknown} v @param {string} path @returns {Record<string, any>} */
function object(v, path) {
  return isPlainObject(v) ? v : fail(path, 'must be an object');
}

/** @param {unknown} v @param {string} path @returns {unknown[]} */
function array(v, path) {
  return Array.isArray(v) ? v : fail(path, 'must be an array');
}

/** @param {unknown} v @param {string} path @returns {string} */
function text(v, path) {
  return typeof v === 'string' && v.length > 0
    ? v
    : fail(path, `must be a non-empty string (got ${JSON.stringify(v)})`);
}

/** @param {Record<string, any>} o @param {string} key @param {string} path @param {string} type */
function optional(o, key, path, type) {
  if (o[key] !== undefined && typeof o[key] !== type) fail(`${path}.${key}`, `must be a ${type}`);
}

/**
 * @param {unknown[]} items
 * @param {(item: any) => string} id
 * @param {string} path
 */
function unique(items, id, path) {
  const seen = new Set();
  items.forEach((item, i) => {
    const key = id(item);
    if (seen.has(key)) fail(`${path}[${i}]`, `${JSON.stringify(key)} is listed twice`);
    seen.add(key);
  });
}

/** @param {unknown} v @param {string} path */
function checkRule(v, path) {
  if (v === undefined) return;
  const rule = object(v, path);
  for (const key of Object.keys(rule)) {
    if (!RULE_KEYS.has(key)) fail(`${path}.${key}`, `unknown condition; use ${[...RULE_KEYS].join(', ')}`);
  }
  if (rule.audience !== undefined) {
    const list = Array.isArray(rule.audience) ? rule.audience : [rule.audience];
    if (list.length === 0) fail(`${path}.audience`, 'an empty list matches nobody');
    for (const a of list) {
      if (!AUDIENCES.includes(a))
        fail(`${path}.audience`, `${JSON.stringify(a)} is not one of ${AUDIENCES.join(', ')}`);
    }
  }
  if (rule.utmCampaign !== undefined) text(rule.utmCampaign, `${path}.utmCampaign`);
  if (rule.pageType !== undefined) text(rule.pageType, `${path}.pageType`);
}

/** @param {unknown} catalog */
function checkCatalog(catalog) {
  const c = object(catalog, 'catalog');
  const flows = c.flows === undefined ? [] : array(c.flows, 'flows');
  flows.forEach((f, i) => {
    const p = `flows[${i}]`;
    const flow = object(f, p);
    const id = text(flow.friendlyId, `${p}.friendlyId`);
    if (id.includes('*')) fail(`${p}.friendlyId`, '"*" is for callers (fuzzy match), not for flow ids');
    optional(flow, 'live', p, 'boolean');
    const variants = array(flow.variants, `${p}.variants`);
    if (variants.length === 0) fail(`${p}.variants`, 'needs at least one variant');
    variants.forEach((v, j) => {
      const variant = object(v, `${p}.variants[${j}]`);
      checkRule(variant.when, `${p}.variants[${j}].when`);
      if (variant.response === undefined) fail(`${p}.variants[${j}].response`, 'is required (any JSON)');
    });
  });
  unique(flows, (f) => f.friendlyId, 'flows');

  const placements = c.placements === undefined ? [] : array(c.placements, 'placements');
  placements.forEach((pl, i) => {
    const p = `placements[${i}]`;
    const placement = object(pl, p);
    const name = text(placement.placement, `${p}.placement`);
    if (!/^[^.|]+\.[^|]+$/.test(name))
      fail(`${p}.placement`, `must be "pageType.name", e.g. "home_page.promo_1" (got ${JSON.stringify(name)})`);
    array(placement.campaigns, `${p}.campaigns`).forEach((cp, j) => {
      const q = `${p}.campaigns[${j}]`;
      const campaign = object(cp, q);
      text(campaign.campaign, `${q}.campaign`);
      checkRule(campaign.when, `${q}.when`);
      optional(campaign, 'score', q, 'number');
      optional(campaign, 'html', q, 'string');
      optional(campaign, 'excludeViewed', q, 'boolean');
      const creatives = array(campaign.creatives, `${q}.creatives`);
      if (creatives.length === 0) fail(`${q}.creatives`, 'needs at least one creative');
      creatives.forEach((cr, k) => {
        const r = `${q}.creatives[${k}]`;
        const creative = object(cr, r);
        for (const key of [
          'id',
          'DESTINATION_URL',
          'MEDIA_URL',
          'ALT_TEXT',
          'SIZE',
          'START_TIME',
          'END_TIME',
          'productId',
        ]) {
          optional(creative, key, r, 'string');
        }
        optional(creative, 'score', r, 'number');
      });
    });
  });
  unique(placements, (p) => p.placement, 'placements');

  if (c.algonomy !== undefined) {
    // The site's Algonomy keys: one each, or a list.
    const keys = object(c.algonomy, 'algonomy');
    for (const name of ['apiKey', 'apiClientKey']) {
      const list = Array.isArray(keys[name]) ? keys[name] : [keys[name]];
      if (list.length === 0) fail(`algonomy.${name}`, 'needs at least one key');
      list.forEach((k, i) => text(k, `algonomy.${name}${Array.isArray(keys[name]) ? `[${i}]` : ''}`));
    }
  }

  const offers = c.offers === undefined ? [] : array(c.offers, 'offers');
  offers.forEach((a, i) => {
    const p = `offers[${i}]`;
    const activity = object(a, p);
    text(activity.activityId, `${p}.activityId`);
    text(activity.placementId, `${p}.placementId`);
    optional(activity, 'name', p, 'string');
    optional(activity, 'placementName', p, 'string');
    optional(activity, 'etag', p, 'number');
    const options = array(activity.options, `${p}.options`);
    options.forEach((o, j) => {
      const option = checkOfferContent(o, `${p}.options[${j}]`);
      checkRule(option.when, `${p}.options[${j}].when`);
      optional(option, 'score', `${p}.options[${j}]`, 'number');
    });
    unique(options, (o) => o.id, `${p}.options`);
    // Optional: without one, the answer leaves the placement out when no option qualifies.
    if (activity.fallback !== undefined) checkOfferContent(activity.fallback, `${p}.fallback`);
  });
  unique(offers, (a) => a.activityId, 'offers');
}

/** @param {unknown} v @param {string} path */
function checkOfferContent(v, path) {
  const o = object(v, path);
  text(o.id, `${path}.id`);
  if (!OFFER_TYPES.includes(o.type)) fail(`${path}.type`, `must be one of ${OFFER_TYPES.join(', ')}`);
  if (o.type === 'json') {
    // Any JSON value; a string must itself be JSON text, as the API sends it.
    if (o.content === undefined) fail(`${path}.content`, 'is required (any JSON, or JSON text)');
    if (typeof o.content === 'string') {
      try {
        JSON.parse(o.content);
      } catch {
        fail(`${path}.content`, 'a string must be JSON text for a json offer');
      }
    }
  } else if (typeof o.content !== 'string') fail(`${path}.content`, 'must be a string');
  for (const key of ['name', 'deliveryURL', 'format']) optional(o, key, path, 'string');
  optional(o, 'etag', path, 'number');
  return o;
}
