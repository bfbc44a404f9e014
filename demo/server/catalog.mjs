// @ts-check
// The campaign catalog the decision APIs answer from (demo/catalog.json by default; its shape
// is in README.md and types.d.ts). A marketer edits it while the sandbox runs, so it is
// re-read whenever its mtime or size changes. A broken edit keeps the last good catalog
// answering; the problem, with its line and column in the file, is printed once and shown at
// GET /sandbox/catalog, with warnings for what can never show (catalog-warnings.mjs).

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import jsonc from 'jsonc-parser';
import { isPlainObject } from './validate.mjs';
import { catalogWarnings } from './catalog-warnings.mjs';
import { AUDIENCES } from './rules.mjs';

/**
 * @typedef {import('./types.js').Catalog} Catalog
 * @typedef {import('./types.js').CatalogError} CatalogError
 * @typedef {import('./types.js').CatalogWarning} CatalogWarning
 * @typedef {{ path: string, loadedAt: string | null, error: CatalogError | null, warnings: CatalogWarning[],
 *   catalog: Catalog }} CatalogState
 * @typedef {Array<string | number>} JsonPath
 */

export { AUDIENCES };
export const OFFER_TYPES = Object.freeze(['html', 'json', 'imagelink', 'text']);
const RULE_KEYS = new Set(['audience', 'utmCampaign', 'pageType']);
/**
 * Ids a preview names (`home_hero=hero-cart;home_page.promo_1=spring-sale-2025/spring-sale`): no
 * `;`, `=` or `,` (they separate its parts) and no whitespace.
 */
const ID = /^[^\s;=,]+$/;
/** Placement campaign and creative ids also leave out `/`, which separates them in a preview. */
const CAMPAIGN_ID = /^[^\s;=,/]+$/;

/** A catalog that cannot be used, and where in the file the problem is. */
export class CatalogProblem extends Error {
  /** @param {string} message @param {number} line 1-based @param {number} column 1-based */
  constructor(message, line, column) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/**
 * Loads the catalog now (throws if it cannot: a sandbox without one would answer nothing).
 * @param {string} file
 * @param {(msg: string) => void} [warn] a refused edit
 * @param {((msg: string) => void) | null} [note] warnings about a catalog in use (none printed when null)
 */
export function createCatalog(file, warn = (msg) => console.warn(msg), note = null) {
  const path = resolve(file);
  /** @type {CatalogState} */
  const state = { path, loadedAt: null, error: null, warnings: [], catalog: {} };
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
    let text;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      return refused(new CatalogProblem(`cannot be read (${/** @type {Error} */ (err).message})`, 1, 1));
    }
    try {
      const { catalog, warnings } = parseCatalog(text);
      Object.assign(state, { catalog, warnings, loadedAt: new Date().toISOString(), error: null });
      for (const w of warnings)
        note?.(`sandbox: catalog warning: ${path}:${w.line}:${w.column}: ${w.path}: ${w.message}`);
    } catch (err) {
      if (!(err instanceof CatalogProblem)) throw err;
      refused(err);
    }
  }

  /** @param {CatalogProblem} err */
  function refused(err) {
    const where = `${path}:${err.line}:${err.column}: ${err.message}`;
    if (state.loadedAt === null) throw new Error(`sandbox catalog: ${where}`);
    state.error = { message: err.message, line: err.line, column: err.column };
    warn(`sandbox: catalog edit ignored, still answering from the last good version: ${where}`);
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

/** What jsonc-parser's error codes mean, as a person editing the file would say it. */
const SYNTAX = /** @type {Record<number, string>} */ ({
  1: 'not valid JSON here (an unquoted word or a stray character)',
  2: 'a number is not valid here',
  3: 'a property name (in double quotes) is expected',
  4: 'a value is expected (a trailing comma, or one missing?)',
  5: 'a colon is expected after the property name',
  6: 'a comma is expected between items',
  7: 'a closing } is expected',
  8: 'a closing ] is expected',
  9: 'the file goes on after its end',
  10: 'comments are not allowed in JSON',
  11: 'a comment is not closed',
  12: 'a string is not closed',
  13: 'a number is not finished',
  14: 'a \\u escape in a string is not valid',
  15: 'an escape in a string is not valid',
  16: 'a control character in a string must be escaped',
});

/**
 * 1-based line and column of a character offset (columns count UTF-16 code units, as editors do).
 * @param {string} text
 * @param {number} offset
 */
export function lineColumn(text, offset) {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  // A line ends at \n, \r\n or a lone \r (old Mac files), as editors count them.
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: /** @type {string} */ (lines.at(-1)).length + 1 };
}

/**
 * The place in the file a JSON path names: the value there, or the nearest enclosing one that exists.
 * @param {string} text
 * @param {jsonc.Node | undefined} tree
 * @param {JsonPath} path
 */
export function locate(text, tree, path) {
  for (let n = path.length; tree && n >= 0; n--) {
    const node = nodeAt(tree, path.slice(0, n));
    if (node) return lineColumn(text, node.offset);
  }
  return { line: 1, column: 1 };
}

/**
 * The node at a JSON path, as JSON.parse reads the file: of a key given twice in one object, the
 * last (jsonc-parser's findNodeAtLocation takes the first).
 * @param {jsonc.Node} tree
 * @param {JsonPath} path
 * @returns {jsonc.Node | undefined}
 */
function nodeAt(tree, path) {
  /** @type {jsonc.Node | undefined} */
  let node = tree;
  for (const segment of path) {
    if (!node?.children) return undefined;
    if (typeof segment === 'number') {
      node = node.type === 'array' ? node.children[segment] : undefined;
    } else if (node.type === 'object') {
      node = node.children.findLast((property) => property.children?.[0]?.value === segment)?.children?.[1];
    } else return undefined;
  }
  return node;
}

/**
 * `flows[1].variants[0].when` → ['flows', 1, 'variants', 0, 'when'].
 * @param {string} path
 * @returns {JsonPath}
 */
export const pathSegments = (path) =>
  path === 'catalog'
    ? []
    : [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : (m[2] ?? '')));

/**
 * The catalog in a file's text, and what can never show in it; throws a CatalogProblem (with the
 * line and column of a syntax error, or of the value a schema rule refuses).
 * @param {string} text
 * @returns {{ catalog: Catalog, warnings: CatalogWarning[] }}
 */
export function parseCatalog(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // JSON.parse decides what is JSON; jsonc-parser (told to take no comments or trailing commas) says where.
    /** @type {jsonc.ParseError[]} */
    const errors = [];
    jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const at = lineColumn(text, first ? first.offset : 0);
    const why = !text.trim()
      ? 'the file is empty'
      : text.startsWith('\uFEFF')
        ? 'the file starts with a byte order mark (BOM); save it as UTF-8 without one'
        : first
          ? (SYNTAX[first.error] ?? 'not valid JSON here')
          : /** @type {Error} */ (err).message;
    throw new CatalogProblem(`not valid JSON: ${why}`, at.line, at.column);
  }
  const tree = jsonc.parseTree(text);
  const problem = catalogProblem(json);
  if (problem) {
    const at = locate(text, tree, pathSegments(problem.path));
    throw new CatalogProblem(`${problem.path}: ${problem.message}`, at.line, at.column);
  }
  const catalog = /** @type {Catalog} */ (json);
  const warnings = catalogWarnings(catalog).map(({ at, path, slot, id, message }) => ({
    path,
    ...locate(text, tree, at),
    slot,
    id,
    message,
  }));
  return { catalog, warnings };
}

class Problem extends Error {
  /** @param {string} path @param {string} message */
  constructor(path, message) {
    super(`${path}: ${message}`);
    this.path = path;
    this.problem = message;
  }
}

/**
 * The first problem in a catalog, prefixed with its JSON path, or null.
 * @param {unknown} catalog
 * @returns {string | null}
 */
export function validateCatalog(catalog) {
  return catalogProblem(catalog)?.message ?? null;
}

/**
 * The first problem in a catalog, and its JSON path, or null.
 * @param {unknown} catalog
 * @returns {{ path: string, message: string } | null}
 */
function catalogProblem(catalog) {
  try {
    checkCatalog(catalog);
    return null;
  } catch (err) {
    if (err instanceof Problem) return { path: err.path, message: err.problem };
    throw err;
  }
}

/** @param {string} path @param {string} message @returns {never} */
const fail = (path, message) => {
  throw new Problem(path, message);
};

/**
 * A required id a preview can name.
 * @param {unknown} v @param {string} path @param {RegExp} [pattern]
 */
function id(v, path, pattern = ID) {
  const s = text(v, path);
  if (!pattern.test(s)) {
    fail(
      path,
      `${JSON.stringify(s)} cannot be an id: no whitespace, ";", "=" or ","${pattern === CAMPAIGN_ID ? ' or "/"' : ''} (a preview link names it)`,
    );
  }
  return s;
}

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
 * @param {(item: any) => string | undefined} key
 * @param {string} path
 * @param {string} [field] the key the duplicate is in, to point at it
 */
function unique(items, key, path, field = '') {
  const seen = new Set();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    if (seen.has(k)) fail(`${path}[${i}]${field ? `.${field}` : ''}`, `${JSON.stringify(k)} is listed twice`);
    seen.add(k);
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
    const friendlyId = id(flow.friendlyId, `${p}.friendlyId`);
    if (friendlyId.includes('*')) fail(`${p}.friendlyId`, '"*" is for callers (fuzzy match), not for flow ids');
    optional(flow, 'live', p, 'boolean');
    if (flow.name !== undefined) text(flow.name, `${p}.name`);
    const variants = array(flow.variants, `${p}.variants`);
    if (variants.length === 0) fail(`${p}.variants`, 'needs at least one variant');
    variants.forEach((v, j) => {
      const q = `${p}.variants[${j}]`;
      const variant = object(v, q);
      if (variant.id === undefined) fail(q, 'needs an "id" (a slug such as "hero-cart": preview links name it)');
      id(variant.id, `${q}.id`);
      if (variant.name === undefined) fail(q, 'needs a "name" (what marketers read, e.g. "Abandoned bag reminder")');
      text(variant.name, `${q}.name`);
      checkRule(variant.when, `${q}.when`);
      if (variant.response === undefined) fail(`${q}.response`, 'is required (any JSON)');
    });
    unique(variants, (v) => v.id, `${p}.variants`, 'id');
  });
  unique(flows, (f) => f.friendlyId, 'flows', 'friendlyId');

  const placements = c.placements === undefined ? [] : array(c.placements, 'placements');
  placements.forEach((pl, i) => {
    const p = `placements[${i}]`;
    const placement = object(pl, p);
    const name = text(placement.placement, `${p}.placement`);
    if (!/^[^.|]+\.[^|]+$/.test(name))
      fail(`${p}.placement`, `must be "pageType.name", e.g. "home_page.promo_1" (got ${JSON.stringify(name)})`);
    id(name, `${p}.placement`);
    const campaigns = array(placement.campaigns, `${p}.campaigns`);
    campaigns.forEach((cp, j) => {
      const q = `${p}.campaigns[${j}]`;
      const campaign = object(cp, q);
      if (campaign.id === undefined)
        fail(q, 'needs an "id" (a slug such as "spring-sale-2025": preview links name it)');
      id(campaign.id, `${q}.id`, CAMPAIGN_ID);
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
        if (creative.id !== undefined) id(creative.id, `${r}.id`, CAMPAIGN_ID);
        else if (creatives.length > 1)
          fail(r, 'needs an "id" when its campaign has more than one creative (preview links name it)');
      });
      unique(creatives, (cr) => cr.id, `${q}.creatives`, 'id');
    });
    unique(campaigns, (cp) => cp.id, `${p}.campaigns`, 'id');
  });
  unique(placements, (p) => p.placement, 'placements', 'placement');

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
    id(activity.activityId, `${p}.activityId`);
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
    unique(options, (o) => o.id, `${p}.options`, 'id');
    // Optional: without one, the answer leaves the placement out when no option qualifies.
    if (activity.fallback !== undefined) checkOfferContent(activity.fallback, `${p}.fallback`);
  });
  unique(offers, (a) => a.activityId, 'offers', 'activityId');
}

/** @param {unknown} v @param {string} path */
function checkOfferContent(v, path) {
  const o = object(v, path);
  id(o.id, `${path}.id`);
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
