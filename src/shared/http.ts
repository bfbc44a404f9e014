// Sends a WireRequest with fetch. The event queue does its own retrying (it must survive reloads
// and honour Retry-After across tabs), so only decisions ask for a retry here. The time limit is
// one abort signal over headers and body alike: a body that stalls must not hold the queue.
// Decisions read their bodies with a byte limit of their own (`read`); events never need one.
import { backoffMs, isRetryable, retryAfterMs } from './retry';
import type { WireRequest } from '../types/wire';

export interface HttpAnswer {
  /** 0 when no answer came: network error, blocked, or timed out. */
  status: number;
  retryAfter: string | null;
  json: unknown;
  timedOut?: boolean;
  /** An answer came, but its body could not be read (cut off, or out of time): what it said is unknown. */
  unreadable?: boolean;
}

/** A decision waits at most this long for a Retry-After before its one retry; longer is no use. */
const MAX_DECISION_PAUSE_MS = 2000;

/** A request, and how to read its body when the caller limits it; a rejection counts as `unreadable`. */
export type Sent = WireRequest & { read?: (response: Response) => Promise<string> };

export async function request(wire: Sent, timeoutMs: number, keepalive = false, retries = 0): Promise<HttpAnswer> {
  const answer = await send(wire, timeoutMs, keepalive);
  if (retries < 1 || answer.timedOut || (answer.status && !isRetryable(answer.status))) return answer;
  const pause = retryAfterMs(answer.retryAfter) ?? backoffMs(1);
  if (pause > MAX_DECISION_PAUSE_MS) return answer;
  await new Promise((resume) => setTimeout(resume, pause));
  return request(wire, timeoutMs, keepalive, retries - 1);
}

async function send(wire: Sent, timeoutMs: number, keepalive: boolean): Promise<HttpAnswer> {
  try {
    const response = await fetch(wire.url, {
      method: wire.method,
      headers: wire.headers ?? {},
      body: wire.body ?? null,
      keepalive,
      redirect: wire.redirect ?? 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer: HttpAnswer = { status: response.status, retryAfter: response.headers.get('retry-after'), json: undefined };
    let text: string;
    try {
      text = await (wire.read?.(response) ?? response.text());
    } catch (error) {
      return { ...answer, unreadable: true, timedOut: (error as Error).name == 'TimeoutError' };
    }
    try {
      answer.json = JSON.parse(text);
    } catch {
      // Not JSON: an HTML page, say; json stays undefined.
    }
    return answer;
  } catch (error) {
    return { status: 0, retryAfter: null, json: undefined, timedOut: (error as Error).name == 'TimeoutError' };
  }
}
