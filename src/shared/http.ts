// Sends a WireRequest with fetch, once: the event queue does its own retrying (it must survive
// reloads and honour Retry-After across tabs), and the slot engine its one retry of a decision
// (engine/retry-once.ts). The time limit is one abort signal over headers and body alike: a body
// that stalls must not hold the queue.
// Decisions read their bodies with a byte limit of their own (`read`); events never need one.
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

export interface RequestOptions {
  /** The most the request may take, headers and body together. */
  timeoutMs: number;
  /** Outlives the page (the browser carries it on after the page is left). */
  keepalive?: boolean;
  /** Reads the body, when the caller limits it; a rejection counts as `unreadable`. */
  read?: (response: Response) => Promise<string>;
}

/** The abort of AbortSignal.timeout: a DOMException named TimeoutError (an Error, in browsers and Node). */
const isTimeout = (error: unknown) => error instanceof Error && error.name === 'TimeoutError';

export async function request(
  wire: WireRequest,
  { timeoutMs, keepalive = false, read }: RequestOptions,
): Promise<HttpAnswer> {
  try {
    const response = await fetch(wire.url, {
      method: wire.method,
      headers: wire.headers ?? {},
      body: wire.body ?? null,
      keepalive,
      redirect: wire.redirect ?? 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer: HttpAnswer = {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      json: undefined,
    };
    let text: string;
    try {
      text = await (read?.(response) ?? response.text());
    } catch (error) {
      return { ...answer, unreadable: true, timedOut: isTimeout(error) };
    }
    try {
      answer.json = JSON.parse(text);
    } catch {
      // Not JSON: an HTML page, say; json stays undefined.
    }
    return answer;
  } catch (error) {
    return { status: 0, retryAfter: null, json: undefined, timedOut: isTimeout(error) };
  }
}
