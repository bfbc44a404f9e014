// The Optimizely offline order (Optimizely's "Offline order tracking endpoint" documentation) as
// data: validation and the exact JSON body. Pure: no network, so it can be checked (and tested)
// before anything is sent. Only what the documentation states is checked: which fields are
// required, their JSON types as its example writes them, and the formats it names. Nothing
// about how the amounts relate: real receipts carry discounts, tax and rounding.
import { failure, type Failure } from '../result';
import { isObject, isText } from '../wire/model';

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

type Json = Record<string, unknown>;
/** A JSON number. No sign rule: the documentation states none, and a refund line may be negative. */
const isAmount = (value: unknown): value is number => typeof value == 'number' && Number.isFinite(value);
const shown = (value: unknown) => (value === undefined ? 'missing' : `got ${JSON.stringify(value) ?? String(value)}`);

class Invalid extends Error {}
const invalid = (field: string, expected: string, value: unknown): never => {
  throw new Invalid(`offline order: ${field} must be ${expected} (${shown(value)})`);
};

// ISO 8601 with a zone, a date alone (UTC midnight), or the documented `2016-05-16T14:25:00 GMT`
// (Java's `yyyy-MM-dd'T'HH:mm:ss z`, which Date.parse does not read). A time without a zone is
// refused: read in the server's zone, it would move the order by hours.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2}| ?GMT| ?UTC))?$/i;

/** An order date as a time; undefined when it does not parse, names no real day, or has no zone. */
export function parseOrderDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value != 'string') return undefined;
  const m = DATE_TIME.exec(value.trim());
  if (!m) return undefined;
  const [, year, month, day, time, zone = 'Z'] = m;
  // Date.parse rolls 2016-02-30 over to March 1st: the calendar day must exist.
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCDate() != Number(day) || calendar.getUTCMonth() != Number(month) - 1) return undefined;
  const offset = /^\s?(GMT|UTC)$/i.test(zone) ? 'Z' : zone.toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${year}-${month}-${day}T${time ?? '00:00'}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** The documented date form, in GMT: `2016-05-16T14:25:00 GMT`. */
const documentedDate = (date: Date) => date.toISOString().slice(0, 19) + ' GMT';

function attributes(value: unknown, field: string): { attributes?: OrderAttributes } {
  if (value === undefined) return {};
  return isObject(value) ? { attributes: { ...value } } : invalid(field, 'an object of key-value pairs', value);
}

function user(value: unknown): OfflineOrderBody['user'] {
  if (!isObject(value)) return invalid('user', 'an object with an id or an email', value);
  const { id, email, info } = value;
  if (id === undefined && email === undefined) invalid('user', 'given with an id or an email', value);
  if (id !== undefined && !isText(id)) invalid('user.id', 'a non-empty string', id);
  if (email !== undefined && !(typeof email == 'string' && /^[^\s@]+@[^\s@]+$/.test(email))) invalid('user.email', 'an email address', email);
  if (info !== undefined && !isObject(info)) invalid('user.info', 'an object of key-value pairs', info);
  return {
    ...(id !== undefined ? { id: id as string } : {}),
    ...(email !== undefined ? { email: email as string } : {}),
    ...(info !== undefined ? { info: { ...(info as Json) } } : {}),
  };
}

function item(value: unknown, i: number): OfflineOrderBody['order']['items'][number] {
  const at = `order.items[${i}]`;
  if (!isObject(value)) return invalid(at, 'an object { refCode, qty, price }', value);
  const { refCode, qty, price } = value;
  if (!isText(refCode)) invalid(`${at}.refCode`, 'a non-empty string', refCode);
  if (!Number.isInteger(qty)) invalid(`${at}.qty`, 'a whole number', qty);
  if (!isAmount(price)) invalid(`${at}.price`, 'a number', price);
  return { refCode: refCode as string, qty: qty as number, price: price as number, ...attributes(value.attributes, `${at}.attributes`) };
}

function build(input: unknown): OfflineOrderBody {
  if (!isObject(input)) return invalid('the argument', 'an object { lang?, user?, order }', input);
  const { lang = DEFAULT_LANG, order } = input;
  if (!(typeof lang == 'string' && /^[a-z]{2,3}([-_][a-z0-9]{1,8})*$/i.test(lang))) invalid('lang', 'a language code such as "en-gb"', lang);
  const who = input.user === undefined ? undefined : user(input.user);
  if (!isObject(order)) return invalid('order', 'an object', order);

  const { refCode, orderDate, customerId, currency, shipping, subTotal, total, items } = order;
  if (!isText(refCode)) invalid('order.refCode', 'a non-empty string', refCode);
  const date = parseOrderDate(orderDate);
  if (!date) invalid('order.orderDate', 'a Date or a date string with a time zone, e.g. "2016-05-16T14:25:00Z"', orderDate);
  if (customerId !== undefined && !isText(customerId)) invalid('order.customerId', 'a non-empty string', customerId);
  if (!(typeof currency == 'string' && /^[a-z]{3}$/i.test(currency))) invalid('order.currency', 'a three-letter ISO 4217 code such as "GBP"', currency);
  if (!isAmount(shipping)) invalid('order.shipping', 'a number', shipping);
  if (!isAmount(subTotal)) invalid('order.subTotal', 'a number', subTotal);
  if (!isAmount(total)) invalid('order.total', 'a number', total);
  // The products "just purchased": an order without one is not an order.
  if (!Array.isArray(items) || items.length == 0) invalid('order.items', 'a non-empty array of { refCode, qty, price }', items);
  const lines = (items as unknown[]).map(item);

  return {
    lang: lang as string,
    ...(who ? { user: who } : {}),
    order: {
      refCode: refCode as string,
      orderDate: documentedDate(date as Date),
      ...(customerId !== undefined ? { customerId: customerId as string } : {}),
      currency: (currency as string).toUpperCase(),
      shipping: shipping as number,
      subTotal: subTotal as number,
      total: total as number,
      items: lines,
      ...attributes(order.attributes, 'order.attributes'),
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
numeric amounts, objects of key-value pairs) and form (an ISO 4217 currency, a date with a time
zone, a language code). The amounts are sent as given: discounts, tax and rounding are the
receipt's business, not checked against the items.

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
    if (error instanceof Invalid) return failure('invalid', error.message);
    throw error;
  }
}

/** This machine, by name or address: `127.attacker.example` is not. */
const isLoopback = (host: string) =>
  host == 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host == '[::1]';

/**
The endpoint URL: the full URL ending in `/tracker/smart-api/orders/offline`, or a base URL
that the path is appended to. https only (Optimizely: "Ensure HTTPS is in the URL"), except on
loopback hosts (a local sandbox). Undefined when not usable.
*/
export function offlineOrderUrl(endpoint: unknown): string | undefined {
  if (typeof endpoint != 'string') return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol != 'https:' && !(url.protocol == 'http:' && isLoopback(url.hostname))) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(OFFLINE_ORDER_PATH) ? path : path + OFFLINE_ORDER_PATH;
  return url.href;
}
