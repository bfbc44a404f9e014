// Sends a WireRequest with ky. The event queue does its own retrying (it must survive reloads and
// honour Retry-After across tabs), so ky retries nothing here; it gives us timeouts and one place
// where fetch is called.
import ky from 'ky';
import type { WireRequest } from './wire/sitecore';

export interface HttpAnswer {
  /** 0 when no answer came: network error, blocked, or timed out. */
  status: number;
  retryAfter: string | null;
  json: unknown;
  timedOut?: boolean;
}

export async function request(
  wire: WireRequest,
  timeoutMs: number,
  keepalive = false,
): Promise<HttpAnswer> {
  try {
    const response = await ky(wire.url, {
      method: wire.method,
      headers: wire.headers ?? {},
      body: wire.body ?? null,
      keepalive,
      timeout: timeoutMs,
      retry: 0,
      throwHttpErrors: false,
    });
    const json: unknown = await response.json().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get('retry-after'), json };
  } catch (error) {
    return { status: 0, retryAfter: null, json: undefined, timedOut: (error as Error).name == 'TimeoutError' };
  }
}
