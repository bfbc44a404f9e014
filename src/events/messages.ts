// Public call arguments → Sitecore event messages (DESIGN.md §3), validated. Pure: the page URL
// and referrer come in as arguments. Every mistake throws a SlotwiseError that says what was
// wrong, so the tag can answer `{ ok: false, reason: 'invalid' }` without queueing anything.
import { SlotwiseError } from '../errors';
import type { Settings } from '../options';
import type { Message } from '../wire/sitecore';

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

const invalid = (message: string): never => {
  throw new SlotwiseError('invalid', message);
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v == 'object' && v !== null && !Array.isArray(v);

/** Nested objects become `a_b` keys, as Sitecore's own SDK flattens them. */
function flattenExt(ext: unknown, into: Ext = {}, prefix = '', depth = 0): Ext {
  if (ext === undefined) return into;
  if (!isPlainObject(ext) || depth > 4) invalid('ext must be a plain object, at most 5 levels deep');
  for (const [key, value] of Object.entries(ext as Ext)) {
    const name = prefix + key;
    if (isPlainObject(value)) flattenExt(value, into, name + '_', depth + 1);
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) into[name] = value;
    else if (value !== undefined) invalid(`ext.${name} must be a string, number, boolean or null`);
  }
  if (Object.keys(into).length > MAX_EXT_KEYS)
    invalid(`ext has ${Object.keys(into).length} keys; Sitecore accepts at most ${MAX_EXT_KEYS} (one more is the eventId)`);
  return into;
}

/** Rejects what JSON can't carry (circular objects, BigInt) before it reaches the queue. */
function jsonSafe<T>(value: T, what: string): T {
  try {
    JSON.stringify(value);
  } catch {
    invalid(`${what} cannot be sent as JSON (circular or not serializable)`);
  }
  return value;
}

/** `page` the way Sitecore's SDK infers it: the last path segment, or 'Home Page'. */
export function pageName(url: string): string {
  const path = new URL(url).pathname.replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || 'Home Page';
  } catch {
    return last;
  }
}

/** Every `utm_*` query parameter of the URL, with its name lower-cased. */
export function utmParams(url: string): Record<string, string> {
  const utm: Record<string, string> = {};
  new URL(url).searchParams.forEach((value, name) => {
    const key = name.toLowerCase();
    if (key.startsWith('utm_')) utm[key] = value;
  });
  return utm;
}

function message(
  settings: Settings,
  ctx: CallContext,
  type: string,
  fields: Record<string, unknown>,
  ext?: unknown,
  page?: unknown,
): Message {
  if (page !== undefined && (typeof page != 'string' || !page)) invalid('page must be a non-empty string');
  const base: Record<string, unknown> = {
    channel: settings.channel,
    language: settings.language,
    currency: settings.currency,
    page: page ?? pageName(ctx.url),
    pos: settings.pointOfSale,
    client_key: settings.clientKey,
  };
  // Base fields come last so a caller's field of the same name cannot corrupt them.
  return jsonSafe(
    { ...fields, type, ...base, ext: { ...flattenExt(ext), eventId: ctx.eventId } },
    'the event',
  );
}

export function viewMessage(settings: Settings, ctx: CallContext, data: ViewData = {}): Message {
  if (!isPlainObject(data)) invalid('view(data): data must be an object');
  const referrer = ctx.referrer && new URL(ctx.referrer, ctx.url).host != new URL(ctx.url).host
    ? { referrer: ctx.referrer }
    : {};
  return message(settings, ctx, 'VIEW', { ...utmParams(ctx.url), ...referrer }, data.ext, data.page);
}

export function addMessage(settings: Settings, ctx: CallContext, product: Product, ext?: Ext): Message {
  if (!isPlainObject(product)) invalid('add(product): product must be an object');
  const id = product.item_id ?? product.productId;
  if (typeof id != 'string' || !id.trim()) invalid('add(product): product.item_id (or productId) must be a non-empty string');
  const { quantity = 1, price } = product;
  if (typeof quantity != 'number' || !(quantity > 0)) invalid('add(product): product.quantity must be a positive number');
  if (price !== undefined && !(typeof price == 'number' && price >= 0)) invalid('add(product): product.price must be a number ≥ 0');
  return message(settings, ctx, 'ADD', {
    product: { currency: settings.currency, ...product, item_id: id, quantity },
  }, ext);
}

export const forceCloseMessage = (settings: Settings, ctx: CallContext): Message =>
  message(settings, ctx, 'FORCE_CLOSE', {});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Our camelCase input → Sitecore's wire names.
const PERSON_FIELDS: Record<string, string> = {
  firstName: 'firstname',
  lastName: 'lastname',
  postalCode: 'postal_code',
};

export function identityMessage(settings: Settings, ctx: CallContext, person: Person): Message {
  if (!isPlainObject(person)) invalid('identity(person): person must be an object');
  const { email, identifiers, ...rest } = person;
  if (email !== undefined && !(typeof email == 'string' && EMAIL.test(email))) invalid('identity(person): email is not an email address');
  const ids = identifiers ?? (email ? [{ id: email, provider: 'email' }] : []);
  if (!Array.isArray(ids) || !ids.length) invalid('identity(person): give identifiers [{ id, provider }] or an email');
  const wireIds = ids.map((item) => {
    if (!isPlainObject(item) || !item.id || typeof item.id != 'string' || !item.provider || typeof item.provider != 'string')
      invalid('identity(person): each identifier needs a string id and provider');
    const { expiryDate, ...idFields } = item;
    return expiryDate ? { ...idFields, expiry_date: expiryDate } : idFields;
  });
  const fields: Record<string, unknown> = { email, identifiers: wireIds };
  for (const [key, value] of Object.entries(rest)) fields[PERSON_FIELDS[key] ?? key] = value;
  return message(settings, ctx, 'IDENTITY', fields);
}

/** A custom event: `data`'s fields go to the top level (nested ones stay nested), `ext` is flattened. */
export function customMessage(settings: Settings, ctx: CallContext, type: unknown, data: unknown = {}, ext?: Ext): Message {
  if (typeof type != 'string') invalid('event(type): type must be a string');
  const name = (type as string).trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9_]{0,49}$/.test(name)) invalid(`event(type): "${type as string}" is not an event type (letters, digits and _, up to 50)`);
  if (!isPlainObject(data)) invalid('event(type, data): data must be an object');
  const { ext: dataExt, page, ...fields } = data as Record<string, unknown>;
  return message(settings, ctx, name, fields, ext ?? dataExt, page);
}
