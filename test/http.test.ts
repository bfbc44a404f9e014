// The HTTP edge: one answer per call for the event queue (it retries by itself), one quick retry
// for decisions, and a time limit that also covers a body that stalls.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request } from '../src/shared/http';
import { requestWithRetry } from '../src/engine/retry-once';

const wire = { method: 'POST' as const, url: 'https://api.test/v2/callFlows', body: '{}' };

function answers(...list: (Response | 'network-error' | 'hang')[]) {
  const fetch = vi.fn(async (_url: string, init: RequestInit) => {
    const next = list.shift() ?? new Response('{}');
    if (next == 'network-error') throw new TypeError('Failed to fetch');
    if (next == 'hang')
      return new Promise<Response>((_, reject) =>
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
      );
    return next;
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}
const status = (code: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ code }), { status: code, headers });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('request', () => {
  it('returns the status, Retry-After and JSON of one answer', async () => {
    answers(status(429, { 'Retry-After': '7' }));
    expect(await request(wire, { timeoutMs: 1000 })).toEqual({ status: 429, retryAfter: '7', json: { code: 429 } });
  });

  it('retries a decision once (requestWithRetry) after a 503 or a network error, not a 400', async () => {
    let fetch = answers(status(503), status(200));
    expect((await requestWithRetry(wire, { timeoutMs: 1000 })).status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(2);

    fetch = answers('network-error', status(200));
    expect((await requestWithRetry(wire, { timeoutMs: 1000 })).status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(2);

    fetch = answers(status(400), status(200));
    expect((await requestWithRetry(wire, { timeoutMs: 1000 })).status).toBe(400);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('waits out a short Retry-After, and gives up at once on a long one', async () => {
    vi.useFakeTimers();
    let fetch = answers(status(429, { 'Retry-After': '1' }), status(200));
    const retried = requestWithRetry(wire, { timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await retried).status).toBe(200);

    fetch = answers(status(429, { 'Retry-After': '30' }), status(200));
    expect((await requestWithRetry(wire, { timeoutMs: 5000 })).status).toBe(429);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('sends events once: the queue does the retrying', async () => {
    const fetch = answers(status(503), status(200));
    expect((await request(wire, { timeoutMs: 1000, keepalive: true })).status).toBe(503);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![1]).toMatchObject({ keepalive: true, method: 'POST', body: '{}' });
  });

  it('times out a request that never answers, and does not retry it', async () => {
    const fetch = answers('hang', status(200));
    expect(await requestWithRetry(wire, { timeoutMs: 50 })).toEqual({
      status: 0,
      retryAfter: null,
      json: undefined,
      timedOut: true,
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('times out a body that stalls after the headers', async () => {
    // Like a browser's fetch, the body stream errors when the request's signal aborts.
    vi.stubGlobal('fetch', async (_url: string, { signal }: RequestInit) => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"partial":'));
          signal!.addEventListener('abort', () => controller.error(signal!.reason));
        },
      });
      return new Response(body, { status: 200 });
    });
    // Without the signal on the body this would wait forever (and the test would time out).
    expect(await request(wire, { timeoutMs: 50 })).toMatchObject({ status: 200, json: undefined });
  });
});
