// @ts-check
// Optimizely offline orders ("Offline order tracking endpoint"), as a site's back end sends them:
//   POST /tracker/smart-api/orders/offline   { lang?, user?: { id | email, info? }, order }
//   GET  /sandbox/orders                     every order stored, oldest first
// The real endpoint requires an authentication header; this one requires the configured value
// (`orderAuth`), or any value when none is configured. Server-to-server only: CORS does not allow Authorization, so a browser cannot call it.
// An order is checked only by the documentation's own rules, attached to the guest its user
// names, and stored every time it arrives: nothing documents that the endpoint keeps one order per
// refCode, so a repeat is stored again and marked (`duplicateOf`), as a real endpoint would count
// it twice. `dedupeOrders` (off by default) imitates an endpoint known to keep one per refCode.

import { error, header, json, mediaType } from './http.mjs';
import { jsonProblem, parseWithin } from './limits.mjs';
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

/** A JSON number. The documentation states no sign: a refund line may be negative. @param {unknown} v */
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** @param {unknown} v */
const describe = (v) => (v === undefined ? 'missing' : `got ${JSON.stringify(v)}`);

/** A language code such as the documented `en-gb`. */
const LANG = /^[a-z]{2,3}(?:[-_][a-z0-9]{1,8})*$/i;

/**
 * The one date form the documentation shows, `2016-05-16T14:25:00 GMT`, on a day and at a time
 * that exist. Where it is silent (other forms, other zones), the stricter reading: refused.
 * @param {unknown} v
 */
function isDocumentedDate(v) {
  const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}) GMT$/.exec(v) : null;
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/**
 * @param {string} field
 * @param {string} message
 * @returns {ValidationError}
 */
const invalid = (field, message) => ({ field, message: `${field} ${message}` });

/**
 * The documentation's own rules, and nothing it does not state (no sums: a receipt's discounts,
 * tax and rounding are its own): the required fields are present, with the JSON type its example
 * gives them (`qty` a whole number, amounts numbers, key-value pairs objects), in the forms it
 * names (a language code, an ISO 4217 currency, its date form); a `user` names someone by `id` or
 * `email`; an order has items, the products "just purchased".
 * @param {Record<string, any>} body
 * @returns {ValidationError | null}
 */
export function validateOfflineOrder(body) {
  const tooMuch = jsonProblem(body);
  if (tooMuch) return { field: tooMuch.path || 'body', message: `${tooMuch.path || 'the body'} ${tooMuch.message}` };
  if (body.lang !== undefined && !(typeof body.lang === 'string' && LANG.test(body.lang))) {
    return invalid('lang', `must be a language code such as "en-gb" (${describe(body.lang)})`);
  }
  if (body.user !== undefined) {
    if (!isPlainObject(body.user)) return invalid('user', `must be an object (${describe(body.user)})`);
    const { id, email, info } = body.user;
    if (id === undefined && email === undefined)
      return { field: 'user', message: 'when user is given, either id or email must be supplied' };
    if (id !== undefined && !isNonEmptyString(id))
      return invalid('user.id', `must be a non-empty string (${describe(id)})`);
    if (email !== undefined && !(typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email))) {
      return invalid('user.email', `must be an email address (${describe(email)})`);
    }
    if (info !== undefined && !isPlainObject(info))
      return invalid('user.info', `must be an object of key-value pairs (${describe(info)})`);
  }
  const order = body.order;
  if (!isPlainObject(order)) return invalid('order', `must be an object (${describe(order)})`);
  if (!isNonEmptyString(order.refCode))
    return invalid('order.refCode', `must be a non-empty string (${describe(order.refCode)})`);
  if (!isDocumentedDate(order.orderDate)) {
    return invalid(
      'order.orderDate',
      `must be a date in the documented form "2016-05-16T14:25:00 GMT" (${describe(order.orderDate)})`,
    );
  }
  if (order.customerId !== undefined && !isNonEmptyString(order.customerId)) {
    return invalid('order.customerId', `must be a non-empty string (${describe(order.customerId)})`);
  }
  if (!(typeof order.currency === 'string' && /^[A-Z]{3}$/.test(order.currency))) {
    return invalid('order.currency', `must be an ISO 4217 code such as "GBP" (${describe(order.currency)})`);
  }
  for (const field of ['shipping', 'subTotal', 'total']) {
    if (!isNumber(order[field])) return invalid(`order.${field}`, `must be a number (${describe(order[field])})`);
  }
  if (!Array.isArray(order.items) || order.items.length === 0) {
    return invalid('order.items', `must be a non-empty array of { refCode, qty, price } (${describe(order.items)})`);
  }
  for (const [i, item] of order.items.entries()) {
    const at = `order.items[${i}]`;
    if (!isPlainObject(item)) return invalid(at, 'must be an object { refCode, qty, price }');
    if (!isNonEmptyString(item.refCode))
      return invalid(`${at}.refCode`, `must be a non-empty string (${describe(item.refCode)})`);
    if (!Number.isInteger(item.qty)) return invalid(`${at}.qty`, `must be a whole number (${describe(item.qty)})`);
    if (!isNumber(item.price)) return invalid(`${at}.price`, `must be a number (${describe(item.price)})`);
    if (item.attributes !== undefined && !isPlainObject(item.attributes))
      return invalid(`${at}.attributes`, 'must be an object of key-value pairs');
  }
  if (order.attributes !== undefined && !isPlainObject(order.attributes))
    return invalid('order.attributes', 'must be an object of key-value pairs');
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
 * @param {{ store: Store, auth?: string | undefined, dedupe?: boolean }} deps `dedupe`: keep one
 *   order per refCode (the `dedupeOrders` option), for an endpoint known to do so.
 * @returns {Route[]}
 */
export function orderRoutes({ store, auth, dedupe = false }) {
  return [
    {
      method: 'POST',
      pattern: /^\/tracker\/smart-api\/orders\/offline$/,
      api: true,
      handle({ req, body }) {
        const sent = AUTH_HEADERS.map((h) => header(req.headers, h)).filter(isNonEmptyString);
        if (!sent.length || (auth !== undefined && !sent.includes(auth))) {
          return error(
            401,
            null,
            'authentication required: send the Authorization (or x-api-key) header Optimizely gave the site',
          );
        }
        if (mediaType(req) !== 'application/json') {
          return error(
            415,
            'content-type',
            `send the order as application/json (got ${JSON.stringify(mediaType(req))})`,
          );
        }
        const parsed = parseWithin(body.toString('utf8'));
        if ('problem' in parsed) return error(400, 'body', parsed.problem);
        const order = parsed.value;
        if (!isPlainObject(order))
          return error(400, 'body', 'the body must be one JSON object { lang?, user?, order }');
        const invalid = validateOfflineOrder(order);
        if (invalid) return error(400, invalid.field, invalid.message);
        const valid = /** @type {OfflineOrderBody} */ (order);
        const { stored } = store.recordOrder(valid, guestOf(store, valid.user), dedupe);
        const refCode = valid.order.refCode;
        // A repeat is answered like any order: an endpoint that stores it again does not say so.
        return json(200, stored ? { status: 'OK', refCode } : { status: 'OK', refCode, duplicate: true });
      },
    },
    {
      method: 'GET',
      pattern: /^\/sandbox\/orders$/,
      api: false,
      handle: () => ({ status: 200, json: store.orders(), pretty: true }),
    },
  ];
}
