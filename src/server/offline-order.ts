// Sends an Optimizely offline order (seed 003) from the site's back end: the endpoint wants an
// authentication header, and credentials never belong in a browser. ky does the time limit and
// the retries; a retry cannot store the order twice because the endpoint keeps one per refCode.
import ky, { isHTTPError, isTimeoutError } from 'ky';
import { failure, type Failure } from '../result';
import { isRetryable, retryAfterMs } from '../events/retry';
import { offlineOrderBody, offlineOrderUrl, type OfflineOrder } from './order';

export interface OfflineOrderOptions {
  /**
  The endpoint: the full URL ending in `/tracker/smart-api/orders/offline`, or the base URL
  Optimizely assigned to the site (the path is appended). https only, except on localhost.
  @example 'https://uat.peerius.com/tracker/smart-api/orders/offline'
  */
  endpoint: string;
  /**
  The authentication headers Optimizely gave you, added to the request as they are.
  @example { Authorization: `Bearer ${process.env.OPTIMIZELY_TOKEN}` }
  */
  auth: Readonly<Record<string, string>>;
  /**
  Time limit of one attempt, in ms, clamped to 1 ms–10 min.
  @default 10000
  */
  timeoutMs?: number;
  /**
  Further attempts after a 408, 429, 5xx or a network error, clamped to 0–10; `Retry-After` is
  honoured up to a minute (longer: the order is reported `dropped` instead of waiting).
  @default 2
  */
  retries?: number;
}

/**
What `sendOfflineOrder` resolves to. Failures: `invalid` (nothing sent), `rejected` (a 4xx
answer), `dropped` (still 408/429/5xx after the last retry), `timeout`, `blocked` (no answer).
*/
export type OfflineOrderResult = { ok: true; status: number } | Failure;

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
/** A Retry-After longer than this is not waited for: a back-end request should not hang. */
const MAX_ORDER_RETRY_AFTER_MS = 60_000;
/** 408, 429 and the 5xx worth another try (same rule as the tag's event queue). */
const RETRY_STATUSES = Array.from({ length: 200 }, (_, i) => 400 + i).filter(isRetryable);

const clamp = (value: unknown, min: number, max: number, fallback: number, name: string): number | Failure => {
  if (value === undefined) return fallback;
  if (typeof value != 'number' || Number.isNaN(value))
    return failure('invalid', `sendOfflineOrder: option "${name}" must be a number (got ${JSON.stringify(value)})`);
  return Math.min(max, Math.max(min, Math.round(value)));
};

function authHeaders(auth: unknown): Headers | undefined {
  if (typeof auth != 'object' || !auth || Array.isArray(auth)) return undefined;
  const entries = Object.entries(auth);
  if (!entries.length || entries.some(([, value]) => typeof value != 'string' || !value)) return undefined;
  try {
    return new Headers(entries as Array<[string, string]>);
  } catch {
    return undefined; // a name or value that is not a valid header
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

/**
Sends one Optimizely offline order (seed 003): validates it, then `POST`s the JSON body to the
endpoint with your authentication headers. Server-side only: the credentials must never reach a
browser. Retries 408, 429, 5xx and network errors (honouring `Retry-After`), which is safe
because the endpoint keeps one order per `refCode`. Never rejects.

@returns `{ ok: true, status }` on a 2xx; otherwise `{ ok: false, reason, error }`: `invalid`
(the message names the field; nothing was sent), `rejected` (4xx, with the status and the
server's message), `dropped` (408/429/5xx after the last retry), `timeout`, `blocked`.
@example
import { sendOfflineOrder } from 'slotwise/server';

const result = await sendOfflineOrder(
  {
    user: { id: 'abcd1234efgh' },
    order: {
      refCode: 'ORD-1001', orderDate: new Date(), currency: 'GBP', shipping: 0, subTotal: 90, total: 90,
      items: [{ refCode: 'ref1', qty: 1, price: 50 }, { refCode: 'ref2', qty: 2, price: 20 }],
      attributes: { store: 'StreamlyCool Regent Street' },
    },
  },
  { endpoint: 'https://mysite.peerius.com', auth: { Authorization: `Bearer ${process.env.OPTIMIZELY_TOKEN}` } },
);
if (!result.ok) console.error(result.reason, result.error.message);
*/
export async function sendOfflineOrder(order: OfflineOrder, options: OfflineOrderOptions): Promise<OfflineOrderResult> {
  try {
    const built = offlineOrderBody(order);
    if (!built.ok) return built;
    const { endpoint, auth, timeoutMs: timeoutOption, retries: retriesOption } = (options ?? {}) as Partial<OfflineOrderOptions>;
    const url = offlineOrderUrl(endpoint);
    if (!url)
      return failure('invalid', `sendOfflineOrder: option "endpoint" must be an https URL, ending in /tracker/smart-api/orders/offline or not (got ${JSON.stringify(endpoint)})`);
    const headers = authHeaders(auth);
    if (!headers) return failure('invalid', 'sendOfflineOrder: option "auth" must be an object of authentication headers, e.g. { Authorization: "Bearer …" }');
    const timeoutMs = clamp(timeoutOption, 1, 600_000, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    if (typeof timeoutMs != 'number') return timeoutMs;
    const retries = clamp(retriesOption, 0, 10, DEFAULT_RETRIES, 'retries');
    if (typeof retries != 'number') return retries;
    headers.set('accept', 'application/json');

    const refCode = built.body.order.refCode;
    let attempts = 0;
    try {
      const response = await ky.post(url, {
        json: built.body,
        headers,
        timeout: timeoutMs,
        retry: {
          limit: retries,
          methods: ['post'],
          statusCodes: RETRY_STATUSES,
          afterStatusCodes: RETRY_STATUSES,
          // Give up rather than hang when the server asks for a long pause.
          shouldRetry: ({ error }) =>
            isHTTPError(error) && (retryAfterMs(error.response.headers.get('retry-after')) ?? 0) > MAX_ORDER_RETRY_AFTER_MS ? false : undefined,
        },
        hooks: { beforeRequest: [() => void attempts++] },
      });
      void response.body?.cancel().catch(() => undefined);
      return { ok: true, status: response.status };
    } catch (error) {
      const tries = `${attempts} attempt${attempts == 1 ? '' : 's'}`;
      if (isHTTPError(error)) {
        const { status } = error.response;
        const said = await serverMessage(error.response, timeoutMs);
        return isRetryable(status)
          ? failure('dropped', `offline order ${refCode}: the endpoint answered ${status}${said} (after ${tries})`, status)
          : failure('rejected', `offline order ${refCode} was rejected with ${status}${said}`, status);
      }
      if (isTimeoutError(error)) return failure('timeout', `offline order ${refCode}: no answer within ${timeoutMs} ms (after ${tries})`);
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = [cause?.code, cause?.message, (error as Error)?.message].find((text) => typeof text == 'string' && text);
      return failure('blocked', `offline order ${refCode}: the endpoint could not be reached (${why}, after ${tries})`);
    }
  } catch (error) {
    // Nothing escapes: an unexpected error is a result too.
    return failure('blocked', `sendOfflineOrder failed: ${(error as Error)?.message ?? String(error)}`);
  }
}
