// A route that throws answers 500 with the API's error shape and is logged: a request is never
// left hanging, whatever a handler does, on the sandbox and on the storefront's server alike.
import { afterEach, expect, it, vi } from 'vitest';
import { createSite } from '../../demo/server/site.mjs';
import type { SandboxOptions } from '../../demo/server/sandbox.mjs';
import { raw, startSandbox } from './helpers';

/** A route whose handler throws once its body has been read (as every route's is). */
const throwing: NonNullable<SandboxOptions['routes']> = [
  {
    method: 'POST',
    pattern: /^\/boom$/,
    api: false,
    handle: () => {
      throw new TypeError('Cannot convert object to primitive value');
    },
  },
  {
    method: 'GET',
    pattern: /^\/boom-later$/,
    api: false,
    handle: async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new RangeError('Maximum call stack size exceeded');
    },
  },
];

/** The answer, or 'no answer' after `ms`: a hang must fail the test, not time it out. */
function within<T>(promise: Promise<T>, ms = 3000) {
  return Promise.race([promise, new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), ms))]);
}

afterEach(() => vi.restoreAllMocks());

for (const [name, start] of [
  [
    'sandbox',
    async () => {
      const s = await startSandbox({ routes: throwing });
      return { url: s.url, close: () => s.dispose() };
    },
  ],
  ['storefront server', () => createSite({ routes: throwing })],
] as const) {
  it(`the ${name} answers a route that throws with a 500 JSON error, logs it, and keeps serving`, async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const server = await start();
    try {
      for (const [method, path, body] of [
        ['POST', '/boom', '{"a":1}'],
        ['GET', '/boom-later', undefined],
      ] as const) {
        const res = await within(raw(server.url, method, path, { 'Content-Type': 'application/json' }, body));
        expect(res, `${method} ${path}`).not.toBe('no answer');
        if (res === 'no answer') return;
        expect(res.status).toBe(500);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(res.body)).toMatchObject({
          status: 'error',
          message: expect.stringMatching(/internal error: (TypeError|RangeError)/),
        });
      }
      expect(logged).toHaveBeenCalledTimes(2);
      expect(String(logged.mock.calls[0]![0])).toMatch(/POST \/boom failed/);
      // The server is still up for the next request.
      expect((await raw(server.url, 'GET', '/no-such-page')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
}
