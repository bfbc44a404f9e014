// The tag's options as given (public), and as resolved and validated (Settings).

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
