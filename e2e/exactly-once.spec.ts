// Exactly once, against a sandbox that stores every request it gets (as Sitecore's event API
// does, with no dedupe by eventId): for each fault, every ADD a page makes must be stored once,
// none twice, none lost. Each test adds a row to the table written to
// e2e/.tmp/delivery-matrix.md (sent = requests that reached the API for these ADDs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { expect, test, type SandboxFixture } from './fixtures';
import { initScript, writePage } from './pages';
import type { SlotwiseInPage } from './in-page';
import { chromiumPath, CHROMIUM_FLAGS } from './chromium.mjs';

declare global {
  interface Window {
    slotwise: SlotwiseInPage;
  }
}

interface Row {
  fault: string;
  made: number;
  sent: number;
  stored: number;
  duplicated: number;
  lost: number;
}
const rows: Row[] = [];

test.describe.configure({ mode: 'serial' });
// Playwright turns the back/forward cache off by default; sites' visitors have it.
test.use({
  launchOptions: {
    executablePath: chromiumPath(),
    args: CHROMIUM_FLAGS,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  },
});
test.afterAll(() => {
  const dir = fileURLToPath(new URL('./.tmp/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const table = [
    '| fault | ADDs made | requests sent | stored | duplicated | lost |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.fault} | ${r.made} | ${r.sent} | ${r.stored} | ${r.duplicated} | ${r.lost} |`),
  ].join('\n');
  writeFileSync(`${dir}delivery-matrix.md`, table + '\n');
});

/** A page of the site with the tag (its own client key, so nothing leaks between tests). */
function site(sandbox: SandboxFixture) {
  const clientKey = `x${nanoid(10).replace(/-/g, '_')}`;
  const options = { clientKey, target: sandbox.url, pointOfSale: 'e2e/uk', currency: 'EUR', browserId: 'local' };
  // Cacheable, as most sites' pages are, so the back/forward cache may keep them.
  const headers = { 'Cache-Control': 'no-cache' };
  const other = writePage({ headers, body: initScript(options) + '<p>another page of the site</p>' });
  const url =
    sandbox.siteUrl + writePage({ headers, body: initScript(options) + `<a id="next" href="${other}">next</a>` });
  return { url, next: sandbox.siteUrl + other };
}

const browserIdOf = async (page: Page) =>
  ((await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string }).browserId;
/** Makes ADDs for these item ids, without waiting for them. */
const add = (page: Page, ids: string[]) =>
  page.evaluate((ids) => ids.forEach((id) => void window.slotwise('add', { item_id: id, price: 1 })), ids);
const items = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const queueLength = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes(':q:')).length);

/** Waits until every page's queue is empty and the API has stored what it will, then counts. */
async function tally(
  sandbox: SandboxFixture,
  fault: string,
  browserId: string,
  made: string[],
  pages: Page[],
  settleMs = 1500,
): Promise<Row> {
  for (const page of pages) await expect.poll(() => queueLength(page), { timeout: 20_000 }).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, settleMs)); // requests still on their way land
  const events = ((await sandbox.guest(browserId))?.events ?? []).filter((e) => e.type == 'ADD');
  const ids = events.map((e) => (e.message as { product: { item_id: string } }).product.item_id);
  const requests = await sandbox.requests({ path: '/v1.2/events', method: 'POST' });
  const sent = requests.filter((r) => r.bodyBytes && r.status !== null).length;
  const row = {
    fault,
    made: made.length,
    sent: Math.max(sent, events.length),
    stored: events.length,
    duplicated: ids.length - new Set(ids).size,
    lost: made.filter((id) => !ids.includes(id)).length,
  };
  rows.push(row);
  return row;
}

const exactlyOnce = (row: Row) =>
  expect({ duplicated: row.duplicated, lost: row.lost, stored: row.stored }).toEqual({
    duplicated: 0,
    lost: 0,
    stored: row.made,
  });

test('no fault', async ({ page, sandbox }) => {
  const { url } = site(sandbox);
  await page.goto(url);
  const made = items('A', 5);
  await add(page, made);
  exactlyOnce(await tally(sandbox, 'none', await browserIdOf(page), made, [page]));
});

for (const [name, spec] of [
  ['503 burst (3 answers)', { status: 503, count: 3 }],
  ['500 twice', { status: 500, count: 2 }],
  ['429 with Retry-After: 1', { status: 429, retryAfter: '1', count: 1 }],
  ['200 with an HTML page (a proxy), twice', { status: 200, body: '<!doctype html><title>Shop</title>', count: 2 }],
  ['204 No Content', { status: 204, body: '', count: 1 }],
  ['malformed JSON', { body: 'malformed', count: 1 }],
  ['connection reset', { reset: true, count: 2 }],
  ['504 after the API stored the event', { status: 504, stored: true, count: 1 }],
] as const) {
  test(name, async ({ page, sandbox }) => {
    const { url } = site(sandbox);
    await page.goto(url);
    const browserId = await browserIdOf(page);
    await sandbox.fault({ path: '/v1.2/events', ...spec });
    const made = items('F', 4);
    await add(page, made);
    exactlyOnce(await tally(sandbox, name, browserId, made, [page]));
  });
}

test('a timeout, the API storing the event late', async ({ page, sandbox }) => {
  test.setTimeout(60_000);
  const { url } = site(sandbox);
  await page.goto(url);
  const browserId = await browserIdOf(page);
  await sandbox.fault({ path: '/v1.2/events', delayMs: 11_000, count: 1 }); // past the 10 s request limit
  const made = items('T', 3);
  await add(page, made);
  exactlyOnce(await tally(sandbox, 'timeout (stored after 11 s)', browserId, made, [page], 3000));
});

test('offline, then back online', async ({ page, context, sandbox }) => {
  const { url } = site(sandbox);
  await page.goto(url);
  const browserId = await browserIdOf(page);
  await context.setOffline(true);
  const made = items('O', 3);
  await add(page, made);
  await page.waitForTimeout(1000);
  await context.setOffline(false);
  exactlyOnce(await tally(sandbox, 'offline for 1 s', browserId, made, [page]));
});

test('a reload while a request is in flight', async ({ page, sandbox }) => {
  const { url } = site(sandbox);
  await page.goto(url);
  const browserId = await browserIdOf(page);
  await sandbox.fault({ path: '/v1.2/events', delayMs: 1500, count: 1 });
  const made = items('R', 2);
  await add(page, made);
  await expect
    .poll(async () => (await sandbox.requests({ path: '/v1.2/events', method: 'POST' })).length)
    .toBeGreaterThan(0);
  await page.reload();
  exactlyOnce(await tally(sandbox, 'reload mid-flight (1.5 s answer)', browserId, made, [page], 2500));
});

test('navigation right after the calls, ten times', async ({ page, sandbox }) => {
  const { url, next } = site(sandbox);
  await page.goto(url);
  const browserId = await browserIdOf(page);
  const made: string[] = [];
  for (let round = 1; round <= 10; round++) {
    const ids = [`N${round}a`, `N${round}b`];
    made.push(...ids);
    await page.evaluate(
      ([ids, next]) => {
        ids!.forEach((id) => void window.slotwise('add', { item_id: id, price: 1 }));
        location.href = next as string;
      },
      [ids, round % 2 ? next : url] as const,
    );
    await page.waitForURL(round % 2 ? next : url);
  }
  exactlyOnce(await tally(sandbox, 'navigation right after 2 ADDs (×10)', browserId, made, [page]));
});

test('navigation right after the calls, the API slow', async ({ page, sandbox }) => {
  const { url, next } = site(sandbox);
  await page.goto(url);
  const browserId = await browserIdOf(page);
  await sandbox.fault({ path: '/v1.2/events', delayMs: 800, count: -1 });
  const made = items('S', 3);
  await add(page, made);
  await page.evaluate((next) => (location.href = next), next);
  await page.waitForURL(next);
  await sandbox.clearFaults();
  exactlyOnce(await tally(sandbox, 'navigation with 3 ADDs in flight (0.8 s answers)', browserId, made, [page], 2500));
});

test('two tabs, with 503s', async ({ context, sandbox }) => {
  const { url } = site(sandbox);
  const [tabA, tabB] = [await context.newPage(), await context.newPage()];
  await tabA.goto(url);
  await tabB.goto(url);
  const browserId = await browserIdOf(tabA);
  await sandbox.fault({ path: '/v1.2/events', status: 503, count: 4 });
  const [a, b] = [items('TA', 8), items('TB', 8)];
  await Promise.all([add(tabA, a), add(tabB, b)]);
  exactlyOnce(await tally(sandbox, 'two tabs, 4 × 503', browserId, [...a, ...b], [tabA, tabB]));
});

test('two tabs, one hidden and left while the other sends', async ({ context, sandbox }) => {
  const { url, next } = site(sandbox);
  const [tabA, tabB] = [await context.newPage(), await context.newPage()];
  await tabA.goto(url);
  await tabB.goto(url);
  const browserId = await browserIdOf(tabA);
  await sandbox.fault({ path: '/v1.2/events', delayMs: 300, count: -1 });
  const [a, b] = [items('HA', 6), items('HB', 6)];
  await Promise.all([add(tabA, a), add(tabB, b)]);
  await tabA.evaluate((next) => (location.href = next), next);
  await tabA.waitForURL(next);
  await sandbox.clearFaults();
  exactlyOnce(
    await tally(sandbox, 'two tabs, one navigates away mid-queue', browserId, [...a, ...b], [tabA, tabB], 2500),
  );
});

test.describe('back/forward cache', () => {
  for (const slow of [false, true]) {
    test(`back/forward cache${slow ? ', requests in flight' : ''}`, async ({ page, sandbox }) => {
      const { url, next } = site(sandbox);
      await page.goto(url);
      const browserId = await browserIdOf(page);
      if (slow) await sandbox.fault({ path: '/v1.2/events', delayMs: 600, count: 2 });
      await page.evaluate(() =>
        addEventListener('pageshow', (e) => ((window as unknown as { restored: boolean }).restored = e.persisted)),
      );
      const made = items(slow ? 'BS' : 'B', 3);
      await add(page, made);
      await page.evaluate((next) => (location.href = next), next);
      await page.waitForURL(next);
      await page.goBack({ waitUntil: 'commit' }); // a page restored from the cache fires no load event
      await expect.poll(() => page.url()).toBe(url);
      await expect.poll(() => page.evaluate(() => typeof window.slotwise)).toBe('function');
      const restored = await page.evaluate(() => (window as unknown as { restored?: boolean }).restored ?? false);
      // The page comes back with the events it sent when it was left: none goes twice.
      await add(page, [`${made[0]}-after`]);
      const row = await tally(
        sandbox,
        `back/forward cache${slow ? ', 2 slow answers' : ''} (the page was ${restored ? 'restored from it' : 'loaded anew'})`,
        browserId,
        [...made, `${made[0]}-after`],
        [page],
        2500,
      );
      exactlyOnce(row);
      expect(restored).toBe(true);
    });
  }
});

// The trade-offs the README names: measured, not zero by design.
test.describe('residual windows', () => {
  test('the API fails a request after its page is gone: the event is lost, never doubled', async ({
    page,
    sandbox,
  }) => {
    const { url, next } = site(sandbox);
    await page.goto(url);
    const browserId = await browserIdOf(page);
    await sandbox.fault({ path: '/v1.2/events', delayMs: 1500, status: 503, count: 1 });
    const made = items('L', 1);
    await add(page, made);
    await expect.poll(async () => (await sandbox.requests({ path: '/v1.2/events', method: 'POST' })).length).toBe(1);
    await page.goto('about:blank'); // left for another site: nothing of ours runs again
    await page.waitForTimeout(2000);
    await page.goto(next); // the visitor comes back
    const row = await tally(sandbox, 'residual: 503 after the page was left for another site', browserId, made, [page]);
    expect(row.duplicated).toBe(0);
  });

  test('an IDENTITY that timed out is sent again (a repeat changes nothing)', async ({ page, sandbox }) => {
    test.setTimeout(60_000);
    const { url } = site(sandbox);
    await page.goto(url);
    const browserId = await browserIdOf(page);
    await sandbox.fault({ path: '/v1.2/events', delayMs: 11_000, count: 1 });
    await page.evaluate(() => window.slotwise('identity', { email: 'jane@example.com' }));
    await expect.poll(() => queueLength(page), { timeout: 30_000 }).toBe(0);
    await page.waitForTimeout(2000);
    const identities = ((await sandbox.guest(browserId))?.events ?? []).filter((e) => e.type == 'IDENTITY');
    rows.push({
      fault: 'residual: IDENTITY timed out (stored after 11 s)',
      made: 1,
      sent: 2,
      stored: identities.length,
      duplicated: identities.length - 1,
      lost: 0,
    });
    expect(identities.length).toBeGreaterThanOrEqual(1);
  });
});
