// The Optimizely offline order (Optimizely's "Offline order tracking endpoint" documentation) as
// data: validation and the exact JSON body. Pure: no network, so it can be checked (and tested)
// before anything is sent. Only what the documentation states is checked: which fields are
// required, their JSON types as its example writes them, and the formats it names. Nothing
// about how the amounts relate: real receipts carry discounts, tax and rounding.
import { isText } from '../shared/is';
import { failure, type Failure } from '../shared/result';
import { InvalidInput, couldNotRead, isRecord, jsonCopy, mustBe, read } from './input';

/** The path of the offline order endpoint, on the host Optimizely assigned to the site. */
export const OFFLINE_ORDER_PATH = '/tracker/smart-api/orders/offline';

/** The language sent when `lang` is not given: the endpoint's own default. */
export const DEFAULT_LANG = 'en-gb';

/** Key-value pairs; the keys must be defined with Optimizely before use. */
export type OrderAttributes = Readonly<Record<string, unknown>>;

/**
The customer. When `user` is given, `id` or `email` is required; without `user` the order does
not enrich anyone's behaviour.
*/
export type OfflineOrderUser =
  | {
      /** Pseudonymised id of the user, as used in the site's tracking. @example 'abcd1234efgh' */
      id: string;
      /** @deprecated Kept by Optimizely for backward compatibility; use `id`. */
      email?: string;
      /** About the customer (diet, gender, loyalty card, …). @example { gender: 'male' } */
      info?: OrderAttributes;
    }
  | {
      id?: string;
      /** @deprecated Kept by Optimizely for backward compatibility; use `id`. */
      email: string;
      info?: OrderAttributes;
    };

/** One order line. */
export interface OfflineOrderItem {
  /** The product's reference code, as in the product feed. @example 'ref1' */
  refCode: string;
  /** Quantity: a whole number (the documentation writes it without decimals). @example 2 */
  qty: number;
  /** Unit price. @example 20.0 */
  price: number;
  /** @example { discount: 'true' } */
  attributes?: OrderAttributes;
}

/** An order taken offline (in a store, by phone), as `sendOfflineOrder` takes it. */
export interface OfflineOrder {
  /**
  Language code of the store.
  @default 'en-gb'
  */
  lang?: string;
  user?: OfflineOrderUser;
  order: {
    /**
    The order's reference. Nothing documents that the endpoint keeps one order per refCode, so
    `sendOfflineOrder` never sends an order twice unless told the endpoint dedupes.
    */
    refCode: string;
    /**
    When the order was placed: a `Date`, or an ISO 8601 string with a time zone (or the
    documentation's form, `2016-05-16T14:25:00 GMT`). Sent in the documentation's form, in GMT.
    */
    orderDate: string | Date;
    customerId?: string;
    /** Three-letter ISO 4217 code, sent in capitals. @example 'GBP' */
    currency: string;
    /** As on the receipt. */
    shipping: number;
    /** As on the receipt (after discounts, say): not checked against the items. */
    subTotal: number;
    /** As on the receipt (with tax, say): not checked against subTotal and shipping. */
    total: number;
    items: readonly OfflineOrderItem[];
    /** @example { store: 'StreamlyCool Regent Street', storePostcode: 'W1B 4HX' } */
    attributes?: OrderAttributes;
  };
}

/** The documented JSON body, exactly: the documented fields in the documented order, nothing else. */
export interface OfflineOrderBody {
  lang: string;
  user?: { id?: string; email?: string; info?: OrderAttributes };
  order: {
    refCode: string;
    orderDate: string;
    customerId?: string;
    currency: string;
    shipping: number;
    subTotal: number;
    total: number;
    items: Array<{ refCode: string; qty: number; price: number; attributes?: OrderAttributes }>;
    attributes?: OrderAttributes;
  };
}

/** A JSON number. No sign rule: the documentation states none, and a refund line may be negative. */
const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Refuses `value`. A declared function, so a call on its own line narrows what follows it. */
function invalid(field: string, expected: string, value: unknown): never {
  throw new InvalidInput(mustBe(field, expected, value));
}

const NON_EMPTY_STRING = 'a non-empty string';

/** An amount, or the field's refusal. */
const amount = (value: unknown, at: string): number => (isAmount(value) ? value : invalid(at, 'a number', value));

// ISO 8601 with a zone, a date alone (UTC midnight), or the documented `2016-05-16T14:25:00 GMT`
// (Java's `yyyy-MM-dd'T'HH:mm:ss z`, which Date.parse does not read). A time without a zone is
// refused: read in the server's zone, it would move the order by hours.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2}| ?GMT| ?UTC))?$/i;

/** The documented form has a four-digit year: outside 0001–9999, toISOString writes ±YYYYYY. */
const MIN_DATE = Date.parse('0001-01-01T00:00:00Z');
const MAX_DATE = Date.parse('9999-12-31T23:59:59.999Z');

/** An order date as a time; undefined when it does not parse, names no real day, has no zone, or falls outside 0001–9999. */
export function parseOrderDate(value: unknown): Date | undefined {
  let ms: number;
  try {
    // Date.prototype.getTime, not the object's own: a Date-like impostor throws here, and is refused.
    ms = value instanceof Date ? Date.prototype.getTime.call(value) : parseDateString(value);
  } catch {
    return undefined;
  }
  return Number.isNaN(ms) || ms < MIN_DATE || ms > MAX_DATE ? undefined : new Date(ms);
}

function parseDateString(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  const m = DATE_TIME.exec(value.trim());
  if (!m) return Number.NaN;
  const [, year, month, day, time, zone = 'Z'] = m;
  // Always there when the pattern matched; checked so the types know it too.
  if (year === undefined || month === undefined || day === undefined) return Number.NaN;
  // Date.parse rolls 2016-02-30 over to March 1st: the calendar day must exist. (setUTCFullYear,
  // not Date.UTC, which reads years 0–99 as 1900–1999.)
  const calendar = new Date(0);
  calendar.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  if (calendar.getUTCDate() !== Number(day) || calendar.getUTCMonth() !== Number(month) - 1) return Number.NaN;
  const offset = /^\s?(GMT|UTC)$/i.test(zone) ? 'Z' : zone.toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(`${year}-${month}-${day}T${time ?? '00:00'}${offset}`);
}

/** The documented date form, in GMT: `2016-05-16T14:25:00 GMT`. */
const documentedDate = (date: Date) => date.toISOString().slice(0, 19) + ' GMT';

/** Key-value pairs, as a plain JSON copy: what JSON cannot write as given is refused, naming the key. */
function pairs(value: unknown, at: string): OrderAttributes {
  if (!isRecord(value, at)) return invalid(at, 'an object of key-value pairs', value);
  return jsonCopy(value, at) as OrderAttributes;
}

function attributes(value: unknown, at: string): { attributes?: OrderAttributes } {
  return value === undefined ? {} : { attributes: pairs(value, at) };
}

function user(value: unknown): OfflineOrderBody['user'] {
  if (!isRecord(value, 'user')) return invalid('user', 'an object with an id or an email', value);
  const id = read(value, 'id', 'user.id');
  const email = read(value, 'email', 'user.email');
  const info = read(value, 'info', 'user.info');
  if (id === undefined && email === undefined) invalid('user', 'given with an id or an email', value);
  if (id !== undefined && !isText(id)) invalid('user.id', NON_EMPTY_STRING, id);
  if (email !== undefined && !(typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email)))
    invalid('user.email', 'an email address', email);
  return {
    ...(id !== undefined ? { id } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(info !== undefined ? { info: pairs(info, 'user.info') } : {}),
  };
}

function item(value: unknown, at: string): OfflineOrderBody['order']['items'][number] {
  if (!isRecord(value, at)) return invalid(at, 'an object { refCode, qty, price }', value);
  const refCode = read(value, 'refCode', `${at}.refCode`);
  const qty = read(value, 'qty', `${at}.qty`);
  const price = read(value, 'price', `${at}.price`);
  if (!isText(refCode)) invalid(`${at}.refCode`, NON_EMPTY_STRING, refCode);
  // Beyond 2^53 a number is no longer the whole number it was written as.
  if (typeof qty !== 'number' || !Number.isSafeInteger(qty)) invalid(`${at}.qty`, 'a whole number', qty);
  return {
    refCode,
    qty,
    price: amount(price, `${at}.price`),
    ...attributes(read(value, 'attributes', `${at}.attributes`), `${at}.attributes`),
  };
}

/** An array with its length, read once; undefined for anything else, or a Proxy whose traps throw. */
function arrayWithLength(value: unknown): { array: readonly unknown[]; length: number } | undefined {
  try {
    if (!Array.isArray(value)) return undefined;
    // A Proxy's length is whatever its trap says.
    const length: unknown = value.length;
    return typeof length === 'number' ? { array: value, length } : undefined;
  } catch {
    return undefined;
  }
}

/** The order lines, read one index at a time: a hole (sent as null otherwise) is refused where it is. */
function lines(items: unknown): OfflineOrderBody['order']['items'] {
  const list = arrayWithLength(items);
  // The products "just purchased": an order without one is not an order.
  if (list === undefined || list.length === 0)
    return invalid('order.items', 'a non-empty array of { refCode, qty, price }', items);
  const out: OfflineOrderBody['order']['items'] = [];
  for (let i = 0; i < list.length; i++) {
    const at = `order.items[${i}]`;
    out.push(item(read(list.array, String(i), at), at));
  }
  return out;
}

function build(input: unknown): OfflineOrderBody {
  if (!isRecord(input, 'the argument')) return invalid('the argument', 'an object { lang?, user?, order }', input);
  const langGiven = read(input, 'lang', 'lang');
  const lang = langGiven === undefined ? DEFAULT_LANG : langGiven;
  if (!(typeof lang === 'string' && /^[a-z]{2,3}([-_][a-z0-9]{1,8})*$/i.test(lang)))
    invalid('lang', 'a language code such as "en-gb"', lang);
  const given = read(input, 'user', 'user');
  const who = given === undefined ? undefined : user(given);
  const order = read(input, 'order', 'order');
  if (!isRecord(order, 'order')) return invalid('order', 'an object', order);

  const get = (key: string) => read(order, key, `order.${key}`);
  const refCode = get('refCode');
  if (!isText(refCode)) invalid('order.refCode', NON_EMPTY_STRING, refCode);
  const orderDate = get('orderDate');
  const date = parseOrderDate(orderDate);
  if (!date)
    invalid('order.orderDate', 'a Date or a date string with a time zone, e.g. "2016-05-16T14:25:00Z"', orderDate);
  const customerId = get('customerId');
  if (customerId !== undefined && !isText(customerId)) invalid('order.customerId', NON_EMPTY_STRING, customerId);
  const currency = get('currency');
  if (!(typeof currency === 'string' && /^[a-z]{3}$/i.test(currency)))
    invalid('order.currency', 'a three-letter ISO 4217 code such as "GBP"', currency);
  const orderAmount = (key: string) => amount(get(key), `order.${key}`);
  const shipping = orderAmount('shipping');
  const subTotal = orderAmount('subTotal');
  const total = orderAmount('total');

  return {
    lang,
    ...(who ? { user: who } : {}),
    order: {
      refCode,
      orderDate: documentedDate(date),
      ...(customerId !== undefined ? { customerId } : {}),
      currency: currency.toUpperCase(),
      shipping,
      subTotal,
      total,
      items: lines(get('items')),
      ...attributes(get('attributes'), 'order.attributes'),
    },
  };
}

/**
Validates an offline order and builds the documented JSON body (`lang` defaults to `"en-gb"`,
the date is sent as `2016-05-16T14:25:00 GMT`, unknown fields are left out). `sendOfflineOrder`
calls it; use it alone to check or log an order without sending it.

@returns `{ ok: true, body }`, or `{ ok: false, reason: 'invalid', error }` whose message names
the field: what the documentation requires is present (refCodes, `user` with `id` or `email`,
the date, currency, amounts and at least one item), of the documented type (whole quantities,
numeric amounts, objects of key-value pairs whose values JSON writes as given: no BigInt,
cycle, NaN, Map or function) and form (an ISO 4217 currency, a date with a time
zone, a language code). The amounts are sent as given: discounts, tax and rounding are the
receipt's business, not checked against the items. Never throws: a getter that throws or a
Proxy is an invalid field too.

@example
const built = offlineOrderBody({
  user: { id: 'abcd1234efgh' },
  order: {
    refCode: 'ORD-1001', orderDate: new Date(), currency: 'GBP', shipping: 0, subTotal: 90, total: 90,
    items: [{ refCode: 'ref1', qty: 1, price: 50 }, { refCode: 'ref2', qty: 2, price: 20 }],
  },
});
if (!built.ok) console.error(built.error.message);
*/
export function offlineOrderBody(order: OfflineOrder): { ok: true; body: OfflineOrderBody } | Failure {
  try {
    return { ok: true, body: build(order) };
  } catch (error) {
    // An InvalidInput names the field. Anything else (a Proxy trap, a stack overflow) came from
    // reading the caller's value all the same: still the order's fault, never an exception.
    const why = error instanceof InvalidInput ? error.message : couldNotRead(error);
    return failure('invalid', `offline order: ${why}`);
  }
}

/** This machine, by name or address: `127.attacker.example` is not. */
const isLoopback = (host: string) =>
  host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';

/**
The endpoint URL: the full URL ending in `/tracker/smart-api/orders/offline`, or a base URL
that the path is appended to. https only (Optimizely: "Ensure HTTPS is in the URL"), except on
loopback hosts (a local sandbox). Undefined when not usable.
*/
export function offlineOrderUrl(endpoint: unknown): string | undefined {
  if (typeof endpoint !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(OFFLINE_ORDER_PATH) ? path : path + OFFLINE_ORDER_PATH;
  return url.href;
}
