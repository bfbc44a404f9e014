// kill -9 under load: four tabs of one site make ADDs without pause while the API's process is
// killed (SIGKILL, twice) and started again on the same port and data. Whatever the tag
// acknowledged must be stored, nothing twice, and every event made must be accounted for.
// Writes the table to e2e/.tmp/chaos.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { initScript, writePage } from './pages';
import type { SlotwiseInPage } from './in-page';
import { chaosTable, runChaos } from './chaos.mjs';

declare global {
  interface Window {
    slotwise: SlotwiseInPage;
    chaos: unknown;
  }
}

const sections: string[] = [];
test.describe.configure({ mode: 'serial' });
test.afterAll(() => {
  const dir = fileURLToPath(new URL('./.tmp/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}chaos.md`, sections.join('\n'));
});

test('kill -9 the API twice under load from four tabs: nothing acknowledged is lost, nothing is stored twice', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const report = await runChaos(browser, {
    tabs: 4,
    everyMs: 50,
    loadMs: 12_000,
    kills: [
      { atMs: 3000, downMs: 500 },
      { atMs: 7000, downMs: 1500 },
    ],
  });
  sections.push(chaosTable(report));
  mkdirSync(fileURLToPath(new URL('./.tmp/', import.meta.url)), { recursive: true });
  writeFileSync(fileURLToPath(new URL('./.tmp/chaos.json', import.meta.url)), JSON.stringify(report, null, 1));

  // The run was what it claims: both kills happened while events were being stored.
  expect(report.kills).toHaveLength(2);
  expect(report.kills[1]!.logBytes).toBeGreaterThan(report.kills[0]!.logBytes);
  expect(report.acknowledged).toBeGreaterThan(report.made / 2);
  // The restarted sandbox replays every event its log holds, and has nothing to say about it.
  expect(report.stored).toBe(report.logEvents);
  expect(report.warnings).toEqual([]);

  expect(report.lost).toEqual([]);
  // The one copy a kill may add: the request the process stored and died before answering (the
  // residual window of the next test). One event at most per kill, and only that one; anything
  // else stored twice is the tag sending an event again that it must not.
  expect(
    report.duplicated.filter((d) => !d.atKill),
    'stored twice, and not by a kill',
  ).toEqual([]);
  expect(report.duplicated.length).toBeLessThanOrEqual(report.kills.length);
  // Every event made is accounted for: each call resolved, the queues are empty, and the sandbox
  // holds nothing the tabs did not make.
  expect(report.unsettled).toEqual([]);
  expect(report.neither['still queued'] ?? 0).toBe(0);
  expect(report.strays).toEqual([]);
  const rows =
    report.once +
    report.lost.length +
    report.duplicated.length +
    report.storedUnacknowledged.length +
    Object.values(report.neither).reduce((a, b) => a + b, 0);
  expect(rows).toBe(report.made);
});

// No kill needed: two tabs must never send the same event. Chromium carries a tab's localStorage
// writes to the others a moment later, even under the queue's Web Lock (a counter incremented
// under it from two tabs loses about one increment in ten), so a tab taking the lock could still
// see an event the last one had just delivered, and send it again: seen in 3 of 6 runs on a loaded
// 2-core machine before each tab sent only its own events. Probabilistic and slow, so on demand
// (the test above would see it too):
//   SLOTWISE_CHAOS_RACE=1 npx playwright test -c e2e e2e/chaos.spec.ts -g "two tabs"
test('two tabs never send the same event (no kill, six runs)', async ({ browser }) => {
  test.skip(!process.env.SLOTWISE_CHAOS_RACE, 'probabilistic; set SLOTWISE_CHAOS_RACE=1');
  test.setTimeout(180_000);
  let duplicated: Awaited<ReturnType<typeof runChaos>>['duplicated'] = [];
  for (let run = 0; run < 6 && !duplicated.length; run++)
    ({ duplicated } = await runChaos(browser, { tabs: 4, everyMs: 50, loadMs: 12_000, kills: [] }));
  expect(duplicated).toEqual([]);
});

// What a kill does to the request it catches after the event was stored, made deterministic: the
// connection closes with no answer. Chromium itself sends a request again when a reused
// connection closes before any answer (it cannot know the server read it), so the event is stored
// twice before the tag sees anything; on a fresh connection fetch fails as for a refused one, and
// the tag retries it. No browser code can tell this apart from a request that never arrived: the
// residual window the README names, closed only by an API that dedupes by `ext.eventId`.
test('residual: the connection cut after the API stored the event is stored twice, and nothing is lost', async ({
  page,
  sandbox,
}) => {
  const clientKey = `c${Date.now().toString(36)}`;
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body: initScript({
          clientKey,
          target: sandbox.url,
          pointOfSale: 'e2e/uk',
          currency: 'EUR',
          browserId: 'local',
        }),
      }),
  );
  const { browserId } = (await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string };
  expect(await page.evaluate(() => window.slotwise('add', { item_id: 'before', price: 1 }))).toMatchObject({
    ok: true,
  });
  await sandbox.fault({ path: '/v1.2/events', stored: true, reset: true, count: 1 });
  const result = await page.evaluate(() => window.slotwise('add', { item_id: 'cut', price: 1 }));
  await page.evaluate(() => window.slotwise('flush'));
  const stored = ((await sandbox.guest(browserId))?.events ?? []).map(
    (e) => (e.message as { product: { item_id: string } }).product.item_id,
  );
  const copies = stored.filter((id) => id == 'cut').length;
  sections.push(
    `Residual window: a connection cut after the API stored the ADD (what a kill can do): stored ${copies} times, the tag answered ${JSON.stringify(result.ok ? { ok: true } : { ok: false, reason: result.reason })}.\n`,
  );
  expect(result).toMatchObject({ ok: true });
  expect(stored.filter((id) => id == 'before')).toHaveLength(1);
  expect(copies).toBe(2);
});
