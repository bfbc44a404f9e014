// 4. Layout and memory: the layout shift a page with declared slot sizes sees while its slots are
// filled (Slotwise and Engage, same markup and CSS), and the heap growth over 200 SPA route
// changes with `slotwise('page')`.
import { engagePage, slotwisePage } from './lib/pages.mjs';
import { startSandbox, repo } from './lib/sandbox.mjs';
import { join } from 'node:path';
import { summary } from './lib/stats.mjs';

const CLS_SLOTS = 10;
const NAVIGATIONS = 200;

/** Sums every layout shift of the page (no input-driven ones happen here). */
const clsObserver = `<script>window.__cls=0;new PerformanceObserver((l)=>{for(const e of l.getEntries())if(!e.hadRecentInput)__cls+=e.value}).observe({type:'layout-shift',buffered:true});</script>`;

/** @param {import('@playwright/test').Browser} browser @param {{ trials: number, log: (line: string) => void }} options */
export async function measureLayout(browser, { trials, log }) {
  const sandbox = await startSandbox({ latencyMs: 50, catalog: join(repo, 'bench', 'catalog.json') });
  try {
    const cls = {};
    for (const lib of ['slotwise', 'engage']) {
      const path =
        lib == 'slotwise'
          ? slotwisePage({ kind: 'flows', count: CLS_SLOTS, api: sandbox.api, extra: clsObserver })
          : engagePage({ count: CLS_SLOTS, api: sandbox.api, extra: clsObserver });
      const values = [];
      for (let t = 0; t < trials; t++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(sandbox.site + path);
        await page.waitForFunction(() => window.__bench.done, null, { timeout: 30_000 });
        await page.waitForTimeout(300);
        values.push(await page.evaluate(() => window.__cls));
        await context.close();
      }
      cls[lib] = summary(values);
      log(`layout ${lib}: CLS ${cls[lib].median.toFixed(3)}`);
    }

    // Heap: after a first page and a garbage collection, then after 200 route changes and another.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(sandbox.site + slotwisePage({ kind: 'placements', count: 10, api: sandbox.api }));
    await page.waitForFunction(() => window.__bench.done, null, { timeout: 30_000 });
    const cdp = await context.newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const before = await heap();
    await page.evaluate(async (count) => {
      for (let i = 0; i < count; i++) {
        history.pushState(null, '', `?route=${i}`);
        await window.slotwise('page');
      }
    }, NAVIGATIONS);
    // Each route's impressions are events: wait until the queue has sent them all, so what is left
    // is what the tag keeps, not the backlog.
    const drained = await page
      .waitForFunction(() => !Object.keys(localStorage).some((k) => k.includes(':q:')), null, {
        timeout: 180_000,
        polling: 250,
      })
      .then(
        () => true,
        () => false,
      );
    const after = await heap();
    const decided = await page.$$eval('[data-slotwise-state=decided]', (els) => els.length);
    await context.close();
    const memory = {
      navigations: NAVIGATIONS,
      beforeBytes: before,
      afterBytes: after,
      growthBytes: after - before,
      decidedAtEnd: decided,
      drained,
    };
    log(
      `layout heap: ${(before / 1024).toFixed(0)} KB → ${(after / 1024).toFixed(0)} KB over ${NAVIGATIONS} route changes`,
    );
    return { clsSlots: CLS_SLOTS, cls, memory };
  } finally {
    await sandbox.close();
  }
}
