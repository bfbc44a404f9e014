// @ts-check
// Validation of Sitecore CDP event messages (`POST /v1.2/events`, `GET /v1.2/event/create.json`,
// the Edge's `POST /v1/events/v1.2/events`),
// as strict as the documented contract so that the sandbox catches a tag's mistakes.
// Field names and rules: the Sitecore CDP REST API's event and browser documentation, and what
// Sitecore's own SDKs (Engage 1.4.3, Cloud SDK 0.6.1) send. Where the documentation is silent the
// stricter rule holds, except where those SDKs rely on the looser one.
// Whatever the state code reads (cart keys, names, identities) is checked for the type it expects,
// so an accepted event can always be applied, now and when the log is replayed.

import { jsonProblem } from './limits.mjs';

/**
 * Standard types: VIEW, ADD, FORCE_CLOSE, IDENTITY, CHECKOUT, CONFIRM, PAYMENT, CLEAR_CART,
 * SEARCH, FORM. Custom types are accepted when they have the same shape.
 */
export const TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,49}$/;
export const CHANNELS = Object.freeze(['WEB', 'MOBILE_WEB', 'MOBILE_APP']);
export const MAX_EXT_KEYS = 50;
/** The longest address SMTP carries (RFC 5321); also keeps the pattern below from backtracking for long. */
export const MAX_EMAIL_LENGTH = 254;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Top-level fields the event documentation gives as text, checked when present. */
const TEXT_FIELDS = [
  'referrer',
  'page_variant_id',
  'utm_campaign',
  'utm_source',
  'utm_medium',
  'utm_content',
  'utm_term',
];
/** Product fields the ADD documentation gives as text. */
const PRODUCT_TEXT = ['item_id', 'productId', 'name', 'type', 'referenceId', 'orderedAt', 'originalCurrencyCode'];
/** Person fields of an IDENTITY event, all text (`street` is a list of lines). */
const PERSON_TEXT = [
  'firstname',
  'lastname',
  'title',
  'gender',
  'dob',
  'mobile',
  'phone',
  'city',
  'country',
  'postal_code',
  'state',
];

/** @typedef {{ field: string, message: string }} ValidationError */

/**
 * @param {unknown} v
 * @returns {v is Record<string, any>}
 */
export function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @param {unknown} v */
const isNonEmptyString = (v) => typeof v === 'string' && v.length > 0;

/** @param {unknown} v */
const describe = (v) => (v === undefined ? 'missing' : `got ${JSON.stringify(v)?.slice(0, 200) ?? typeof v}`);

/**
 * An email address as the event and flow APIs take it.
 * @param {unknown} v
 */
export const isEmail = (v) => typeof v === 'string' && v.length <= MAX_EMAIL_LENGTH && EMAIL.test(v);

/**
 * The first of `fields` of `object` that is present and not a string.
 * @param {Record<string, any>} object
 * @param {string[]} fields
 * @param {string} [prefix]
 * @returns {ValidationError | null}
 */
function textFields(object, fields, prefix = '') {
  const bad = fields.find((f) => object[f] !== undefined && typeof object[f] !== 'string');
  return bad === undefined
    ? null
    : { field: `${prefix}${bad}`, message: `${prefix}${bad} must be a string (${describe(object[bad])})` };
}

/**
 * @param {Record<string, any>} message the parsed event message
 * @param {string} [clientKey] overrides `message.client_key` (the legacy GET form takes it from the
 *   query; the Edge form from its context id)
 * @param {boolean} [edge] the Cloud SDK's Edge form, whose proxy fills `client_key` and `pos` (sent
 *   as "") and completes a bare VIEW from the site's settings
 * @returns {ValidationError | null}
 */
export function validateEvent(message, clientKey = message.client_key, edge = false) {
  const tooMuch = jsonProblem(message);
  if (tooMuch) return { field: tooMuch.path || 'body', message: `${tooMuch.path || 'the event'} ${tooMuch.message}` };
  if (!isNonEmptyString(clientKey)) {
    return { field: 'client_key', message: `client_key must be a non-empty string (${describe(clientKey)})` };
  }
  if (edge && message.client_key !== undefined && typeof message.client_key !== 'string') {
    return {
      field: 'client_key',
      message: `client_key must be a string, "" allowed on the Edge (${describe(message.client_key)})`,
    };
  }
  // Engage sends browser_id "" when its cookie could not be stored; an event that cannot be
  // tied to a guest is refused here rather than filed under "".
  if (!isNonEmptyString(message.browser_id)) {
    return {
      field: 'browser_id',
      message: `browser_id must be a non-empty string: create a browser id first (${describe(message.browser_id)})`,
    };
  }
  const type = message.type;
  if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
    return {
      field: 'type',
      message: `type must be an upper-case identifier matching ${TYPE_PATTERN} (${describe(type)})`,
    };
  }
  // The base fields are required on every event, as Sitecore's event API documents them, with
  // only the exceptions Sitecore's own SDKs rely on: form() sends FORM without channel, currency
  // or page (Engage without language too), and the Cloud SDK's pageView() with no argument sends
  // a VIEW without channel or currency, which its Edge proxy completes from the site's settings.
  const form = type === 'FORM';
  const bareView = edge && type === 'VIEW';
  const required = (/** @type {string} */ field) =>
    message[field] !== undefined || !(form || (bareView && (field === 'channel' || field === 'currency')));
  if (required('channel') && !CHANNELS.includes(message.channel)) {
    return {
      field: 'channel',
      message: `channel must be one of ${CHANNELS.join(', ')} (${describe(message.channel)})`,
    };
  }
  // pos names the point of sale; only the Edge fills a blank one in (from the site).
  if (typeof message.pos !== 'string' || (!edge && message.pos === '')) {
    return {
      field: 'pos',
      message: `pos must be ${edge ? 'a string, "" allowed on the Edge' : 'the point of sale, a non-empty string'} (${describe(message.pos)})`,
    };
  }
  if (required('language') && !(typeof message.language === 'string' && /^[A-Za-z]{2}$/.test(message.language))) {
    return {
      field: 'language',
      message: `language must be a 2-letter ISO 639 code such as "EN" (${describe(message.language)})`,
    };
  }
  if (required('currency') && !(typeof message.currency === 'string' && /^[A-Za-z]{3}$/.test(message.currency))) {
    return {
      field: 'currency',
      message: `currency must be a 3-letter ISO 4217 code such as "EUR"; Sitecore's event API expects it on every event (${describe(message.currency)})`,
    };
  }
  if (required('page') && !isNonEmptyString(message.page)) {
    return { field: 'page', message: `page must be a non-empty string, the page's name (${describe(message.page)})` };
  }
  const textError = textFields(message, TEXT_FIELDS);
  if (textError) return textError;
  const extError = validateExt(message.ext);
  if (extError) return extError;
  if (form) {
    // Both SDKs' form(formId, interactionType) put these in ext.
    for (const key of ['formId', 'interactionType']) {
      if (!isNonEmptyString(message.ext?.[key])) {
        return { field: `ext.${key}`, message: `FORM needs ext.${key} (${describe(message.ext?.[key])})` };
      }
    }
  }
  if (type === 'ADD') {
    const productError = validateProduct(message.product);
    if (productError) return productError;
  }
  if (type === 'IDENTITY') {
    const identityError = validateIdentity(message);
    if (identityError) return identityError;
  }
  return null;
}

/**
 * `ext`: flat (Engage flattens nested data with `_`), at most 50 keys.
 * @param {unknown} ext
 * @returns {ValidationError | null}
 */
function validateExt(ext) {
  if (ext === undefined) return null;
  if (!isPlainObject(ext)) return { field: 'ext', message: `ext must be an object (${describe(ext)})` };
  const keys = Object.keys(ext);
  if (keys.length > MAX_EXT_KEYS) {
    return { field: 'ext', message: `ext has ${keys.length} keys; at most ${MAX_EXT_KEYS} are allowed` };
  }
  for (const key of keys) {
    const v = ext[key];
    if (typeof v === 'object' && v !== null) {
      return { field: 'ext', message: `ext must be flat: ext.${key} is an ${Array.isArray(v) ? 'array' : 'object'}` };
    }
  }
  if (ext.eventId !== undefined && !isNonEmptyString(ext.eventId)) {
    return { field: 'ext.eventId', message: `ext.eventId must be a non-empty string (${describe(ext.eventId)})` };
  }
  return null;
}

/**
 * @param {unknown} product
 * @returns {ValidationError | null}
 */
function validateProduct(product) {
  if (!isPlainObject(product)) {
    return { field: 'product', message: `ADD needs a product object (${describe(product)})` };
  }
  if (![product.item_id, product.productId, product.name].some(isNonEmptyString)) {
    return { field: 'product', message: 'product needs an item_id, productId or name' };
  }
  // The cart keys, names and prices items by these: an object here (whatever its toString) is refused.
  const textError = textFields(product, PRODUCT_TEXT, 'product.');
  if (textError) return textError;
  if (
    product.currency !== undefined &&
    !(typeof product.currency === 'string' && /^[A-Za-z]{3}$/.test(product.currency))
  ) {
    return {
      field: 'product.currency',
      message: `product.currency must be a 3-letter ISO 4217 code such as "EUR" (${describe(product.currency)})`,
    };
  }
  const { quantity, price, originalPrice } = product;
  if (quantity !== undefined && !(typeof quantity === 'number' && Number.isFinite(quantity) && quantity > 0)) {
    return { field: 'product.quantity', message: `product.quantity must be a positive number (${describe(quantity)})` };
  }
  if (price !== undefined && !(typeof price === 'number' && Number.isFinite(price) && price >= 0)) {
    return { field: 'product.price', message: `product.price must be a number ≥ 0 (${describe(price)})` };
  }
  if (originalPrice !== undefined && !(typeof originalPrice === 'number' && originalPrice >= 0)) {
    return {
      field: 'product.originalPrice',
      message: `product.originalPrice must be a number ≥ 0 (${describe(originalPrice)})`,
    };
  }
  return null;
}

/**
 * IDENTITY: `identifiers: [{ id, provider, expiry_date? }]`, non-empty (Engage refuses to send
 * one without identifiers; the guest is matched on them).
 * @param {Record<string, any>} message
 * @returns {ValidationError | null}
 */
function validateIdentity(message) {
  const ids = message.identifiers;
  if (!Array.isArray(ids) || ids.length === 0) {
    return { field: 'identifiers', message: `IDENTITY needs a non-empty identifiers array (${describe(ids)})` };
  }
  for (const [i, entry] of ids.entries()) {
    if (!isPlainObject(entry) || !isNonEmptyString(entry.id) || !isNonEmptyString(entry.provider)) {
      return { field: 'identifiers', message: `identifiers[${i}] must be { id, provider } with non-empty strings` };
    }
    if (entry.expiry_date !== undefined && typeof entry.expiry_date !== 'string') {
      return {
        field: `identifiers[${i}].expiry_date`,
        message: `identifiers[${i}].expiry_date must be a date string (${describe(entry.expiry_date)})`,
      };
    }
  }
  if (message.email !== undefined && !isEmail(message.email)) {
    return { field: 'email', message: `email is not an email address (${describe(message.email)})` };
  }
  // The name is shown in decisions ({{firstname}}); the rest of the person is text as documented.
  const textError = textFields(message, PERSON_TEXT);
  if (textError) return textError;
  if (
    message.street !== undefined &&
    !(Array.isArray(message.street) && message.street.every((line) => typeof line === 'string'))
  ) {
    return { field: 'street', message: `street must be a list of address lines (${describe(message.street)})` };
  }
  return null;
}
