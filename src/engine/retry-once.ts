// A decision is asked again once when no answer came or the API says to try again (408, 429, 5xx),
// after the Retry-After it names or a short backoff: the reader is waiting for the page, so a
// longer wait than a moment is no use, and a request that timed out is not asked twice.
import { request, type HttpAnswer, type RequestOptions } from '../shared/http';
import { isRetryable } from '../shared/http-status';
import { backoffMs, retryAfterMs } from '../shared/retry';
import type { WireRequest } from '../types/wire';

/** A decision waits at most this long for a Retry-After before its one retry; longer is no use. */
const MAX_PAUSE_MS = 2000;

export async function requestWithRetry(wire: WireRequest, options: RequestOptions): Promise<HttpAnswer> {
  const answer = await request(wire, options);
  if (answer.timedOut || (answer.status && !isRetryable(answer.status))) return answer;
  const pause = retryAfterMs(answer.retryAfter) ?? backoffMs(1);
  if (pause > MAX_PAUSE_MS) return answer;
  await new Promise((resume) => setTimeout(resume, pause));
  return request(wire, options);
}
