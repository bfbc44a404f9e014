import { SlotwiseError } from './errors';

export type Consent = 'pending' | 'granted' | 'denied';
export type Channel = 'WEB' | 'MOBILE_WEB' | 'MOBILE_APP';

/** Options of `createTag` (and of `slotwise('init', …)` or the snippet's `data-` attributes). */
export interface TagOptions {
  /**
  The client key of your Sitecore CDP / Personalize tenant. Also names the browser id cookie
  (`bid_<clientKey>`) and the storage keys, so two tags with different keys share nothing.
  @example 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo'
  */
  clientKey: string;
  /**
  Base URL of the Sitecore API (events, browser ids, flows): a regional endpoint or a
  first-party proxy path.
  @example 'https://api-engage-eu.sitecorecloud.io'
  */
  target: string;
  /**
  The point of sale configured in Sitecore, sent as `pos` with every event.
  @example 'myshop.example/uk'
  */
  pointOfSale: string;
  /**
  Where the visitor is.
  @default 'WEB'
  @example 'MOBILE_WEB'
  */
  channel?: Channel;
  /**
  Two-letter ISO 639 language, sent upper-cased.
  @default the page's `<html lang>` ('en-GB' → 'EN'), else 'EN'
  @example 'FR'
  */
  language?: string;
  /**
  Three-letter ISO 4217 currency, sent with every event. Sitecore requires it for orders.
  @default none (the field is left out)
  @example 'EUR'
  */
  currency?: string;
  /**
  Where cookies live: `'auto'` finds the widest domain the browser lets this page set
  (`shop.example.co.uk` → `example.co.uk`, so `www.` and `shop.` share the visitor),
  `'host'` keeps them on this host only, or give a domain yourself.
  @default 'auto'
  @example '.example.com'
  */
  cookieDomain?: string;
  /**
  Lifetime of the browser id cookie in days, clamped to 1–400 (browsers cap cookies at 400 days).
  @default 400
  @example 90
  */
  cookieExpiryDays?: number;
  /**
  Consent at start. While `'pending'` or `'denied'` no cookie is written and no request leaves
  the page; events made while pending wait in memory and are sent on `consent('granted')`.
  @default 'granted'
  @example 'pending'
  */
  consent?: Consent;
  /**
  How a new browser id is made: `'server'` asks the API (`/v1.2/browser/create.json`),
  `'local'` makes one in the browser, for back ends that accept client-made ids.
  @default 'server'
  @example 'local'
  */
  browserId?: 'server' | 'local';
  /**
  How events travel: `'stream'` POSTs JSON to `/v1.2/events`; `'legacy'` GETs
  `/v1.2/event/create.json?message=…`, which needs no CORS preflight.
  @default 'stream'
  @example 'legacy'
  */
  transport?: 'stream' | 'legacy';
}

export interface Settings {
  readonly clientKey: string;
  readonly target: string;
  readonly pointOfSale: string;
  readonly channel: Channel;
  readonly language: string;
  readonly currency: string | undefined;
  readonly cookieDomain: string;
  readonly cookieExpiryDays: number;
  readonly consent: Consent;
  readonly browserId: 'server' | 'local';
  readonly transport: 'stream' | 'legacy';
  /** Attempts per event before it is dropped and reported. */
  readonly maxAttempts: number;
  /** Longest wait for one HTTP request. */
  readonly requestTimeoutMs: number;
  /** When an event call's promise gives up waiting (the event stays queued). */
  readonly deliveryTimeoutMs: number;
}

export const DEFAULTS = Object.freeze({
  channel: 'WEB',
  cookieDomain: 'auto',
  cookieExpiryDays: 400,
  consent: 'granted',
  browserId: 'server',
  transport: 'stream',
  maxAttempts: 10,
  requestTimeoutMs: 10_000,
  deliveryTimeoutMs: 15_000,
} as const);

const text = /\S/;
// [option, accepted values, what to say when it is not]; enumerations are anchored regexes.
const RULES: [keyof Settings, RegExp, string][] = [
  ['clientKey', /^[\w-]{1,128}$/, 'letters, digits, _ or -'], // it names a cookie and storage keys
  ['target', /^(https?:\/\/[^/]|\/(?!\/))/, 'an http(s) URL or a path from /'],
  ['pointOfSale', text, 'a non-empty string'],
  ['channel', /^(WEB|MOBILE_WEB|MOBILE_APP)$/, 'WEB, MOBILE_WEB or MOBILE_APP'],
  ['language', /^[a-z]{2}$/i, 'a two-letter ISO 639 code'],
  ['currency', /^([a-z]{3})?$/i, 'a three-letter ISO 4217 code'],
  ['cookieDomain', /^(auto|host|\.?[a-z0-9-]+(\.[a-z0-9-]+)*)$/i, "'auto', 'host' or a domain"],
  ['cookieExpiryDays', /^\d*\.?\d+$/, 'a positive number of days'],
  ['consent', /^(pending|granted|denied)$/, 'pending, granted or denied'],
  ['browserId', /^(server|local)$/, 'server or local'],
  ['transport', /^(stream|legacy)$/, 'stream or legacy'],
];

export const invalidOption = (name: string, expected: string, value: unknown) =>
  new SlotwiseError('invalid', `Slotwise option "${name}" must be ${expected} (got ${JSON.stringify(value)})`);

function pageLanguage(): string {
  const lang = typeof document == 'object' ? document.documentElement.lang : '';
  return /^[a-z]{2}\b/i.test(lang) ? lang.slice(0, 2) : 'EN';
}

/** Validates options and fills defaults; throws a `SlotwiseError` naming the bad option. */
export function resolveOptions(options: TagOptions): Settings {
  if (typeof options != 'object' || !options) throw invalidOption('options', 'an object', options);
  // Only the options we know, and only those given: the tuning limits are not options.
  const o: Record<string, unknown> = { ...DEFAULTS, language: pageLanguage() };
  for (const [name, accepted, expected] of RULES) {
    const value = options[name as keyof TagOptions] ?? o[name] ?? '';
    if (!['string', 'number'].includes(typeof value) || !accepted.test(String(value))) throw invalidOption(name, expected, value);
    o[name] = value;
  }
  const { target, language, currency, cookieExpiryDays } = o as unknown as Settings;
  return Object.freeze({
    ...(o as unknown as Settings),
    target: target.replace(/\/+$/, ''),
    language: language.toUpperCase(),
    currency: currency?.toUpperCase() || undefined,
    cookieExpiryDays: Math.min(400, Math.max(1, Number(cookieExpiryDays))),
  });
}
