// @ts-check
// Optimizely offline orders (DESIGN.md §3, seed 003), as a site's back end sends them:
//   POST /tracker/smart-api/orders/offline   { lang?, user?: { id | email, info? }, order }
//   GET  /sandbox/orders                     every order stored, oldest first
// The real endpoint requires an authentication header; this one requires the configured value
// (`orderAuth`), or any value when none is configured. Server-to-server only: CORS does not allow Authorization, so a browser cannot call it.
// An order is attached to the guest its user names, and stored once per refCode.

import { error, header, json, mediaType, parseJson } from './http.mjs';
import { isPlainObject } from './validate.mjs';
import { guestByAnyId } from './audience.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {import('./http.mjs').Reply} Reply
 * @typedef {import('./types.js').Store} Store
 * @typedef {import('./types.js').OfflineOrderBody} OfflineOrderBody
 * @typedef {import('./validate.mjs').ValidationError} ValidationError
 */

/** Headers that carry the site's credentials for the endpoint. */
const AUTH_HEADERS = ['authorization', 'x-api-key'];

/** @param {unknown} v */
const isNonEmptyString = (v) => typeof v === 'string' && v.trim().length > 0;

/** @param {unknown} v */
const isAmount = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** @param {unknown} v */
const describe = (v) => (v === undefined ? 'missing' : `got ${JSON.stringify(v)}`);

/**
 * The checks of seed 003 (and what the endpoint needs to file an order): a `user` names someone,
 * an order has a refCode and items, each item a refCode, a qty and a price.
 * @param {Record<string, any>} body
 * @returns {ValidationError | null}
 */
export function validateOfflineOrder(body) {
  if (body.lang !== undefined && !isNonEmptyString(body.lang)) {
    return { field: 'lang', message: `lang must be a language code such as "en-gb" (${describe(body.lang)})` };
  }
  if (body.user !== undefined) {
    if (!isPlainObject(body.user)) return { field: 'user', message: `user must be an object (${describe(body.user)})` };
    const { id, email, info } = body.user;
    if (!isNonEmptyString(id) && !isNonEmptyString(email)) {
      return { field: 'user', message: 'when user is given, either id or email must be supplied' };
    }
    if (id !== undefined && !isNonEmptyString(id)) return { field: 'user.id', message: `user.id must be a non-empty string (${describe(id)})` };
    if (email !== undefined && !isNonEmptyString(email)) {
      return { field: 'user.email', message: `user.email must be a non-empty string (${describe(email)})` };
    }
    if (info !== undefined && !isPlainObject(info)) return { field: 'user.info', message: `user.info must be an object (${describe(info)})` };
  }
  const order = body.order;
  if (!isPlainObject(order)) return { field: 'order', message: `order must be an object (${describe(order)})` };
  if (!isNonEmptyString(order.refCode)) {
    return { field: 'order.refCode', message: `order.refCode must be a non-empty string (${describe(order.refCode)})` };
  }
  if (!Array.isArray(order.items)) return { field: 'order.items', message: `order.items must be an array (${describe(order.items)})` };
  for (const [i, item] of order.items.entries()) {
    const at = `order.items[${i}]`;
    if (!isPlainObject(item)) return { field: at, message: `${at} must be an object { refCode, qty, price }` };
    if (!isNonEmptyString(item.refCode)) return { field: `${at}.refCode`, message: `${at}.refCode must be a non-empty string (${describe(item.refCode)})` };
    if (!(Number.isInteger(item.qty) && item.qty > 0)) {
      return { field: `${at}.qty`, message: `${at}.qty must be a whole number above 0 (${describe(item.qty)})` };
    }
    if (!isAmount(item.price)) return { field: `${at}.price`, message: `${at}.price must be an amount, 0 or more (${describe(item.price)})` };
    if (item.attributes !== undefined && !isPlainObject(item.attributes)) {
      return { field: `${at}.attributes`, message: `${at}.attributes must be an object of key-value pairs` };
    }
  }
  // The order's own fields (seed 003's table), and its sums, to the cent.
  if (!isNonEmptyString(order.orderDate) || Number.isNaN(Date.parse(String(order.orderDate).replace(/ GMT$/, 'Z')))) {
    return { field: 'order.orderDate', message: `order.orderDate must be a date, such as "2016-05-16T14:25:00 GMT" (${describe(order.orderDate)})` };
  }
  if (!(typeof order.currency === 'string' && /^[A-Z]{3}$/.test(order.currency))) {
    return { field: 'order.currency', message: `order.currency must be an ISO 4217 code such as "GBP" (${describe(order.currency)})` };
  }
  for (const field of ['shipping', 'subTotal', 'total']) {
    if (!isAmount(order[field])) return { field: `order.${field}`, message: `order.${field} must be an amount, 0 or more (${describe(order[field])})` };
  }
  const cents = (/** @type {number} */ amount) => Math.round(amount * 100);
  const itemsCents = order.items.reduce((sum, item) => sum + cents(item.qty * item.price), 0);
  if (cents(order.subTotal) !== itemsCents) {
    return { field: 'order.subTotal', message: `order.subTotal must be the sum of qty × price over the items (${itemsCents / 100}, got ${order.subTotal})` };
  }
  if (cents(order.total) !== cents(order.subTotal) + cents(order.shipping)) {
    return { field: 'order.total', message: `order.total must be subTotal + shipping (${(cents(order.subTotal) + cents(order.shipping)) / 100}, got ${order.total})` };
  }
  if (order.attributes !== undefined && !isPlainObject(order.attributes)) {
    return { field: 'order.attributes', message: 'order.attributes must be an object of key-value pairs' };
  }
  return null;
}

/**
 * The guest the order's user names: `user.id` is a browser id, else an IDENTITY email or
 * identifier id of any provider; `user.email` an IDENTITY email. null: nobody the sandbox knows.
 * @param {Store} store
 * @param {OfflineOrderBody['user']} user
 */
function guestOf(store, user) {
  if (!user) return null;
  return (
    (isNonEmptyString(user.id) ? guestByAnyId(store, /** @type {string} */ (user.id)) : null) ??
    (isNonEmptyString(user.email) ? store.findGuest({ email: /** @type {string} */ (user.email) }) : null)
  );
}

/**
 * @param {{ store: Store, auth?: string | undefined }} deps
 * @returns {Route[]}
 */
export function orderRoutes({ store, auth }) {
  return [
    {
      method: 'POST',
      pattern: /^\/tracker\/smart-api\/orders\/offline$/,
      api: true,
      handle({ req, body }) {
        const sent = AUTH_HEADERS.map((h) => header(req.headers, h)).filter(isNonEmptyString);
        if (!sent.length || (auth !== undefined && !sent.includes(auth))) {
          return error(401, null, 'authentication required: send the Authorization (or x-api-key) header Optimizely gave the site');
        }
        if (mediaType(req) !== 'application/json') {
          return error(415, 'content-type', `send the order as application/json (got ${JSON.stringify(mediaType(req))})`);
        }
        const order = parseJson(body.toString('utf8'));
        if (!isPlainObject(order)) return error(400, 'body', 'the body must be one JSON object { lang?, user?, order }');
        const invalid = validateOfflineOrder(order);
        if (invalid) return error(400, invalid.field, invalid.message);
        const valid = /** @type {OfflineOrderBody} */ (order);
        const { duplicate } = store.recordOrder(valid, guestOf(store, valid.user));
        const refCode = valid.order.refCode;
        return json(200, duplicate ? { status: 'OK', refCode, duplicate: true } : { status: 'OK', refCode });
      },
    },
    { method: 'GET', pattern: /^\/sandbox\/orders$/, api: false, handle: () => ({ status: 200, json: store.orders(), pretty: true }) },
  ];
}
