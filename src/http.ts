// Sends a WireRequest with ky. The event queue does its own retrying (it must survive reloads and
// honour Retry-After across tabs), so it asks ky for no retries; decisions ask for one. The time limit is an abort signal
// rather than ky's `timeout`, because ky stops its timer once headers arrive and a body that
// stalls after them must not hold the queue forever.
import ky from 'ky';
import type { WireRequest } from './wire/sitecore';

export interface HttpAnswer {
  /** 0 when no answer came: network error, blocked, or timed out. */
  status: number;
  retryAfter: string | null;
  json: unknown;
  timedOut?: boolean;
}

/** `retries`: ky's own retries (with its backoff and Retry-After), for decisions that must be quick. */
export async function request(
  wire: WireRequest,
  timeoutMs: number,
  keepalive = false,
  retries = 0,
): Promise<HttpAnswer> {
  try {
    const response = await ky(wire.url, {
      method: wire.method,
      headers: wire.headers ?? {},
      body: wire.body ?? null,
      keepalive,
      signal: AbortSignal.timeout(timeoutMs),
      timeout: false,
      retry: { limit: retries, methods: ['get', 'post'] },
      throwHttpErrors: false,
    });
    const json: unknown = await response.json().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get('retry-after'), json };
  } catch (error) {
    return { status: 0, retryAfter: null, json: undefined, timedOut: (error as Error).name == 'TimeoutError' };
  }
}
