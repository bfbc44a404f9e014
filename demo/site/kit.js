// What the shop's own page scripts share (shop.js on every page, compare.js on side by side):
// building elements, the audiences, and the preview value with its links. An ES module: the
// pages load their script as a module by its nonce, and under 'strict-dynamic' its imports load
// with it. No innerHTML anywhere: the pages run under Trusted Types.

/** The query parameter that carries a preview value, in a page's URL. */
export const PREVIEW_PARAM = 'slotwise_preview';
/** Where the tag keeps the preview for the tab (its session store, under the shop's client key). */
export const PREVIEW_STORE = 'slotwise:v1:demoshop:preview';
/** Every slot on a page: flows, placements and offers. */
export const SLOTS = '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]';

/** The audiences a preview can put the visitor in (all at once), by id and in words. */
export const AUDIENCES = [
  ['new', 'New visitor'],
  ['returning', 'Returning visitor'],
  ['has-cart', 'Has a bag'],
  ['abandoned-cart', 'Abandoned a bag'],
  ['identified', 'Signed in'],
];
export const audienceName = (id) => AUDIENCES.find(([a]) => a == id)?.[1] ?? id;

/** An element with attributes and children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (value !== false && value != null) el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

/** The tab's session storage, where there is one: `set(key, null)` removes the key. */
export const session = {
  get(key) {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      if (value == null) sessionStorage.removeItem(key);
      else if (sessionStorage.getItem(key) !== value) sessionStorage.setItem(key, value);
    } catch {
      // no storage: nothing is kept for the tab
    }
  },
};

/**
 * A preview value's parts, `audience=a,b;utm=x;slot=choice` → `{ audiences, utm, force }` where
 * `force` maps each slot to the choice it shows. As the sandbox reads it: a part named twice
 * counts the first time, and a part that names nothing counts as not written.
 */
export function parsePreview(value) {
  const preview = { audiences: [], utm: '', force: {} };
  const given = new Set();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const rest = part.slice(eq + 1).trim();
    if (eq < 0 || !key || !rest || given.has(key)) continue;
    given.add(key);
    if (key == 'audience') preview.audiences = rest.split(',').filter(Boolean);
    else if (key == 'utm') preview.utm = rest;
    else preview.force[key] = rest;
  }
  return preview;
}

/** The forced slots of a parsed value, each as written in a value (`home_hero=hero-cart`). */
export const forcedParts = (force) => Object.entries(force).map(([slot, id]) => `${slot}=${id}`);

/** The value for `{ audiences, utm, force }`: audiences first, then the UTM, then each forced slot. */
export const formatPreview = ({ audiences, utm, force }) =>
  [audiences.length ? `audience=${audiences.join(',')}` : '', utm ? `utm=${utm}` : '', ...forcedParts(force)]
    .filter(Boolean)
    .join(';');

/**
 * A value as the preview's links write it, as people read it: only what a URL needs is
 * percent-encoded, so `=`, `;`, `,`, `:` and `/` stay as they are.
 */
export const readable = (value) =>
  encodeURIComponent(value).replace(/%(3D|3B|2C|3A|2F)/gi, (escape) => decodeURIComponent(escape));

/** Side by side: `page` (a path on the shop) as each preview value, one frame a value. */
export const sideBySideUrl = (page, values) =>
  `/preview/compare?page=${readable(page)}${values.map((value) => `&as=${readable(value)}`).join('')}`;

/** Whether a link stays on the shop: a path, never `//host` or `/\host` (another site). */
export const onShop = (path) => typeof path == 'string' && /^\/(?![/\\])/.test(path);
