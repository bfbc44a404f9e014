// 2. Time to personalized content: from navigation start to every slot filled, for 1, 10 and 50
// slots, with the sandbox adding 0, 50 and 200 ms to every API call, on a first visit (no
// cookies) and a returning one (same browser, next page load). Also the requests and CORS
// preflights each page view costs.
import { join } from 'node:path';
import { startSandbox, repo } from './lib/sandbox.mjs';
import { engagePage, slotwisePage } from './lib/pages.mjs';
import { summary } from './lib/stats.mjs';

export const LATENCIES = [0, 50, 200];
export const SLOT_COUNTS = [1, 10, 50];
export const VARIANTS = [
  { id: 'slotwise-placements', label: 'Slotwise, placement slots (one call)', page: (count, api) => slotwisePage({ kind: 'placements', count, api }) },
  { id: 'slotwise-flows', label: 'Slotwise, flow slots', page: (count, api) => slotwisePage({ kind: 'flows', count, api }) },
  { id: 'engage-flows', label: 'Sitecore Engage, flow slots', page: (count, api) => engagePage({ count, api }) },
];

/** @param {import('@playwright/test').Browser} browser @param {{ trials: number, log: (line: string) => void }} options */
export async function measureContent(browser, { trials, log }) {
  const rows = [];
  for (const latencyMs of LATENCIES) {
    const sandbox = await startSandbox({ latencyMs, catalog: join(repo, 'bench', 'catalog.json') });
    try {
      for (const count of SLOT_COUNTS) {
        for (const variant of VARIANTS) {
          const path = variant.page(count, sandbox.api);
          const first = [], returning = [], counts = { first: null, returning: null };
          // Alternate the order of the variants' trials across runs is not needed: each trial is its own browser context.
          for (let trial = 0; trial < trials; trial++) {
            const context = await browser.newContext();
            const page = await context.newPage();
            for (const visit of /** @type {const} */ (['first', 'returning'])) {
              await sandbox.clearRequests();
              await page.goto(sandbox.site + path);
              const done = await page.waitForFunction(() => window.__bench.done, null, { timeout: 60_000, polling: 10 }).then((h) => h.jsonValue());
              (visit == 'first' ? first : returning).push(done);
              // Requests of this page view, settled: what the page cost the API.
              await page.waitForTimeout(latencyMs + 100);
              if (trial == 0) {
                const seen = await sandbox.requests();
                counts[visit] = { requests: seen.filter((r) => r.method != 'OPTIONS').length, preflights: seen.filter((r) => r.method == 'OPTIONS').length };
              }
            }
            await context.close();
          }
          const row = { latencyMs, count, variant: variant.id, label: variant.label, first: summary(first), returning: summary(returning), counts };
          rows.push(row);
          log(`content L=${latencyMs} slots=${count} ${variant.id}: first ${row.first.median.toFixed(0)} ms, returning ${row.returning.median.toFixed(0)} ms`);
        }
      }
    } finally {
      await sandbox.close();
    }
  }
  return rows;
}
