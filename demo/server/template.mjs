// @ts-check
// `{{placeholders}}` in catalog strings: `{{firstname}}`, `{{cartCount}}`, … (see audience.mjs),
// `{{origin}}` (this sandbox as the caller reached it, so image URLs work from any page), and
// `{{name|fallback}}` for an empty value. Unknown names stay as written, so a typo shows.

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*(?:\|([^}]*))?\}\}/g;
/** A string with a tag in it is HTML: values put into it are escaped. */
const LOOKS_LIKE_HTML = /<[A-Za-z!/]/;

/**
 * Fills every string in a JSON value; returns a new value (the catalog is never mutated).
 * @param {unknown} value
 * @param {Record<string, string | number>} vars
 * @returns {any}
 */
export function fill(value, vars) {
  if (typeof value === 'string') return fillString(value, vars);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  }
  return value;
}

/**
 * @param {string} s
 * @param {Record<string, string | number>} vars
 */
export function fillString(s, vars) {
  if (!s.includes('{{')) return s;
  const html = LOOKS_LIKE_HTML.test(s);
  return s.replace(PLACEHOLDER, (whole, /** @type {string} */ name, /** @type {string | undefined} */ fallback) => {
    if (!Object.hasOwn(vars, name)) return whole;
    const v = String(vars[name]);
    const out = v === '' && fallback !== undefined ? fallback : v;
    // The guest's own data (a first name) must not become markup in someone's page.
    return html ? escapeHtml(out) : out;
  });
}

const ENTITIES = /** @type {Record<string, string>} */ ({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
});

/** @param {string} s */
export function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * The sandbox's origin as the caller addressed it (localhost vs 127.0.0.1 matters to a page).
 * @param {import('node:http').IncomingMessage} req
 */
export function originOf(req) {
  const host = req.headers.host;
  const local = req.socket.localAddress ?? '127.0.0.1';
  return `http://${host || `${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort}`}`;
}
