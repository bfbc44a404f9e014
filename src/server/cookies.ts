// The tag's first-party cookies, seen from the site's back end: read the browser id and the
// Algonomy rcs from a request, and set them again as server cookies. Safari (ITP) caps cookies
// written by script at 7 days; cookies a same-site server sets live as long as they say, so a
// visitor who comes back after a week keeps their id. Serializing is the `cookie` package's;
// reading is our own, because a request may carry the same name several times (Sitecore Engage
// writes an empty `bid_<key>=` when its create call fails, beside the id on another domain) and
// the valid one must win whatever its place. Which values are acceptable is the tag's own rule.
import { stringifySetCookie } from 'cookie';
import { SlotwiseError } from '../types/errors';
import { CLIENT_KEY, DOMAIN } from '../shared/options';
import { isBrowserId, browserIdCookie } from '../codecs/sitecore';
import { RCS_COOKIE, isRcs } from '../identity/rcs';
import { InvalidInput, couldNotRead, describe, mustBe, optionName, read, readIfObject } from './input';

/** What `readCookies` found; a value that is missing or not valid is left out. */
export interface SlotwiseCookies {
  /** The Sitecore browser id, from `bid_<clientKey>`. */
  browserId?: string;
  /** The Algonomy rcs token, from `rr_rcs`. */
  rcs?: string;
}

/** A Node `http.IncomingMessage` (Express, Fastify's `request.raw`, …), or anything shaped like it. */
export interface NodeRequestLike {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** A `tls.TLSSocket` (`encrypted: true`) when the request came over https. */
  socket?: object | null;
}

/** A web `Request` (Next.js route handlers, Hono, Remix, workers), or anything shaped like it. */
export interface WebRequestLike {
  url: string;
  headers: { get(name: string): string | null };
}

export type RequestLike = NodeRequestLike | WebRequestLike;

export interface CookieOptions {
  /**
  The Sitecore client key the tag was created with: the browser id lives in `bid_<clientKey>`.
  @example 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo'
  */
  clientKey: string;
}

export interface ServerCookieOptions extends CookieOptions {
  /**
  The cookies' `Domain`; give the same domain the tag uses (its `cookieDomain`), so the server's
  cookie replaces the tag's instead of sitting beside it.
  @default none (host-only cookies)
  @example 'example.com'
  */
  domain?: string;
  /**
  Lifetime in days, clamped to 1–400 (browsers cap cookies at 400 days).
  @default 400
  @example 90
  */
  maxAgeDays?: number;
  /**
  Adds `Secure`. `refreshCookies` sets it by itself for https requests.
  @default false (serverCookieHeaders), true on https (refreshCookies)
  @example true
  */
  secure?: boolean;
}

/** Browsers cap cookies at 400 days: the default lifetime, and the longest one asked for. */
const MAX_AGE_DAYS = 400;
const SECONDS_PER_DAY = 86_400;
/**
What a `Domain` attribute can be: labels of 1–63 letters, digits and inner hyphens, 253 characters
in all (RFC 1035). The `cookie` package refuses anything else by throwing, and browsers ignore it.
*/
const COOKIE_DOMAIN = /^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const MAX_DOMAIN_LENGTH = 253;
/** Longest value written: with name and attributes it stays under the 4096 bytes browsers keep. */
const MAX_VALUE_LENGTH = 3800;
/** Where the tag's cookies live and who gets them: every header written, deletions included, says the same. */
const COOKIE_SCOPE = { path: '/', sameSite: 'lax' } as const;

/** The browser id's cookie, one per client key. */

const invalid = (message: string) => new SlotwiseError('invalid', `slotwise/server: ${message}`);

/**
Runs `read` on the caller's values; anything they throw (a getter, a Proxy) becomes the one error
these helpers throw, a SlotwiseError `invalid` whose message names what could not be used.
*/
function guarded<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SlotwiseError) throw error;
    throw invalid(error instanceof InvalidInput ? error.message : `${what} ${couldNotRead(error)}`);
  }
}

/** An option, read once; `options` that is not an object has none. */
const option = (options: unknown, name: string): unknown =>
  guarded(() => readIfObject(options, name, optionName(name)), optionName(name));

const badOption = (name: string, expected: string, value: unknown) =>
  invalid(mustBe(optionName(name), expected, value));

const checkClientKey = (options: unknown): string => {
  const clientKey = option(options, 'clientKey');
  if (typeof clientKey !== 'string' || !CLIENT_KEY.test(clientKey))
    throw badOption('clientKey', 'letters, digits, _ or -', clientKey);
  return clientKey;
};

/** What the helpers need from a request, read once. */
interface RequestFacts {
  cookie: string;
  /** Whether it came over https; read only when asked, since only refreshCookies needs it. */
  https: () => boolean;
}

/** A header's text: Node gives a string or, for a repeated header, an array of them, joined with `separator`. */
function headerText(value: unknown, { name, separator }: { name: string; separator: string }): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    // Index by index, stopping at the first part that is not a string: a hole is one, so a sparse
    // array of 2^32 - 1 holes is refused at once instead of joined into gigabytes.
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      const part: unknown = value[i];
      if (typeof part !== 'string') throw invalid(mustBe(`request header "${name}"[${i}]`, 'a string', part));
      parts.push(part);
    }
    return parts.join(separator);
  }
  throw invalid(mustBe(`request header "${name}"`, 'a string', value));
}

const REQUEST = 'request (a Node IncomingMessage or a web Request)';

function requestFacts(request: unknown): RequestFacts {
  return guarded(() => {
    const noHeaders = () => invalid(`${REQUEST} must have headers (${describe(request)})`);
    if (typeof request !== 'object' || request === null) throw noHeaders();
    const headers = read(request, 'headers', 'request.headers');
    if (typeof headers !== 'object' || headers === null) throw noHeaders();
    const get = read(headers, 'get', 'request.headers');
    if (typeof get === 'function') {
      // A web Request: Headers.get joins repeated headers itself.
      const value = (name: string) => headerText(get.call(headers, name), { name, separator: ',' });
      const url = read(request, 'url', 'request.url');
      return { cookie: value('cookie') ?? '', https: () => typeof url === 'string' && /^https:/i.test(url) };
    }
    const value = (name: string, separator: string) =>
      headerText(read(headers, name, `request header "${name}"`), { name, separator });
    return {
      cookie: value('cookie', '; ') ?? '',
      https: () =>
        guarded(() => {
          const socket = read(request, 'socket', 'request.socket');
          if (typeof socket === 'object' && socket && read(socket, 'encrypted', 'request.socket.encrypted') === true)
            return true;
          // Behind a proxy or load balancer: the first (client-facing) hop's protocol.
          return value('x-forwarded-proto', ',')?.split(',')[0]?.trim().toLowerCase() === 'https';
        }, 'request'),
    };
  }, 'request');
}

/**
Every value of every cookie in a `Cookie` header, in the order sent (a name can come several
times: one per domain and path the browser holds it for). Values as they are: the tag only ever
writes characters that need no decoding, so a quoted or encoded value is simply not valid.
*/
function cookieValues(cookie: string): Map<string, string[]> {
  const jar = new Map<string, string[]>();
  for (const pair of cookie.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    // Appended in place: copying the list for each value made a header of one name repeated
    // 100,000 times take minutes.
    const values = jar.get(name);
    if (values) values.push(pair.slice(eq + 1).trim());
    else jar.set(name, [pair.slice(eq + 1).trim()]);
  }
  return jar;
}

const firstValid = (values: string[] | undefined, valid: (value: string) => boolean) => values?.find(valid);

/**
Reads the tag's cookies from a request: the browser id (`bid_<clientKey>`) and the Algonomy
token (`rr_rcs`). Values the tag would not accept itself are ignored, never returned. When the
request carries a name more than once (a site moving from Sitecore Engage may hold an empty
`bid_<clientKey>=` beside the id), the first valid value is taken, wherever it comes.

@param request a Node `IncomingMessage` (its `cookie` header) or a web `Request`
@throws SlotwiseError (code `invalid`), and nothing else, when `clientKey` is missing or not a
valid key, or `request` is not a request; never for what the `Cookie` header holds
@example
// Express
app.get('/account', (req, res) => {
  const { browserId, rcs } = readCookies(req, { clientKey: 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo' });
  // … call Sitecore or Algonomy from the server for the same visitor …
});
*/
export function readCookies(request: RequestLike, options: CookieOptions): SlotwiseCookies {
  const clientKey = checkClientKey(options);
  return found(cookieValues(requestFacts(request).cookie), clientKey);
}

function found(jar: Map<string, string[]>, clientKey: string): SlotwiseCookies {
  const browserId = firstValid(jar.get(browserIdCookie(clientKey)), isBrowserId);
  const rcs = firstValid(jar.get(RCS_COOKIE), isRcs);
  return { ...(browserId ? { browserId } : {}), ...(rcs ? { rcs } : {}) };
}

/**
`Set-Cookie` header values that set the tag's cookies again, from the server, with the same
values: `Path=/`, `SameSite=Lax`, `Max-Age`, `Domain` and `Secure` when asked. Not `HttpOnly`:
the tag reads them. Missing or invalid values get no header.

@throws SlotwiseError (code `invalid`), and nothing else, for a bad `clientKey`, `domain`,
`maxAgeDays` or `secure`, or `values` that cannot be read (a getter that throws)
@example
serverCookieHeaders({ browserId: 'f5e2b5c8-1d0e-4f5a-9c1b-2f6a3c4d5e6f' }, { clientKey: 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo', domain: 'example.com', secure: true });
// → ['bid_pqsDATA3lw12v5a9rrjnPLKMq2RdYEo=f5e2b5c8-1d0e-4f5a-9c1b-2f6a3c4d5e6f; Max-Age=34560000; Domain=example.com; Path=/; Secure; SameSite=Lax']
*/
export function serverCookieHeaders(values: SlotwiseCookies, options: ServerCookieOptions): string[] {
  const settings = cookieSettings(options);
  const value = (name: keyof SlotwiseCookies) =>
    guarded(() => readIfObject(values, name, `values.${name}`), `values.${name}`);
  return setCookies(
    { browserId: value('browserId'), rcs: value('rcs') },
    { ...settings, secure: settings.secure ?? false },
  );
}

interface CookieSettings {
  clientKey: string;
  domain?: string;
  maxAgeDays: number;
  /** Undefined when not given: refreshCookies then decides from the request. */
  secure?: boolean;
}

/** The options, each read once and checked; a bad one throws a SlotwiseError naming it. */
function cookieSettings(options: unknown): CookieSettings {
  const clientKey = checkClientKey(options);
  const [domain, maxAgeDays = MAX_AGE_DAYS, secure] = (['domain', 'maxAgeDays', 'secure'] as const).map((name) =>
    option(options, name),
  );
  if (typeof maxAgeDays !== 'number' || Number.isNaN(maxAgeDays))
    throw badOption('maxAgeDays', 'a number of days', maxAgeDays);
  if (
    domain !== undefined &&
    !(
      typeof domain === 'string' &&
      domain.length <= MAX_DOMAIN_LENGTH &&
      DOMAIN.test(domain) &&
      COOKIE_DOMAIN.test(domain)
    )
  )
    throw badOption('domain', 'a domain such as "example.com"', domain);
  // Not true-ish: a "false" string taken as true, or "true" as false, would quietly change who may read the id.
  if (secure !== undefined && typeof secure !== 'boolean') throw badOption('secure', 'true or false', secure);
  return { clientKey, ...(domain ? { domain } : {}), maxAgeDays, ...(secure === undefined ? {} : { secure }) };
}

function setCookies(
  values: { browserId?: unknown; rcs?: unknown },
  { clientKey, domain, maxAgeDays, secure }: CookieSettings,
): string[] {
  const attributes = {
    // Clamped first, so ±Infinity and 1e308 are whole numbers of seconds too.
    maxAge: Math.round(Math.min(MAX_AGE_DAYS, Math.max(1, maxAgeDays)) * SECONDS_PER_DAY),
    ...(domain ? { domain } : {}),
    path: COOKIE_SCOPE.path,
    secure: secure === true,
    sameSite: COOKIE_SCOPE.sameSite,
    // Validated values are written as they are, so the tag reads back exactly what it wrote.
    encode: (value: string) => value,
  };
  const wanted: Array<[name: string, value: unknown, valid: (value: unknown) => value is string]> = [
    [browserIdCookie(clientKey), values.browserId, isBrowserId],
    [RCS_COOKIE, values.rcs, (value): value is string => isRcs(value) && value.length <= MAX_VALUE_LENGTH],
  ];
  const headers: string[] = [];
  for (const [name, value, valid] of wanted)
    if (valid(value)) headers.push(stringifySetCookie(name, value, attributes));
  return headers;
}

/**
The `Set-Cookie` headers that turn the tag's cookies on this request into server cookies:
`serverCookieHeaders(readCookies(request, options), options)`, with `secure` defaulting to true
when the request came over https (a web `Request` with an https URL; an `IncomingMessage` on a
TLS socket or with `X-Forwarded-Proto: https`). Answer the tag's `serverCookies` endpoint with it.
With a `domain`, a request that carried other `bid_<clientKey>` values besides the one kept (an
empty one left by Sitecore Engage, say) also gets a header that deletes the host-only copy, so
one good browser id remains, on the domain.

@throws SlotwiseError (code `invalid`), and nothing else, as `readCookies` and `serverCookieHeaders` do
@example
// Express: the tag's `serverCookies: '/slotwise/cookies'` POSTs here.
app.post('/slotwise/cookies', (req, res) => {
  res.setHeader('Set-Cookie', refreshCookies(req, { clientKey: 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo', domain: 'example.com' }));
  res.status(204).end();
});
@example
// A web Request handler (Next.js route, Hono, …)
export function POST(request: Request) {
  const headers = new Headers();
  for (const cookie of refreshCookies(request, { clientKey: 'pqsDATA3lw12v5a9rrjnPLKMq2RdYEo' })) headers.append('Set-Cookie', cookie);
  return new Response(null, { status: 204, headers });
}
*/
export function refreshCookies(request: RequestLike, options: ServerCookieOptions): string[] {
  const settings = cookieSettings(options);
  const facts = requestFacts(request);
  const jar = cookieValues(facts.cookie);
  const kept = found(jar, settings.clientKey);
  const headers = setCookies(kept, { ...settings, secure: settings.secure ?? facts.https() });
  const name = browserIdCookie(settings.clientKey);
  // Only with a domain: then the host-only copy is never the one being kept.
  if (settings.domain && kept.browserId && (jar.get(name)?.length ?? 0) > 1)
    headers.unshift(stringifySetCookie(name, '', { maxAge: 0, ...COOKIE_SCOPE }));
  return headers;
}
