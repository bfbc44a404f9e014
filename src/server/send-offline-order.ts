// Sends an Optimizely offline order from the site's back end: the endpoint wants an
// authentication header, and credentials never belong in a browser. ky does the time limit, the
// backoff and `Retry-After`; which failures may be tried again is decided here (see `retryRule`),
// because nothing documents that the endpoint keeps one order per refCode: a second POST of an
// order the endpoint may already have stored could record the sale twice.
import ky, { isHTTPError, isTimeoutError } from 'ky';
import { failure, type Failure } from '../shared/result';
import { offlineOrderBody, offlineOrderUrl, type OfflineOrder } from './offline-order-body';
import { InvalidInput, describe, describeError, read } from './input';

export interface OfflineOrderOptions {
  /**
  The endpoint: the full URL ending in `/tracker/smart-api/orders/offline`, or the base URL
  Optimizely assigned to the site (the path is appended). https only, except on localhost.
  @example 'https://uat.peerius.com/tracker/smart-api/orders/offline'
  */
  endpoint: string;
  /**
  The authentication headers Optimizely gave you, added to the request as they are. Headers that
  frame or route the request (`Host`, `Content-Length`, `Transfer-Encoding`, …) are refused.
  @example { Authorization: `Bearer ${process.env.OPTIMIZELY_TOKEN}` }
  */
  auth: Readonly<Record<string, string>>;
  /**
  Time limit of one attempt, in ms, clamped to 1 ms–10 min.
  @default 10000
  */
  timeoutMs?: number;
  /**
  Further attempts, clamped to 0–10, only where the answer shows the order was not stored: a 429,
  a 503 with `Retry-After`, or a connection that could not be opened. `Retry-After` is honoured
  up to a minute (longer: the order is reported `dropped` instead of waiting).
  @default 2
  */
  retries?: number;
  /**
  Set it only if Optimizely has confirmed that your endpoint keeps one order per `refCode`: then
  a timeout, a 408, a 5xx or a connection lost mid-request are tried again too. Off, such an
  order is reported with `maybeStored: true` and never sent a second time, since a repeat could
  record the sale twice.
  @default false
  */
  endpointDedupes?: boolean;
}

/**
What `sendOfflineOrder` resolves to. Failures: `invalid` (nothing sent), `rejected` (a 4xx
answer, or a redirect: never followed), `dropped` (a 408, 429 or 5xx), `timeout`, `blocked` (no answer). `maybeStored` is true when
the endpoint may have stored the order all the same (a timeout, a 5xx, a 303, a connection lost
after the order went out): check before sending it again.
*/
export type OfflineOrderResult = { ok: true; status: number } | (Failure & { maybeStored: boolean });

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
/** A Retry-After longer than this is not waited for: a back-end request should not hang. */
const MAX_ORDER_RETRY_AFTER_MS = 60_000;
/** What the endpoint may answer when it dedupes and a repeat is harmless: timeouts and server errors. */
const DEDUPED_RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
/**
Network errors raised before a connection existed, so before any byte of the order left: no
route, no name, nobody listening. Any other network error may have come after the body was sent.
*/
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const clamp = (value: unknown, min: number, max: number, fallback: number, name: string): number | Failure => {
  if (value === undefined) return fallback;
  if (typeof value != 'number' || Number.isNaN(value))
    return failure('invalid', `sendOfflineOrder: option "${name}" must be a number (${describe(value)})`);
  return Math.min(max, Math.max(min, Math.round(value)));
};

/**
Headers that say how the message is framed or routed, not who sends it: the HTTP client sets them
itself, and refuses (or sends a broken request with) one given by hand.
*/
const NOT_AUTH = new Set(['host', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'expect', 'te', 'trailer']);

const AUTH_EXPECTED = 'sendOfflineOrder: option "auth" must be an object of authentication headers, e.g. { Authorization: "Bearer …" }';

/** The auth headers, or what is wrong with them. */
function authHeaders(auth: unknown): Headers | string {
  let headers: Headers;
  try {
    if (typeof auth != 'object' || !auth || Array.isArray(auth)) return AUTH_EXPECTED;
    const entries = Object.entries(auth);
    if (!entries.length || entries.some(([, value]) => typeof value != 'string' || !value)) return AUTH_EXPECTED;
    headers = new Headers(entries as Array<[string, string]>);
  } catch {
    // A getter that throws, or a name or value that is not a valid header (CR LF included). The
    // error is not quoted: its message can hold the header's value, a credential.
    return `${AUTH_EXPECTED}, with names and values valid in HTTP`;
  }
  for (const [name] of headers) if (NOT_AUTH.has(name)) return `sendOfflineOrder: option "auth" cannot set "${name}": the HTTP client sets it`;
  return headers;
}

/** A `Retry-After` (seconds or an HTTP date) in ms from now; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

/** The code of a fetch network error (`cause.code` in Node's fetch), if any. */
const networkCode = (error: unknown): string | undefined => {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code == 'string' ? code : undefined;
};

/**
Could the endpoint have stored the order, given how this attempt failed? Only answers that say
the request was not handled prove it was not:
- 429: a rate limiter turns the request away before anything handles it.
- 503 with `Retry-After`: the server (or the gateway in front of it) is declining requests for
  a while, as maintenance and load shedding do. A bare 503 proves nothing: some proxies answer
  it when the upstream dropped the connection after receiving the request.
- any other 4xx: refused as it stands (and a repeat would be refused again).
- a connection that could not be opened (`NOT_SENT_CODES`).
Everything else (a timeout, 408, 500, 502, 504, a reset mid-request) may have come after the
order was stored.
*/
function mayBeStored(error: unknown): boolean {
  if (isHTTPError(error)) {
    const { status, headers } = error.response;
    if (status == 503) return retryAfterMs(headers.get('retry-after')) === undefined;
    return status == 408 || status >= 500;
  }
  if (isTimeoutError(error)) return true;
  return !NOT_SENT_CODES.has(networkCode(error) ?? '');
}

/**
ky's retry decision: try again only when the failed attempt cannot have stored the order (or the
endpoint dedupes), and never wait longer than `MAX_ORDER_RETRY_AFTER_MS`. `undefined` lets ky
go on, which honours `Retry-After` and backs off; `true` would bypass `Retry-After`, so the
network errors ky retries by itself are left to it.
*/
function retryRule(endpointDedupes: boolean) {
  return ({ error }: { error: Error }): false | undefined => {
    if (isHTTPError(error)) {
      const { status, headers } = error.response;
      if ((retryAfterMs(headers.get('retry-after')) ?? 0) > MAX_ORDER_RETRY_AFTER_MS) return false;
      const refused = status == 429 || (status == 503 && !mayBeStored(error));
      return refused || (endpointDedupes && DEDUPED_RETRY_STATUSES.includes(status)) ? undefined : false;
    }
    return !mayBeStored(error) || endpointDedupes ? undefined : false;
  };
}

/**
A 303 See Other is how a server answers a POST it has handled ("see the result there"), so the
order may be stored; the other redirects say the resource is elsewhere, so it was not handled.
*/
const redirectMayBeStored = (status: number) => status == 303;

/** ` to <origin>` of a Location header, for the message; only the origin, not a path that may carry a token. */
function whereTo(location: string | null, base: string): string {
  try {
    return location ? ` to ${new URL(location, base).origin}` : '';
  } catch {
    return '';
  }
}

/** The server's own words on a refusal: `message` (or `error`) of a JSON body, read in time or not at all. */
async function serverMessage(response: Response, timeoutMs: number): Promise<string> {
  let stop = () => {};
  const late = new Promise<undefined>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    stop = () => clearTimeout(timer);
  });
  try {
    const text = await Promise.race([response.text(), late]);
    if (text === undefined) void response.body?.cancel().catch(() => undefined);
    const json: unknown = JSON.parse(text ?? '');
    const said = typeof json == 'object' && json ? (json as Record<string, unknown>).message ?? (json as Record<string, unknown>).error : undefined;
    return typeof said == 'string' && said ? `: ${said.slice(0, 300)}` : '';
  } catch {
    return '';
  } finally {
    stop();
  }
}

const orderFailure = (reason: Failure['reason'], message: string, maybeStored: boolean, status?: number): OfflineOrderResult => ({
  ...failure(reason, maybeStored ? `${message}; it may have been stored: check before sending it again` : message, status),
  maybeStored,
});

/**
Sends one Optimizely offline order: validates it, then `POST`s the JSON body to the endpoint
with your authentication headers. Server-side only: the credentials must never reach a browser.
An order is sent a second time only when the first attempt cannot have been stored (429, 503
with `Retry-After`, no connection), honouring `Retry-After`; with `endpointDedupes`, also after
timeouts and server errors. A redirect is never followed: the order and the headers go to the
endpoint and nowhere else. Never rejects.

@returns `{ ok: true, status }` on a 2xx; otherwise `{ ok: false, reason, error, maybeStored }`:
`invalid` (the message names the field; nothing was sent), `rejected` (4xx, with the status and
the server's message; or a 3xx, naming where it pointed), `dropped` (408, 429 or 5xx), `timeout`, `blocked`. With `maybeStored: true`
the endpoint may hold the order anyway: look it up before sending it again.
@example
import { sendOfflineOrder } from 'slotwise/server';

const result = await sendOfflineOrder(
  {
    user: { id: 'abcd1234efgh' },
    order: {
      refCode: 'ORD-1001', orderDate: new Date(), currency: 'GBP', shipping: 0, subTotal: 81, total: 97.2,
      items: [{ refCode: 'ref1', qty: 1, price: 50, attributes: { discount: 'true' } }, { refCode: 'ref2', qty: 2, price: 20 }],
      attributes: { store: 'StreamlyCool Regent Street' },
    },
  },
  { endpoint: 'https://mysite.peerius.com', auth: { Authorization: `Bearer ${process.env.OPTIMIZELY_TOKEN}` } },
);
if (!result.ok) console.error(result.reason, result.maybeStored, result.error.message);
*/
export async function sendOfflineOrder(order: OfflineOrder, options: OfflineOrderOptions): Promise<OfflineOrderResult> {
  try {
    const built = offlineOrderBody(order);
    if (!built.ok) return { ...built, maybeStored: false };
    const invalid = (message: string) => orderFailure('invalid', message, false);
    // Each option read once, and a getter that throws is that option's fault, named.
    const option = (name: keyof OfflineOrderOptions) => (typeof options == 'object' && options ? read(options, name, `"${name}"`) : undefined);
    let endpoint: unknown, auth: unknown, timeoutOption: unknown, retriesOption: unknown, endpointDedupes: unknown;
    try {
      [endpoint, auth, timeoutOption, retriesOption, endpointDedupes] = (['endpoint', 'auth', 'timeoutMs', 'retries', 'endpointDedupes'] as const).map(option);
    } catch (error) {
      if (error instanceof InvalidInput) return invalid(`sendOfflineOrder: option ${error.message}`);
      throw error;
    }
    endpointDedupes ??= false;
    const url = offlineOrderUrl(endpoint);
    if (!url) return invalid(`sendOfflineOrder: option "endpoint" must be an https URL, ending in /tracker/smart-api/orders/offline or not (${describe(endpoint)})`);
    const headers = authHeaders(auth);
    if (typeof headers == 'string') return invalid(headers);
    const timeoutMs = clamp(timeoutOption, 1, 600_000, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    if (typeof timeoutMs != 'number') return { ...timeoutMs, maybeStored: false };
    const retries = clamp(retriesOption, 0, 10, DEFAULT_RETRIES, 'retries');
    if (typeof retries != 'number') return { ...retries, maybeStored: false };
    if (typeof endpointDedupes != 'boolean') return invalid(`sendOfflineOrder: option "endpointDedupes" must be true or false (${describe(endpointDedupes)})`);
    // Serialised here, not by ky: the body is plain data by now, and if it still cannot be
    // written (larger than a string can hold), that is the order's fault, found before sending.
    let json: string;
    try {
      json = JSON.stringify(built.body);
    } catch (error) {
      return invalid(`offline order: cannot be written as JSON (${describeError(error)})`);
    }
    headers.set('accept', 'application/json');
    headers.set('content-type', 'application/json');

    const refCode = built.body.order.refCode;
    let attempts = 0;
    try {
      const response = await ky.post(url, {
        body: json,
        headers,
        // Redirects are refused, not followed. A redirect would carry the order, and every auth
        // header but Authorization, to wherever Location points (another host, or http: from
        // https:), and Optimizely documents none for this endpoint: the address it gives is the
        // address to use. A 3xx is then an HTTPError like any other non-2xx, reported below.
        redirect: 'manual',
        timeout: timeoutMs,
        retry: {
          limit: retries,
          methods: ['post'],
          statusCodes: DEDUPED_RETRY_STATUSES,
          afterStatusCodes: [429, 503],
          maxRetryAfter: MAX_ORDER_RETRY_AFTER_MS,
          retryOnTimeout: endpointDedupes,
          shouldRetry: retryRule(endpointDedupes),
        },
        hooks: { beforeRequest: [() => void attempts++] },
      });
      void response.body?.cancel().catch(() => undefined);
      return { ok: true, status: response.status };
    } catch (error) {
      const tries = `${attempts} attempt${attempts == 1 ? '' : 's'}`;
      const maybe = mayBeStored(error);
      if (isHTTPError(error) && error.response.status < 400) {
        const { status, headers: answer } = error.response;
        void error.response.body?.cancel().catch(() => undefined);
        return orderFailure('rejected', `offline order ${refCode}: the endpoint answered ${status}, a redirect${whereTo(answer.get('location'), url)}, which is not followed, so neither the order nor the credentials leave for another address: set "endpoint" to the address Optimizely gave you`, redirectMayBeStored(status), status);
      }
      if (isHTTPError(error)) {
        const { status } = error.response;
        const said = await serverMessage(error.response, timeoutMs);
        return status == 408 || status == 429 || status >= 500
          ? orderFailure('dropped', `offline order ${refCode}: the endpoint answered ${status}${said} (after ${tries})`, maybe, status)
          : orderFailure('rejected', `offline order ${refCode} was rejected with ${status}${said}`, maybe, status);
      }
      if (isTimeoutError(error)) return orderFailure('timeout', `offline order ${refCode}: no answer within ${timeoutMs} ms (after ${tries})`, true);
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = [cause?.code, cause?.message, (error as Error)?.message].find((text) => typeof text == 'string' && text);
      return orderFailure('blocked', `offline order ${refCode}: the endpoint could not be reached (${why}, after ${tries})`, maybe);
    }
  } catch (error) {
    // Nothing escapes: an unexpected error is a result too. Whether it happened before or after
    // the request went out is unknown, so the order may have been stored.
    return orderFailure('blocked', `sendOfflineOrder failed: ${describeError(error)}`, true);
  }
}
