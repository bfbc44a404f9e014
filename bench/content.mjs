// 2. Time to personalized content: from navigation start to every slot filled, for 1, 10 and 50
// slots, with the sandbox adding 0, 50 and 200 ms to every API call, on a first visit (no
// cookies) and a returning one (same browser, next page load). Also the requests each page view
// costs the API once it has settled (decisions, events, the rest, and CORS preflights; medians).
import { join } from 'node:path';
import { startSandbox, repo } from './lib/sandbox.mjs';
import { engagePage, slotwisePage } from './lib/pages.mjs';
import { summary } from './lib/stats.mjs';

export const LATENCIES = [0, 50, 200];
export const SLOT_COUNTS = [1, 10, 50];
export const VARIANTS = [
  {
    id: 'slotwise-placements',
    label: 'Slotwise, placement slots (one call)',
    page: (count, api) => slotwisePage({ kind: 'placements', count, api }),
  },
  {
    id: 'slotwise-flows',
    label: 'Slotwise, flow slots',
    page: (count, api) => slotwisePage({ kind: 'flows', count, api }),
  },
  { id: 'engage-flows', label: 'Sitecore Engage, flow slots', page: (count, api) => engagePage({ count, api }) },
];

/** The API's requests of a page view, by kind. */
const KINDS = {
  decisions: (r) => r.method != 'OPTIONS' && /^\/(v2\/callFlows|rrserver\/api|decisions)/.test(r.path),
  events: (r) => r.method != 'OPTIONS' && r.path.startsWith('/v1.2/event'),
  other: (r) => r.method != 'OPTIONS' && !/^\/(v2\/callFlows|rrserver\/api|decisions|v1\.2\/event)/.test(r.path),
  preflights: (r) => r.method == 'OPTIONS',
};
const newCounts = () => Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, []]));

/** The sandbox's requests once none has come for a while (the page's events sent, its pings done). */
async function settled(sandbox, latencyMs) {
  const quiet = latencyMs + 400;
  let requests = await sandbox.requests();
  for (const until = Date.now() + 15_000; Date.now() < until;) {
    await new Promise((r) => setTimeout(r, quiet));
    const now = await sandbox.requests();
    if (now.length == requests.length) return now;
    requests = now;
  }
  return requests;
}

/** @param {import('@playwright/test').Browser} browser @param {{ trials: number, log: (line: string) => void }} options */
export async function measureContent(browser, { trials, log }) {
  const rows = [];
  for (const latencyMs of LATENCIES) {
    const sandbox = await startSandbox({ latencyMs, catalog: join(repo, 'bench', 'catalog.json') });
    try {
      for (const count of SLOT_COUNTS) {
        for (const variant of VARIANTS) {
          const path = variant.page(count, sandbox.api);
          const first = [],
            returning = [];
          /** Per visit, per kind of request: one number per trial. */
          const seen = { first: newCounts(), returning: newCounts() };
          // Each trial is its own browser context: a new visitor, then the same one again.
          for (let trial = 0; trial < trials; trial++) {
            const context = await browser.newContext();
            const page = await context.newPage();
            for (const visit of /** @type {const} */ (['first', 'returning'])) {
              await sandbox.clearRequests();
              await page.goto(sandbox.site + path);
              const done = await page
                .waitForFunction(() => window.__bench.done, null, { timeout: 60_000, polling: 10 })
                .then((h) => h.jsonValue());
              (visit == 'first' ? first : returning).push(done);
              // What this page view cost the API, once it has settled (its events sent too).
              const requests = await settled(sandbox, latencyMs);
              for (const [kind, test] of Object.entries(KINDS)) seen[visit][kind].push(requests.filter(test).length);
            }
            await context.close();
          }
          const counts = Object.fromEntries(
            Object.entries(seen).map(([visit, kinds]) => [
              visit,
              Object.fromEntries(Object.entries(kinds).map(([kind, values]) => [kind, summary(values).median])),
            ]),
          );
          const row = {
            latencyMs,
            count,
            variant: variant.id,
            label: variant.label,
            first: summary(first),
            returning: summary(returning),
            counts,
          };
          rows.push(row);
          log(
            `content L=${latencyMs} slots=${count} ${variant.id}: first ${row.first.median.toFixed(0)} ms, returning ${row.returning.median.toFixed(0)} ms`,
          );
        }
      }
    } finally {
      await sandbox.close();
    }
  }
  return rows;
}
