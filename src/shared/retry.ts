// When to try an event again, and how long to wait. Pure.

/** Longest wait we accept from a `Retry-After` header; beyond it we would rather try again. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Exponential backoff from 500 ms, capped at a minute, with ±50 % jitter so tabs don't sync up. */
export const backoffMs = (attempt: number, random = Math.random): number =>
  Math.min(60_000, 500 * 2 ** Math.max(0, attempt - 1)) * (0.5 + random());

/** A `Retry-After` header (seconds or an HTTP date) in ms from now, capped; undefined if absent or bad. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}
