// The real sandbox, as the e2e tests use it: pages are served from http://localhost:PORT and the
// API is http://127.0.0.1:PORT, so every API call is cross-origin, as on a real site.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox } from '../../demo/server/sandbox.mjs';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const tmp = join(repo, 'bench', '.tmp');

/** @param {{ latencyMs?: number, catalog?: string }} [options] */
export async function startSandbox({ latencyMs = 0, catalog } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'slotwise-bench-'));
  const server = await createSandbox({
    dataDir,
    latencyMs,
    ...(catalog ? { catalog } : {}),
    static: { '/dist/': join(repo, 'dist'), '/bench/': tmp },
  });
  const call = (path, init) => fetch(`${server.url}${path}`, init);
  return {
    api: server.url,
    site: `http://localhost:${server.port}`,
    /** Requests the sandbox saw since the last clear (its own /sandbox/ routes left out). */
    async requests() {
      const all = await (await call('/sandbox/requests')).json();
      return all.filter(
        (r) => !r.path.startsWith('/sandbox/') && !r.path.startsWith('/dist/') && !r.path.startsWith('/bench/'),
      );
    },
    clearRequests: () => call('/sandbox/requests', { method: 'DELETE' }),
    /** Injects a fault (see demo/server/faults.mjs). */
    fault: (spec) => call('/sandbox/faults', { method: 'POST', body: JSON.stringify(spec) }),
    clearFaults: () => call('/sandbox/faults', { method: 'DELETE' }),
    /** @param {string} browserId */
    guest: async (browserId) => {
      const res = await call(`/sandbox/guests/${encodeURIComponent(browserId)}`);
      return res.ok ? res.json() : null;
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
