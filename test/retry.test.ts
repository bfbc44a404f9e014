import { describe, expect, it } from 'vitest';
import { isRetryable } from '../src/shared/http-status';
import { MAX_RETRY_AFTER_MS, backoffMs, retryAfterMs } from '../src/shared/retry';

describe('retry policy', () => {
  it('retries timeouts, rate limits and server errors only', () => {
    expect([408, 429, 500, 502, 503].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 422, 501, 505].some(isRetryable)).toBe(false);
  });

  it('backs off exponentially with jitter, capped at a minute', () => {
    expect(backoffMs(1, () => 0.5)).toBe(500);
    expect(backoffMs(3, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0)).toBe(1000);
    expect(backoffMs(30, () => 0.5)).toBe(60_000);
  });

  it('reads Retry-After in seconds or as a date, capped', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('86400')).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
