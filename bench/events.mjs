// 3. Event delivery: the main-thread cost of one call, a burst of 1,000 events (time until the API
// has confirmed them all, and the requests it took), the share of ADD events that arrive when
// the page navigates away at once after the call, and how often an ADD is stored once, twice or
// not at all when the next page of the site has the tag too (the sandbox stores every request),
// also when the API fails the request after the page is gone. Slotwise and Sitecore Engage.
import { engagePage, slotwisePage } from './lib/pages.mjs';
import { startSandbox } from './lib/sandbox.mjs';
import { summary } from './lib/stats.mjs';

const CALLS_PER_SAMPLE = 200;
const BURST = 1000;

/** Calls per library: the page's own way of sending a custom event and an ADD. */
const SEND = {
  slotwise: {
    event: (i) => slotwise('event', 'BENCH', { n: i }),
    add: (marker) => slotwise('add', { item_id: 'SKU-1', price: 10, quantity: 1 }, { marker }),
  },
  engage: {
    event: (i) => window.engage.event('BENCH', { channel: 'WEB', currency: 'EUR', page: 'bench', n: i }),
    add: (marker) =>
      window.engage.event(
        'ADD',
        { channel: 'WEB', currency: 'EUR', page: 'bench', product: { item_id: 'SKU-1', price: 10, quantity: 1 } },
        { marker },
      ),
  },
};

/** @param {import('@playwright/test').Browser} browser @param {{ trials: number, navTrials: number, log: (line: string) => void }} options */
export async function measureEvents(browser, { trials, navTrials, log }) {
  const sandbox = await startSandbox();
  const rows = [];
  try {
    for (const lib of /** @type {const} */ (['slotwise', 'engage'])) {
      const path =
        lib == 'slotwise'
          ? slotwisePage({ kind: 'placements', count: 0, api: sandbox.api })
          : engagePage({ count: 0, api: sandbox.api });
      const ready =
        lib == 'slotwise'
          ? () => window.slotwise('browserId').then((r) => r.browserId)
          : () =>
              new Promise((resolve) => {
                const wait = () => (window.engage ? resolve(window.engage.getBrowserId()) : setTimeout(wait, 5));
                wait();
              });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(sandbox.site + path);
      await page.evaluate(ready);

      // Main-thread cost: the synchronous part of each call, averaged over a sample of calls.
      const costs = [];
      for (let t = 0; t < trials; t++) {
        costs.push(
          await page.evaluate(
            ({ send, calls }) => {
              const call = new Function('i', `return (${send})(i)`);
              const started = performance.now();
              for (let i = 0; i < calls; i++) call(i);
              return ((performance.now() - started) / calls) * 1000;
            },
            { send: SEND[lib].event.toString(), calls: CALLS_PER_SAMPLE },
          ),
        );
        await page.waitForTimeout(300);
      }
      await context.close();

      // A burst, in a browser of its own (no events of the samples above still queued): from the
      // first call until the API holds every event of it.
      const burstContext = await browser.newContext();
      const burstPage = await burstContext.newPage();
      await burstPage.goto(sandbox.site + path);
      const burstBrowserId = await burstPage.evaluate(ready);
      await burstPage.waitForTimeout(500);
      await sandbox.clearRequests();
      const started = Date.now();
      await burstPage.evaluate(
        ({ lib, count }) => {
          for (let i = 0; i < count; i++)
            lib == 'slotwise'
              ? window.slotwise('event', 'BURST', { n: i })
              : window.engage.event('BURST', { channel: 'WEB', currency: 'EUR', page: 'bench', n: i });
        },
        { lib, count: BURST },
      );
      let stored = 0;
      while (Date.now() - started < 120_000) {
        stored = (await sandbox.guest(burstBrowserId))?.events.filter((e) => e.type == 'BURST').length ?? 0;
        if (stored >= BURST) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const drainMs = Date.now() - started;
      const requests = (await sandbox.requests()).filter((r) => r.path.startsWith('/v1.2/event'));
      await burstContext.close();

      // Navigate away at once after ADD: a returning visitor, the next page without any tag. Each
      // trial waits on that page until its ADD has arrived or 3 s have passed: only what left with
      // the page counts, never an ADD that a later trial's page load sent for it.
      let delivered = 0;
      const navContext = await browser.newContext();
      const navPage = await navContext.newPage();
      await navPage.goto(sandbox.site + path);
      const navBrowserId = await navPage.evaluate(ready);
      const arrived = async (marker) =>
        ((await sandbox.guest(navBrowserId))?.events ?? []).some(
          (e) => e.type == 'ADD' && e.message.ext?.marker == marker,
        );
      for (let t = 0; t < navTrials; t++) {
        await navPage.goto(sandbox.site + path);
        await navPage.evaluate(ready);
        const marker = `nav-${t}`;
        await navPage.evaluate(
          ({ add, marker }) => {
            new Function('marker', `return (${add})(marker)`)(marker);
            location.href = '/bench/pages/blank.html';
          },
          { add: SEND[lib].add.toString(), marker },
        );
        await navPage.waitForURL(/blank\.html$/);
        for (const until = Date.now() + 3000; Date.now() < until && !(await arrived(marker));)
          await new Promise((r) => setTimeout(r, 50));
        if (await arrived(marker)) delivered++;
      }

      // The same, to the next page of the site (with the tag on it), against an API that stores
      // every request: each ADD should be stored once, whatever the next page sends. And the
      // residual window: the API fails the ADD's request 0.4 s later, after its page is gone.
      const copies = async (marker) =>
        ((await sandbox.guest(navBrowserId))?.events ?? []).filter(
          (e) => e.type == 'ADD' && e.message.ext?.marker == marker,
        ).length;
      const toSite = {};
      for (const fault of [undefined, { path: '/v1.2/event', delayMs: 400, status: 503, count: 1 }]) {
        const tally = { trials: navTrials, once: 0, twice: 0, lost: 0 };
        for (let t = 0; t < navTrials; t++) {
          await navPage.goto(sandbox.site + path);
          await navPage.evaluate(ready);
          if (fault) await sandbox.fault(fault);
          const marker = `site-${fault ? 'failing' : 'ok'}-${t}`;
          const next = `${sandbox.site}${path}${path.includes('?') ? '&' : '?'}after=${marker}`;
          await navPage
            .evaluate(
              ({ add, marker, next }) => {
                new Function('marker', `return (${add})(marker)`)(marker);
                location.href = next;
              },
              { add: SEND[lib].add.toString(), marker, next },
            )
            .catch(() => {}); // the navigation may end the call
          await navPage.waitForURL(next);
          await navPage.evaluate(ready);
          await new Promise((r) => setTimeout(r, 1500)); // the next page's queue and late requests settle
          const n = await copies(marker);
          if (n == 1) tally.once++;
          else if (n > 1) tally.twice++;
          else tally.lost++;
          await sandbox.clearFaults();
        }
        toSite[fault ? 'apiFailsAfterLeaving' : 'ok'] = tally;
      }
      await navContext.close();

      const row = {
        lib,
        callCostUs: summary(costs),
        burst: {
          events: BURST,
          stored,
          drainMs,
          requests: requests.filter((r) => r.method != 'OPTIONS').length,
          preflights: requests.filter((r) => r.method == 'OPTIONS').length,
        },
        navigateAway: { trials: navTrials, delivered },
        navigateWithinSite: toSite,
      };
      rows.push(row);
      const site = (t) => `${t.once} once, ${t.twice} twice, ${t.lost} lost`;
      log(
        `events ${lib}: ${row.callCostUs.median.toFixed(0)} µs/call; burst ${stored}/${BURST} in ${drainMs} ms, ${row.burst.requests} requests; navigate-away ${delivered}/${navTrials}; within the site ${site(toSite.ok)}, the API failing after the page left ${site(toSite.apiFailsAfterLeaving)}`,
      );
    }
  } finally {
    await sandbox.close();
  }
  return rows;
}
