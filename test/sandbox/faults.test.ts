// Fault injection: what a tag's retry logic gets to see.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addFault, createBrowser, guest, message, postEvent, raw, startSandbox, type Started } from './helpers';

let sandbox: Started;
let base: string;
let browserId: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  base = sandbox.url;
  browserId = (await createBrowser(base)).json.ref;
});
afterEach(async () => {
  await fetch(`${base}/sandbox/faults`, { method: 'DELETE' });
});
afterAll(() => sandbox.dispose());

const events = async () => (await guest(base, browserId))!.events;

describe('status faults', () => {
  it('503 twice with Retry-After, then success; faulted requests are not stored', async () => {
    const added = await addFault(base, {
      path: '/v1.2/events',
      method: 'POST',
      status: 503,
      retryAfter: '2',
      count: 2,
    });
    expect(added.status).toBe(201);
    expect(added.json.id).toEqual(expect.any(String));
    const before = (await events()).length;

    const event = message(browserId, 'VIEW', { ext: { eventId: 'retry-me' } });
    for (let i = 0; i < 2; i++) {
      const res = await raw(
        base,
        'POST',
        '/v1.2/events',
        { Origin: 'http://shop.example', 'Content-Type': 'application/json' },
        JSON.stringify(event),
      );
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      // The browser must see the 503, not a CORS error.
      expect(res.headers['access-control-allow-origin']).toBe('http://shop.example');
      expect(res.headers['access-control-expose-headers']).toBe('Retry-After');
      expect(JSON.parse(res.body)).toMatchObject({ status: 'error' });
    }
    expect(await events()).toHaveLength(before);
    const third = await postEvent(base, event);
    expect(third.status).toBe(200);
    expect(await events()).toHaveLength(before + 1);

    const list = (await (await fetch(`${base}/sandbox/faults`)).json()) as Array<{ id: string; remaining: number }>;
    expect(list).toEqual([expect.objectContaining({ id: added.json.id, count: 2, remaining: 0 })]);
  });

  it('applies only to the given method and path prefix', async () => {
    await addFault(base, { path: '/v1.2/events', method: 'POST', status: 500 });
    expect((await createBrowser(base)).status).toBe(200);
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(500);
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(200);
  });

  it('applies faults in the order they were added', async () => {
    await addFault(base, { path: '/v1.2/', status: 429, retryAfter: 1 });
    await addFault(base, { path: '/v1.2/events', status: 500 });
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(429);
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(500);
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(200);
  });

  it('applies to static files too (a blocked or broken tag script)', async () => {
    await addFault(base, { path: '/dist/slotwise.min.js', status: 503 });
    expect((await fetch(`${base}/dist/slotwise.min.js`)).status).toBe(503);
    expect((await fetch(`${base}/dist/slotwise.min.js`)).status).toBe(404); // no static mount here
  });

  it('count -1 lasts until cleared', async () => {
    await addFault(base, { path: '/v1.2/browser/create.json', status: 503, count: -1 });
    for (let i = 0; i < 3; i++) expect((await createBrowser(base)).status).toBe(503);
    await fetch(`${base}/sandbox/faults`, { method: 'DELETE' });
    expect((await createBrowser(base)).status).toBe(200);
    expect(await (await fetch(`${base}/sandbox/faults`)).json()).toEqual([]);
  });
});

describe('body faults', () => {
  it("'malformed' sends a cut-off JSON body with 200, and stores nothing", async () => {
    const before = (await events()).length;
    await addFault(base, { path: '/v1.2/events', body: 'malformed' });
    const res = await fetch(`${base}/v1.2/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message(browserId, 'VIEW')),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe('{"ref":');
    expect(() => JSON.parse(text)).toThrow();
    expect(await events()).toHaveLength(before);
  });

  it('sends a literal body with the given status', async () => {
    await addFault(base, { path: '/v1.2/browser/create.json', status: 502, body: '<html>Bad gateway</html>' });
    const res = await fetch(`${base}/v1.2/browser/create.json?client_key=k&message={}`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('<html>Bad gateway</html>');
  });
});

describe('connection faults', () => {
  it('reset drops the connection without an answer and stores nothing', async () => {
    const before = (await events()).length;
    const { json: fault } = await addFault(base, { path: '/v1.2/events', reset: true });
    await expect(postEvent(base, message(browserId, 'VIEW'))).rejects.toThrow();
    expect(await events()).toHaveLength(before);
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(200);
    const log = (await (await fetch(`${base}/sandbox/requests`)).json()) as Array<{
      path: string;
      status: number;
      fault?: string;
    }>;
    expect(log.find((r) => r.fault === fault.id)).toMatchObject({ path: '/v1.2/events', status: 0 });
  });

  it('stored: stores the event, then answers with the fault (a gateway failing after the API stored it)', async () => {
    const before = (await events()).length;
    await addFault(base, { path: '/v1.2/events', status: 504, stored: true });
    await addFault(base, { path: '/v1.2/events', reset: true, stored: true });
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(504);
    await expect(postEvent(base, message(browserId, 'VIEW'))).rejects.toThrow();
    expect(await events()).toHaveLength(before + 2);
    expect((await addFault(base, { path: '/v1.2/events', status: 504, stored: 'yes' as never })).status).toBe(400);
  });

  it('delayMs alone delays, then processes normally', async () => {
    const before = (await events()).length;
    await addFault(base, { path: '/v1.2/events', delayMs: 300 });
    const started = Date.now();
    const res = await postEvent(base, message(browserId, 'VIEW'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(200);
    expect(await events()).toHaveLength(before + 1);
    // Used up: the next request meets no fault.
    await postEvent(base, message(browserId, 'VIEW'));
    const log = (await (await fetch(`${base}/sandbox/requests`)).json()) as Array<{ path: string; fault?: string }>;
    expect(
      log
        .filter((r) => r.path == '/v1.2/events')
        .slice(-2)
        .map((r) => r.fault ?? null),
    ).toEqual([expect.any(String), null]);
  });

  it('delayMs with a status delays the error', async () => {
    await addFault(base, { path: '/v1.2/events', delayMs: 200, status: 504 });
    const started = Date.now();
    expect((await postEvent(base, message(browserId, 'VIEW'))).status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('fault specs', () => {
  it.each([
    [{}, 'path'],
    [{ path: 'v1.2/events', status: 503 }, 'path'],
    [{ path: '/sandbox/guests', status: 503 }, 'path'],
    [{ path: '/v1.2/events', status: 99 }, 'status'],
    [{ path: '/v1.2/events', status: 503, count: 0 }, 'count'],
    [{ path: '/v1.2/events', method: 'OPTIONS', status: 503 }, 'method'],
    [{ path: '/v1.2/events' }, 'status'],
  ])('%j is refused (%s)', async (spec, field) => {
    const res = await addFault(base, spec);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ status: 'error', field });
  });
});

describe('latencyMs option', () => {
  it('delays API routes but not the control routes', async () => {
    const slow = await startSandbox({ latencyMs: 200 });
    try {
      const t = Date.now();
      expect((await createBrowser(slow.url)).status).toBe(200);
      expect(Date.now() - t).toBeGreaterThanOrEqual(190);
      // A control route started while an API call waits out its latency is answered first.
      const finished: string[] = [];
      const api = createBrowser(slow.url).then(() => finished.push('api'));
      await fetch(`${slow.url}/sandbox/faults`).then(() => finished.push('control'));
      await api;
      expect(finished).toEqual(['control', 'api']);
    } finally {
      await slow.dispose();
    }
  });
});
