// @ts-check
// Validation of Sitecore CDP event messages (`POST /v1.2/events`, `GET /v1.2/event/create.json`),
// as strict as the documented contract so that the sandbox catches a tag's mistakes.
// Field names and rules: DESIGN.md §3, seeds 000/004, and what Engage 1.4.3 sends
// (research/sitecore-engage-captures.json).

/**
 * Standard types: VIEW, ADD, FORCE_CLOSE, IDENTITY, CHECKOUT, CONFIRM, PAYMENT, CLEAR_CART,
 * SEARCH, FORM. Custom types are accepted when they have the same shape.
 */
export const TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,49}$/;
export const CHANNELS = Object.freeze(['WEB', 'MOBILE_WEB', 'MOBILE_APP']);
export const MAX_EXT_KEYS = 50;

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
const describe = (v) => (v === undefined ? 'missing' : `got ${JSON.stringify(v)}`);

/**
 * @param {Record<string, any>} message the parsed event message
 * @param {string} [clientKey] overrides `message.client_key` (the legacy GET form takes it from the query)
 * @returns {ValidationError | null}
 */
export function validateEvent(message, clientKey = message.client_key) {
  if (!isNonEmptyString(clientKey)) {
    return { field: 'client_key', message: `client_key must be a non-empty string (${describe(clientKey)})` };
  }
  // Engage sends browser_id "" when its cookie could not be stored; an event that cannot be
  // tied to a guest is rejected here rather than filed under "".
  if (!isNonEmptyString(message.browser_id)) {
    return { field: 'browser_id', message: `browser_id must be a non-empty string (${describe(message.browser_id)})` };
  }
  const type = message.type;
  if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
    return { field: 'type', message: `type must be an upper-case identifier matching ${TYPE_PATTERN} (${describe(type)})` };
  }
  // Engage's form() sends FORM without channel/currency/language/page.
  if (type !== 'FORM' || message.channel !== undefined) {
    if (!CHANNELS.includes(message.channel)) {
      return { field: 'channel', message: `channel must be one of ${CHANNELS.join(', ')} (${describe(message.channel)})` };
    }
  }
  // pos is required by the Stream API; Sitecore's Cloud SDK sends "" (its Edge proxy fills it).
  if (typeof message.pos !== 'string') {
    return { field: 'pos', message: `pos must be a string, "" allowed (${describe(message.pos)})` };
  }
  if (message.language !== undefined && !(typeof message.language === 'string' && /^[A-Za-z]{2}$/.test(message.language))) {
    return { field: 'language', message: `language must be a 2-letter ISO 639 code such as "EN" (${describe(message.language)})` };
  }
  if (message.currency !== undefined && !(typeof message.currency === 'string' && /^[A-Za-z]{3}$/.test(message.currency))) {
    return { field: 'currency', message: `currency must be a 3-letter ISO 4217 code such as "EUR" (${describe(message.currency)})` };
  }
  if (message.page !== undefined && typeof message.page !== 'string') {
    return { field: 'page', message: `page must be a string (${describe(message.page)})` };
  }
  const extError = validateExt(message.ext);
  if (extError) return extError;
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
  const { quantity, price } = product;
  if (quantity !== undefined && !(typeof quantity === 'number' && Number.isFinite(quantity) && quantity > 0)) {
    return { field: 'product.quantity', message: `product.quantity must be a positive number (${describe(quantity)})` };
  }
  if (price !== undefined && !(typeof price === 'number' && Number.isFinite(price) && price >= 0)) {
    return { field: 'product.price', message: `product.price must be a number ≥ 0 (${describe(price)})` };
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
  }
  if (message.email !== undefined && !(typeof message.email === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(message.email))) {
    return { field: 'email', message: `email is not an email address (${describe(message.email)})` };
  }
  return null;
}
