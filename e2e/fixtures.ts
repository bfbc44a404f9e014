// Playwright fixtures for end-to-end tests against the sandbox server.
//
//   import { test, expect } from './fixtures';
//   test('…', async ({ page, sandbox }) => {
//     await page.goto(`${sandbox.siteUrl}/e2e/my-page.html?target=${sandbox.url}`);
//     …
//     expect((await sandbox.guest(browserId))?.events).toHaveLength(1);
//   });
//
// One sandbox per worker (tests in a worker run one after another). Before each test, faults
// and the request log are cleared; guests are kept, so give each test its own browser ids or
// client key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import { createSandbox, type FaultSpec, type RequestEntry, type Timeline } from '../demo/server/sandbox.mjs';
import { createSite } from '../demo/server/site.mjs';
import { shopRoutes, TILL_AUTH } from '../demo/shop/shop.mjs';

export { expect };
export type { FaultSpec, RequestEntry, Timeline };

const repo = fileURLToPath(new URL('..', import.meta.url));

export interface RequestFilter {
  /** Path prefix (string) or pattern. */
  path?: string | RegExp;
  method?: string;
}

export interface SandboxFixture {
  /** API origin, `http://127.0.0.1:PORT`: give it to the tag as `target`. */
  url: string;
  /** The same server as `http://localhost:PORT`: pages loaded from here call the API cross-origin, like a real site. */
  siteUrl: string;
  /** The demo storefront, as `npm run demo` serves it: a server of its own, calling `url` cross-origin. */
  shopUrl: string;
  port: number;
  /** The guest's timeline, or null if the sandbox does not know the browser id. */
  guest(browserId: string): Promise<Timeline | null>;
  /** Adds a fault (see demo/server/faults.mjs); resolves to its id. */
  fault(spec: FaultSpec): Promise<string>;
  clearFaults(): Promise<void>;
  /** Requests the server received, oldest first (the fixture's own /sandbox/ calls included unless filtered). */
  requests(filter?: RequestFilter): Promise<RequestEntry[]>;
  clearRequests(): Promise<void>;
  /** Forgets guests, faults and requests. */
  reset(): Promise<void>;
}

async function call(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (!res.ok && res.status !== 404)
    throw new Error(`sandbox: ${init?.method ?? 'GET'} ${url} → ${res.status} ${await res.text()}`);
  return res;
}

export const test = base.extend<{ _sandboxClean: void }, { sandbox: SandboxFixture; catalog: string | undefined }>({
  /** A campaign catalog for the worker's sandbox (`test.use({ catalog })`); default demo/catalog.json. */
  catalog: [undefined, { scope: 'worker', option: true }],
  sandbox: [
    async ({ catalog }, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'slotwise-e2e-'));
      const server = await createSandbox({
        dataDir,
        ...(catalog ? { catalog } : {}),
        static: {
          '/dist/': join(repo, 'dist'),
          // Bundles built by the specs themselves (gitignored), e.g. Sitecore's Engage SDK.
          '/e2e/.tmp/': join(repo, 'e2e', '.tmp'),
          '/e2e/': join(repo, 'e2e', 'pages'),
          '/': join(repo, 'demo', 'site'),
        },
        orderAuth: TILL_AUTH,
      });
      const { url, port } = server;
      // The demo storefront on its own origin, as `npm run demo` serves it; a loaded CI machine must
      // not turn a decision into a timeout (the timeout has its own test in render.spec.ts).
      const shop = await createSite({
        routes: shopRoutes({ api: url, tagOptions: { revealAfterMs: 5000 } }),
        static: { '/dist/': join(repo, 'dist'), '/': join(repo, 'demo', 'site') },
      });
      // Its preview drawer reads the sandbox's control routes, as on `npm run demo`.
      server.controlOrigins.add(shop.url);
      const fixture: SandboxFixture = {
        url,
        siteUrl: `http://localhost:${port}`,
        shopUrl: shop.url,
        port,
        async guest(browserId) {
          const res = await call(`${url}/sandbox/guests/${encodeURIComponent(browserId)}`);
          return res.status === 404 ? null : ((await res.json()) as Timeline);
        },
        async fault(spec) {
          const res = await call(`${url}/sandbox/faults`, { method: 'POST', body: JSON.stringify(spec) });
          return ((await res.json()) as { id: string }).id;
        },
        async clearFaults() {
          await call(`${url}/sandbox/faults`, { method: 'DELETE' });
        },
        async requests(filter = {}) {
          const all = (await (await call(`${url}/sandbox/requests`)).json()) as RequestEntry[];
          return all.filter(
            (r) =>
              (!filter.method || r.method === filter.method.toUpperCase()) &&
              (filter.path === undefined ||
                (typeof filter.path === 'string' ? r.path.startsWith(filter.path) : filter.path.test(r.path))),
          );
        },
        async clearRequests() {
          await call(`${url}/sandbox/requests`, { method: 'DELETE' });
        },
        async reset() {
          await call(`${url}/sandbox/reset`, { method: 'POST' });
        },
      };
      await use(fixture);
      await shop.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  // A fault or request left over from the previous test must not leak into the next one.
  _sandboxClean: [
    async ({ sandbox }, use) => {
      await sandbox.clearFaults();
      await sandbox.clearRequests();
      await use();
    },
    { auto: true },
  ],
});
