import { SlotwiseError } from './errors';
import { detach, shown } from './args';

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
  Three-letter ISO 4217 currency, sent with every event: Sitecore's event API expects it on each
  one, so it is required rather than guessed.
  @example 'EUR'
  */
  currency: string;
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
  /**
  The longest a slot stays hidden waiting for its decision; then it shows its default content.
  @default 1000
  @example 600
  */
  revealAfterMs?: number;
  /**
  How returned HTML goes into a slot: `'sanitize'` strips scripts, event handlers and `javascript:`
  URLs (with the browser's `Element.setHTML`, or a sanitizer loaded on demand); `'trusted'` inserts
  it as is, for sites that author every campaign themselves.
  @default 'sanitize'
  @example 'trusted'
  */
  html?: 'sanitize' | 'trusted';
  /**
  `'iframe'` renders returned HTML in a sandboxed iframe without same-origin access, sized to its
  content: for creatives that need their own scripts (they run there, never in the page). Per slot
  with `data-slotwise-render`.
  @default 'inline'
  @example 'iframe'
  */
  render?: 'inline' | 'iframe';
  /**
  CSP nonce for the style and script elements the tag creates.
  @default the nonce of the snippet's script
  @example 'r4nd0m'
  */
  nonce?: string;
  /**
  Re-decide the page's slots when the SPA's URL changes (history API), once per URL.
  @default false
  @example true
  */
  autoPage?: boolean;
  /**
  A same-origin endpoint of your site that re-sets the browser id (and rcs) cookies from the
  server (with `slotwise/server`'s `refreshCookies`): Safari keeps cookies written by script for 7
  days at most, cookies set by your server for as long as they say. Called with a POST at most once
  per page, and only when the cookie was missing or the last refresh is a day old.
  @default none
  @example '/slotwise/cookies'
  */
  serverCookies?: string;
  /**
  The RichRelevance / Algonomy Personalize API, for `data-slotwise-placement` slots. `userId`:
  the shopper's id as your site sends it to RichRelevance from its other integrations (default:
  the browser id); `sessionId`: your site's session id (default: the tag's). A call's context may
  give either, for that call.
  @default none
  @example { target: 'https://recs.example.com', apiKey: '4faeaf752ee40a0f', apiClientKey: 'b0126f995ac848159d', userId: '0982347' }
  */
  placements?: { target: string; apiKey: string; apiClientKey: string; userId?: string; sessionId?: string };
  /**
  Adobe Offer Decisioning, for `data-slotwise-offer` slots: a first-party proxy path that adds the
  credentials (never put them in the browser), and the identity namespace the browser id is sent in.
  @default none
  @example { target: '/adobe-offers', identityNamespace: 'SlotwiseBrowser' }
  */
  offers?: { target: string; identityNamespace: string };
}

export interface Settings {
  readonly clientKey: string;
  readonly target: string;
  readonly pointOfSale: string;
  readonly channel: Channel;
  readonly language: string;
  readonly currency: string;
  readonly cookieDomain: string;
  readonly cookieExpiryDays: number;
  readonly consent: Consent;
  readonly browserId: 'server' | 'local';
  readonly transport: 'stream' | 'legacy';
  readonly revealAfterMs: number;
  readonly html: 'sanitize' | 'trusted';
  readonly render: 'inline' | 'iframe';
  readonly nonce: string;
  readonly autoPage: boolean;
  readonly serverCookies: string;
  readonly placements: TagOptions['placements'];
  readonly offers: TagOptions['offers'];
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
  revealAfterMs: 1000,
  html: 'sanitize',
  render: 'inline',
  nonce: '',
  autoPage: false,
  serverCookies: '',
  maxAttempts: 10,
  requestTimeoutMs: 10_000,
  deliveryTimeoutMs: 15_000,
} as const);

const text = /\S/;
/** A client key names a cookie and storage keys; the server helpers hold it to the same rule. */
export const CLIENT_KEY = /^[\w-]{1,128}$/;
/** A cookie domain, as the tag and the server helpers accept it. */
export const DOMAIN = /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/i;
const url = /^(https?:\/\/[^/]|\/(?!\/))/;
// [option, accepted values, what to say when it is not].
type Rule = [name: string, accepted: { test(value: string): boolean }, expected: string];
const oneOf = (name: string, values: string): Rule => [name, new RegExp(`^(${values})$`), `one of ${values.replace(/\|/g, ', ')}`];
const RULES: Rule[] = [
  ['clientKey', CLIENT_KEY, 'letters, digits, _ or -'],
  ['target', url, 'an http(s) URL or a path from /'],
  ['pointOfSale', text, 'a non-empty string'],
  oneOf('channel', 'WEB|MOBILE_WEB|MOBILE_APP'),
  ['language', /^[a-z]{2}$/i, 'a two-letter ISO 639 code'],
  ['currency', /^[a-z]{3}$/i, 'a three-letter ISO 4217 code'],
  ['cookieDomain', { test: (value) => /^(auto|host)$/.test(value) || DOMAIN.test(value) }, "'auto', 'host' or a domain"],
  ['cookieExpiryDays', /^\d*\.?\d+$/, 'a positive number of days'],
  oneOf('consent', 'pending|granted|denied'),
  oneOf('browserId', 'server|local'),
  oneOf('transport', 'stream|legacy'),
  ['revealAfterMs', /^\d+$/, 'a number of milliseconds'],
  oneOf('html', 'sanitize|trusted'),
  oneOf('render', 'inline|iframe'),
  ['nonce', /^[\w+/=-]*$/, 'a CSP nonce'],
  oneOf('autoPage', 'true|false'),
  ['serverCookies', /^(\/(?![/\\])\S*)?$/, 'a path on this site, from /'],
];
const SECTIONS: Record<string, Rule[]> = {
  placements: [
    ['target', url, 'an http(s) URL or a path from /'],
    ['apiKey', text, 'your Algonomy API key'],
    ['apiClientKey', text, 'your Algonomy API client key'],
    // Optional: the site's own ids.
    ...['userId', 'sessionId'].map((name): Rule => [name, /^\S*$/, 'an id without spaces']),
  ],
  offers: [
    ['target', url, 'a first-party proxy path (or URL) to the decisioning API'],
    ['identityNamespace', /^[\w.-]+$/, 'an identity namespace code'],
  ],
};

/** Checks `rules` on `source`, filling `into` with the values given or already there. */
function check(source: Record<string, unknown>, into: Record<string, unknown>, rules: Rule[], prefix = '') {
  for (const [name, accepted, expected] of rules) {
    const value = source[name] ?? into[name] ?? '';
    if (!['string', 'number', 'boolean'].includes(typeof value) || !accepted.test(String(value)))
      throw invalidOption(prefix + name, expected, value);
    into[name] = value;
  }
}

export const invalidOption = (name: string, expected: string, value: unknown) =>
  new SlotwiseError('invalid', `Slotwise option "${name}" must be ${expected} (got ${shown(value)})`);

function pageLanguage(): string {
  const lang = typeof document == 'object' ? document.documentElement.lang : '';
  return /^[a-z]{2}\b/i.test(lang) ? lang.slice(0, 2) : 'EN';
}

/** Validates options and fills defaults; throws a `SlotwiseError` naming the bad option. */
export function resolveOptions(options: TagOptions): Settings {
  // Only the options we know, and only those given: the tuning limits are not options. Read
  // once: a getter or Proxy that throws is an invalid option, not an exception of its own.
  const given = detach(options, 'Slotwise options') as unknown as Record<string, unknown>;
  if (typeof given != 'object' || !given) throw invalidOption('options', 'an object', options);
  const trim = (value: unknown) => String(value).replace(/\/+$/, '');
  const o: Record<string, unknown> = { ...DEFAULTS, language: pageLanguage() };
  check(given, o, RULES);
  for (const [name, rules] of Object.entries(SECTIONS)) {
    const section = given[name];
    if (section === undefined) continue;
    if (typeof section != 'object' || !section) throw invalidOption(name, 'an object', section);
    // Credentials for these APIs must never ship to browsers: say so rather than send them.
    if (name == 'offers' && Object.keys(section).some((key) => /key|header|token|auth|secret/i.test(key) && key != 'identityNamespace'))
      console.warn('slotwise: never put API keys or Authorization headers for offers in the browser; use a first-party proxy that adds them');
    const values: Record<string, unknown> = {};
    check(section as Record<string, unknown>, values, rules, name + '.');
    // Optional fields left empty are left out.
    o[name] = Object.freeze({ ...Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '')), target: trim(values.target) });
  }
  return Object.freeze({
    ...(o as unknown as Settings),
    target: trim(o.target),
    language: String(o.language).toUpperCase(),
    currency: String(o.currency).toUpperCase(),
    cookieExpiryDays: Math.min(400, Math.max(1, Number(o.cookieExpiryDays))),
    revealAfterMs: Number(o.revealAfterMs),
    autoPage: String(o.autoPage) == 'true',
  });
}
