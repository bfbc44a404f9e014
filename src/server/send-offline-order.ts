// Sends an Optimizely offline order from the site's back end: the endpoint wants an
// authentication header, and credentials never belong in a browser. ky does the time limit, the
// backoff and `Retry-After`; which failures may be tried again is decided here (see `retryRule`),
// because nothing documents that the endpoint keeps one order per refCode: a second POST of an
// order the endpoint may already have stored could record the sale twice.
import ky, { isHTTPError, isTimeoutError } from 'ky';
import { failure, type Failure } from '../shared/result';
import { OFFLINE_ORDER_PATH, offlineOrderBody, offlineOrderUrl, type OfflineOrder } from './offline-order-body';
import { InvalidInput, describeError, mustBe, optionName, readIfObject } from './input';

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
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** How a message names an option of `sendOfflineOrder`. */
const optionField = (name: keyof OfflineOrderOptions) => `sendOfflineOrder: ${optionName(name)}`;

/** A numeric option, rounded and clamped; what is wrong with it when it is not a number. */
function clamp(
  value: unknown,
  { name, min, max, fallback }: { name: keyof OfflineOrderOptions; min: number; max: number; fallback: number },
): number | string {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) return mustBe(optionField(name), 'a number', value);
  return Math.min(max, Math.max(min, Math.round(value)));
}

/**
Headers that say how the message is framed or routed, not who sends it: the HTTP client sets them
itself, and refuses (or sends a broken request with) one given by hand.
*/
const NOT_AUTH = new Set([
  'host',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);

const AUTH_EXPECTED = `${optionField('auth')} must be an object of authentication headers, e.g. { Authorization: "Bearer …" }`;

/** The auth headers, or what is wrong with them. */
function authHeaders(auth: unknown): Headers | string {
  let headers: Headers;
  try {
    if (typeof auth !== 'object' || !auth || Array.isArray(auth)) return AUTH_EXPECTED;
    const entries = Object.entries(auth);
    if (!entries.length || entries.some(([, value]) => typeof value !== 'string' || !value)) return AUTH_EXPECTED;
    headers = new Headers(entries as Array<[string, string]>);
  } catch {
    // A getter that throws, or a name or value that is not a valid header (CR LF included). The
    // error is not quoted: its message can hold the header's value, a credential.
    return `${AUTH_EXPECTED}, with names and values valid in HTTP`;
  }
  for (const [name] of headers)
    if (NOT_AUTH.has(name)) return `${optionField('auth')} cannot set "${name}": the HTTP client sets it`;
  return headers;
}

/** What sending needs, each option read once and checked. */
interface SendSettings {
  url: string;
  headers: Headers;
  timeoutMs: number;
  retries: number;
  endpointDedupes: boolean;
}

/** The options as `SendSettings`, or the message saying which one cannot be used. */
function sendSettings(options: unknown): SendSettings | string {
  let endpoint: unknown, auth: unknown, timeoutOption: unknown, retriesOption: unknown, endpointDedupes: unknown;
  try {
    // Each option read once, and a getter that throws is that option's fault, named.
    [endpoint, auth, timeoutOption, retriesOption, endpointDedupes] = (
      ['endpoint', 'auth', 'timeoutMs', 'retries', 'endpointDedupes'] as const
    ).map((name) => readIfObject(options, name, optionField(name)));
  } catch (error) {
    if (error instanceof InvalidInput) return error.message;
    throw error;
  }
  endpointDedupes ??= false;
  const url = offlineOrderUrl(endpoint);
  if (!url) return mustBe(optionField('endpoint'), `an https URL, ending in ${OFFLINE_ORDER_PATH} or not`, endpoint);
  const headers = authHeaders(auth);
  if (typeof headers === 'string') return headers;
  const timeoutMs = clamp(timeoutOption, { name: 'timeoutMs', min: 1, max: 600_000, fallback: DEFAULT_TIMEOUT_MS });
  if (typeof timeoutMs === 'string') return timeoutMs;
  const retries = clamp(retriesOption, { name: 'retries', min: 0, max: 10, fallback: DEFAULT_RETRIES });
  if (typeof retries === 'string') return retries;
  if (typeof endpointDedupes !== 'boolean')
    return mustBe(optionField('endpointDedupes'), 'true or false', endpointDedupes);
  return { url, headers, timeoutMs, retries, endpointDedupes };
}

/** A `Retry-After` (seconds or an HTTP date) in ms from now; undefined when absent or unreadable. */
function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

/** What a failed fetch may carry: Node's fetch puts the network error (its `code`) in `cause`. */
type ErrorLike = { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null | undefined;

/** The code of a fetch network error (`cause.code` in Node's fetch), if any. */
const networkCode = (error: unknown): string | undefined => {
  const code = (error as ErrorLike)?.cause?.code;
  return typeof code === 'string' ? code : undefined;
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
    const { status } = error.response;
    if (status === 503) return retryAfterMs(error.response) === undefined;
    return status === 408 || status >= 500;
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
function retryRule({ endpointDedupes }: { endpointDedupes: boolean }) {
  return ({ error }: { error: Error }): false | undefined => {
    if (isHTTPError(error)) {
      const { status } = error.response;
      if ((retryAfterMs(error.response) ?? 0) > MAX_ORDER_RETRY_AFTER_MS) return false;
      const refused = status === 429 || (status === 503 && !mayBeStored(error));
      return refused || (endpointDedupes && DEDUPED_RETRY_STATUSES.includes(status)) ? undefined : false;
    }
    return !mayBeStored(error) || endpointDedupes ? undefined : false;
  };
}

/**
A 303 See Other is how a server answers a POST it has handled ("see the result there"), so the
order may be stored; the other redirects say the resource is elsewhere, so it was not handled.
*/
const redirectMayBeStored = (status: number) => status === 303;

/** ` to <origin>` of a Location header, for the message; only the origin, not a path that may carry a token. */
function whereTo(location: string | null, base: string): string {
  try {
    return location ? ` to ${new URL(location, base).origin}` : '';
  } catch {
    return '';
  }
}

/** Lets go of a body that will not be read, so the connection is freed. */
const discardBody = (response: Response) => void response.body?.cancel().catch(() => undefined);

/** The server's own words on a refusal: `message` (or `error`) of a JSON body, read in time or not at all. */
async function serverMessage(response: Response, timeoutMs: number): Promise<string> {
  let stop = () => {};
  const late = new Promise<undefined>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    stop = () => {
      clearTimeout(timer);
    };
  });
  try {
    const text = await Promise.race([response.text(), late]);
    if (text === undefined) discardBody(response);
    const json: unknown = JSON.parse(text ?? '');
    const said =
      readIfObject(json, 'message', "the answer's message") ?? readIfObject(json, 'error', "the answer's error");
    return typeof said === 'string' && said ? `: ${said.slice(0, 300)}` : '';
  } catch {
    return '';
  } finally {
    stop();
  }
}

const orderFailure = (
  reason: Failure['reason'],
  message: string,
  { maybeStored, status }: { maybeStored: boolean; status?: number },
): OfflineOrderResult => ({
  ...failure(
    reason,
    maybeStored ? `${message}; it may have been stored: check before sending it again` : message,
    status,
  ),
  maybeStored,
});

/** Refused before sending: nothing left, so nothing can have been stored. */
const invalid = (message: string) => orderFailure('invalid', message, { maybeStored: false });

/** What one send that failed tells the caller: why, and whether the order may be stored all the same. */
async function sendFailure(
  error: unknown,
  { refCode, url, attempts, timeoutMs }: { refCode: string; url: string; attempts: number; timeoutMs: number },
): Promise<OfflineOrderResult> {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const maybeStored = mayBeStored(error);
  if (isHTTPError(error) && error.response.status < 400) {
    const { status, headers: answer } = error.response;
    discardBody(error.response);
    return orderFailure(
      'rejected',
      `offline order ${refCode}: the endpoint answered ${status}, a redirect${whereTo(answer.get('location'), url)}, which is not followed, so neither the order nor the credentials leave for another address: set "endpoint" to the address Optimizely gave you`,
      { maybeStored: redirectMayBeStored(status), status },
    );
  }
  if (isHTTPError(error)) {
    const { status } = error.response;
    const said = await serverMessage(error.response, timeoutMs);
    return status === 408 || status === 429 || status >= 500
      ? orderFailure('dropped', `offline order ${refCode}: the endpoint answered ${status}${said} (after ${tries})`, {
          maybeStored,
          status,
        })
      : orderFailure('rejected', `offline order ${refCode} was rejected with ${status}${said}`, {
          maybeStored,
          status,
        });
  }
  if (isTimeoutError(error))
    return orderFailure('timeout', `offline order ${refCode}: no answer within ${timeoutMs} ms (after ${tries})`, {
      maybeStored: true,
    });
  const { cause, message } = (error as ErrorLike) ?? {};
  const why = [cause?.code, cause?.message, message].find(
    (text): text is string => typeof text === 'string' && text !== '',
  );
  return orderFailure(
    'blocked',
    `offline order ${refCode}: the endpoint could not be reached (${String(why)}, after ${tries})`,
    { maybeStored },
  );
}

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
    const settings = sendSettings(options);
    if (typeof settings === 'string') return invalid(settings);
    const { url, headers, timeoutMs, retries, endpointDedupes } = settings;
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
          shouldRetry: retryRule({ endpointDedupes }),
        },
        hooks: {
          beforeRequest: [
            () => {
              attempts++;
            },
          ],
        },
      });
      discardBody(response);
      return { ok: true, status: response.status };
    } catch (error) {
      return await sendFailure(error, { refCode: built.body.order.refCode, url, attempts, timeoutMs });
    }
  } catch (error) {
    // Nothing escapes: an unexpected error is a result too. Whether it happened before or after
    // the request went out is unknown, so the order may have been stored.
    return orderFailure('blocked', `sendOfflineOrder failed: ${describeError(error)}`, { maybeStored: true });
  }
}
