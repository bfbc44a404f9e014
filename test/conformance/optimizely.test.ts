// Conformance with Optimizely's "Offline order tracking endpoint" documentation: its example
// order, kept byte for byte in fixtures/optimizely-*.json, must be accepted and sent unchanged by
// slotwise/server, and accepted and stored unchanged by the sandbox.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendOfflineOrder, type OfflineOrder } from '../../src/server/index';
import type { OfflineOrderEntry } from '../../demo/server/sandbox.mjs';
import { startSandbox, type Started } from '../sandbox/helpers';

interface Fixture {
  source: string;
  request: { method: string; url: string; body: string };
  endpoints?: string[];
}

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((name) => /^optimizely-.*\.json$/.test(name))
  .map((name) => [name, JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Fixture] as const);
const auth = { Authorization: 'Bearer conformance' };

it('has the documented example', () => {
  expect(fixtures.map(([name]) => name)).toContain('optimizely-offline-order.json');
});

describe.each(fixtures)('%s', (_name, fixture) => {
  const documented = () => JSON.parse(fixture.request.body) as OfflineOrder;

  describe('sendOfflineOrder', () => {
    let sent: Array<{ url: string; method: string; body: string }>;
    beforeAll(() => {
      vi.stubGlobal('fetch', async (input: Request) => {
        sent.push({ url: input.url, method: input.method, body: await input.text() });
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      });
    });
    afterEach(() => void (sent = []));
    afterAll(() => vi.unstubAllGlobals());

    it('accepts the example and sends it unchanged: same fields, same order, same values', async () => {
      sent = [];
      expect(await sendOfflineOrder(documented(), { endpoint: fixture.request.url, auth })).toEqual({
        ok: true,
        status: 200,
      });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.method).toBe(fixture.request.method);
      expect(sent[0]!.url).toBe(fixture.request.url);
      // Compact form of the documented text: `0.0` is the number 0 in JSON, spaces aside nothing differs.
      expect(sent[0]!.body).toBe(JSON.stringify(documented()));
    });

    it.each(fixture.endpoints ?? [])('takes the documented endpoint %s as it is', async (template) => {
      sent = [];
      const url = template.replace('<sitename>', 'mysite');
      expect(await sendOfflineOrder(documented(), { endpoint: url, auth })).toMatchObject({ ok: true });
      expect(sent.map((s) => s.url)).toEqual([url]);
    });
  });

  describe('the sandbox', () => {
    let sandbox: Started;
    beforeAll(async () => void (sandbox = await startSandbox()));
    afterAll(() => sandbox.dispose());
    const stored = async () => (await (await fetch(`${sandbox.url}/sandbox/orders`)).json()) as OfflineOrderEntry[];
    const path = new URL(fixture.request.url).pathname;

    it('accepts the documented bytes and stores the order as sent', async () => {
      const res = await fetch(`${sandbox.url}${path}`, {
        method: fixture.request.method,
        headers: { ...auth, 'content-type': 'application/json' },
        body: fixture.request.body,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'OK', refCode: documented().order.refCode });
      expect((await stored()).at(-1)!.body).toEqual(documented());
    });

    it('accepts it from sendOfflineOrder too, unchanged', async () => {
      expect(await sendOfflineOrder(documented(), { endpoint: sandbox.url, auth })).toEqual({ ok: true, status: 200 });
      expect((await stored()).at(-1)!.body).toEqual(documented());
    });
  });
});
