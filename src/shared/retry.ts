// When to try an event again, and how long to wait. Pure.

/** Longest wait we accept from a `Retry-After` header; beyond it we would rather try again. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** 408 (timeout), 429 (rate limit) and server errors are worth another try; other 4xx are not. */
export const isRetryable = (status: number): boolean =>
  status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);

/** Exponential backoff from 500 ms, capped at a minute, with ±50 % jitter so tabs don't sync up. */
export const backoffMs = (attempt: number, random = Math.random): number =>
  Math.min(60_000, 500 * 2 ** Math.max(0, attempt - 1)) * (0.5 + random());

/** A `Retry-After` header (seconds or an HTTP date) in ms from now, capped; undefined if absent or bad. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}
