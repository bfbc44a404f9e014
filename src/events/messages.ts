// Public call arguments → Sitecore event messages (Sitecore CDP's event API), validated. Pure: the page URL
// and referrer come in as arguments. Every mistake throws a SlotwiseError that says what was
// wrong, so the tag can answer `{ ok: false, reason: 'invalid' }` without queueing anything.
import { isObject, isText } from '../shared/is';
import { utmParams } from '../codecs/sitecore';
import { detach, invalid } from '../shared/args';
import type { Settings } from '../types/options';
import type { Message } from '../types/wire';

/** A product as Sitecore's ADD event carries it (`product: {…}`), at least with an id. */
export interface Product {
  /** Your product id. `productId` is accepted instead. */
  item_id?: string;
  productId?: string;
  name?: string;
  type?: string;
  quantity?: number;
  price?: number;
  currency?: string;
  [field: string]: unknown;
}

/** A person, for IDENTITY. Give `identifiers`, or an `email` (which then becomes the identifier). */
export interface Person {
  email?: string;
  firstName?: string;
  lastName?: string;
  identifiers?: { id: string; provider: string; expiryDate?: string }[];
  [field: string]: unknown;
}

export type Ext = Record<string, unknown>;

export interface ViewData {
  /** The page name. @default the last path segment, or 'Home Page' for '/' */
  page?: string;
  ext?: Ext;
}

/** Where and when the call was made. */
export interface CallContext {
  url: string;
  /** Only given for the first VIEW of a page load. */
  referrer?: string;
  eventId: string;
}

/** Sitecore takes at most 50 `ext` keys; one of them is our `eventId`. */
const MAX_EXT_KEYS = 49;

/** Nested objects become `a_b` keys, as Sitecore's own SDK flattens them. */
function flattenExt(ext: unknown, into: Ext = {}, prefix = '', depth = 0): Ext {
  if (ext === undefined) return into;
  if (!isObject(ext) || depth > 4) invalid('ext must be an object, at most 5 levels deep');
  for (const [key, value] of Object.entries(ext as Ext)) {
    if (isObject(value)) flattenExt(value, into, prefix + key + '_', depth + 1);
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) into[prefix + key] = value;
    else if (value !== undefined) invalid(`ext.${prefix + key} must be a string, number, boolean or null`);
  }
  if (Object.keys(into).length > MAX_EXT_KEYS)
    invalid(`ext may have at most ${MAX_EXT_KEYS} keys (Sitecore takes 50, and the tag's eventId is one of them)`);
  return into;
}

/** `page` the way Sitecore's SDK infers it: the last path segment, or 'Home Page'. */
export function pageName(url: string): string {
  const last = new URL(url).pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  try {
    return decodeURIComponent(last) || 'Home Page';
  } catch {
    return last;
  }
}

function message(
  settings: Settings,
  ctx: CallContext,
  type: string,
  fields: object,
  ext?: unknown,
  page?: unknown,
): Message {
  if (page !== undefined && !isText(page)) invalid('page must be a non-empty string');
  const result = {
    ...fields,
    type,
    // Base fields come after the caller's, so a field of the same name cannot corrupt them.
    channel: settings.channel,
    language: settings.language,
    currency: settings.currency,
    page: page ?? pageName(ctx.url),
    pos: settings.pointOfSale,
    client_key: settings.clientKey,
    ext: { ...flattenExt(ext), eventId: ctx.eventId },
  };
  // A snapshot the queue keeps: what the caller passed was detached already (so this cannot
  // throw), and a page that later empties or changes its objects changes nothing sent.
  return JSON.parse(JSON.stringify(result)) as Message;
}

// Each builder reads the caller's objects once, through detach: a getter or toJSON that answers
// differently the next time cannot change what was checked.
export function viewMessage(settings: Settings, ctx: CallContext, given: ViewData = {}): Message {
  const data = detach(given, 'view(data)');
  if (!isObject(data)) invalid('view(data): data must be an object');
  const { referrer, url } = ctx;
  const fields = {
    ...utmParams(url),
    ...(referrer && new URL(referrer, url).host !== new URL(url).host && { referrer }),
  };
  return message(settings, ctx, 'VIEW', fields, data.ext, data.page);
}

export function addMessage(settings: Settings, ctx: CallContext, given: Product, extGiven?: Ext): Message {
  const [product, ext] = [detach(given, 'add(product)'), detach(extGiven, 'add(product, ext)')];
  if (!isObject(product)) invalid('add(product): product must be an object');
  const { item_id = product.productId, quantity = 1 } = product;
  if (!isText(item_id)) invalid('add(product): product.item_id (or productId) must be a non-empty string');
  if (!(Number.isFinite(quantity) && quantity > 0)) invalid('add(product): product.quantity must be a positive number');
  const { price } = product;
  if (price !== undefined && !(Number.isFinite(price) && price >= 0))
    invalid('add(product): product.price must be a number, 0 or more');
  // Checked as a string first: a caller's Symbol would make test() throw a TypeError of its own.
  if (product.currency !== undefined && !(typeof product.currency === 'string' && /^[a-z]{3}$/i.test(product.currency)))
    invalid('add(product): product.currency must be a three-letter ISO 4217 code');
  return message(
    settings,
    ctx,
    'ADD',
    { product: { currency: settings.currency, ...product, item_id, quantity } },
    ext,
  );
}

export const forceCloseMessage = (settings: Settings, ctx: CallContext): Message =>
  message(settings, ctx, 'FORCE_CLOSE', {});

// Our camelCase input → Sitecore's wire names.
const WIRE_NAMES: Record<string, string> = {
  firstName: 'firstname',
  lastName: 'lastname',
  postalCode: 'postal_code',
  expiryDate: 'expiry_date',
};
const wireNames = (fields: object) =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [WIRE_NAMES[key] ?? key, value]));

export function identityMessage(settings: Settings, ctx: CallContext, given: Person): Message {
  const person = detach(given, 'identity(person)');
  if (!isObject(person)) invalid('identity(person): person must be an object');
  const { email, identifiers = email ? [{ id: email, provider: 'email' }] : [] } = person;
  if (email !== undefined && !(typeof email === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)))
    invalid('identity(person): email is not an email address');
  if (
    !Array.isArray(identifiers) ||
    !identifiers.length ||
    !identifiers.every((i) => isObject(i) && isText(i.id) && isText(i.provider))
  )
    invalid('identity(person): give identifiers [{ id, provider }] with string values, or an email');
  return message(settings, ctx, 'IDENTITY', { ...wireNames(person), identifiers: identifiers.map(wireNames) });
}

/** A custom event: `data`'s fields go to the top level (nested ones stay nested), `ext` is flattened. */
export function customMessage(
  settings: Settings,
  ctx: CallContext,
  type: unknown,
  given: unknown = {},
  extGiven?: Ext,
): Message {
  const [data, ext] = [detach(given, 'event(type, data)'), detach(extGiven, 'event(type, data, ext)')];
  const name = typeof type === 'string' ? type.trim().toUpperCase() : invalid('event(type): type must be a string');
  if (!/^[A-Z][A-Z0-9_]{0,49}$/.test(name))
    invalid(`event(type): "${String(type)}" is not an event type (letters, digits and _, up to 50)`);
  if (!isObject(data)) invalid('event(type, data): data must be an object');
  const { ext: dataExt, page, ...fields } = data as Record<string, unknown>;
  return message(settings, ctx, name, fields, ext ?? dataExt, page);
}
