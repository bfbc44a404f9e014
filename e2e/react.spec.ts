// slotwise/react in a real React 19 + React Router 7 app (e2e/apps/react), against the sandbox:
// rendered in the browser and server-rendered then hydrated, with and without <StrictMode>. Each
// journey counts the decision requests the sandbox receives per slot and per navigation, watches
// every frame for a fallback shown before its slot was decided or decided content lost, and
// fails on any console error (hydration mismatches, React's NotFoundError, CSP violations).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { expect, test, type SandboxFixture } from './fixtures';
import { startApp } from './react-app';

test.use({ catalog: fileURLToPath(new URL('./catalogs/react.json', import.meta.url)) });

declare global {
  interface Window {
    __flashes: { id: string; state: string | null; text: string; path: string }[];
    __lost: { id: string; state: string | null; text: string; path: string }[];
  }
}

test.beforeAll(() => {
  test.setTimeout(120_000);
  // Built once per change of the app or of dist/ (a worker that restarts after a failure reuses it).
  execFileSync(process.execPath, [fileURLToPath(new URL('./apps/react/build.mjs', import.meta.url)), '--if-stale'], {
    stdio: 'inherit',
  });
});

/**
In every frame and after every DOM change: a slot showing its fallback (text FALLBACK) while
visible although it is not shown as undecided ('default', …), and a slot that was decided and
then lost its content (hidden, emptied or back to the fallback) while it stays in the page.
*/
const watchSlots = (page: Page) =>
  page.addInitScript(() => {
    window.__flashes = [];
    window.__lost = [];
    const decided = new WeakSet<Element>();
    const look = () => {
      for (const el of document.querySelectorAll<HTMLElement>(
        '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]',
      )) {
        const state = el.getAttribute('data-slotwise-state');
        const visible = getComputedStyle(el).visibility == 'visible' && el.getClientRects().length > 0;
        const text = el.textContent ?? '';
        const seen = { id: el.id, state, text: text.slice(0, 80), path: location.pathname };
        const fallback = text.includes('FALLBACK');
        if (visible && fallback && !['default', 'collapsed', 'timeout', 'error'].includes(state ?? ''))
          window.__flashes.push(seen);
        if (visible && state == 'decided' && !fallback && el.childElementCount) decided.add(el);
        else if (decided.has(el) && (!visible || fallback || !el.childElementCount)) window.__lost.push(seen);
      }
    };
    const frame = () => {
      look();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true });
  });

/** Console errors and warnings, and uncaught errors, as the page reports them. */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() == 'error' || msg.type() == 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

/** The slot each decision request asked for, as the page sent it: `flow home_hero`, `placement item_page.recs productId=A`. */
function watchDecisionRequests(page: Page): string[] {
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.method() == 'OPTIONS') return;
    const url = new URL(request.url());
    if (url.pathname == '/v2/callFlows')
      asked.push(`flow ${(request.postDataJSON() as { friendlyId: string }).friendlyId}`);
    else if (url.pathname == '/rrserver/api/personalize') {
      const context = ['productId', 'categoryId']
        .filter((key) => url.searchParams.has(key))
        .map((key) => ` ${key}=${url.searchParams.get(key)}`)
        .join('');
      for (const name of url.searchParams.get('placements')?.split('|') ?? [])
        asked.push(`placement ${name}${context}`);
    } else if (url.pathname == '/decisions') {
      const body = request.postDataJSON() as { events: { query: { personalization: unknown } }[] } & Record<
        string,
        unknown
      >;
      for (const match of JSON.stringify(body).matchAll(/"xdm:placementId":"([^"]+)"/g))
        asked.push(`offer ${match[1]}`);
    }
  });
  return asked;
}

/** Decision requests the sandbox received, by route. */
const sandboxCounts = async (sandbox: SandboxFixture) => {
  const counts: Record<string, number> = {};
  for (const r of await sandbox.requests())
    if (r.method != 'OPTIONS' && /^\/(v2\/callFlows|rrserver\/api\/personalize|decisions)$/.test(r.path))
      counts[r.path] = (counts[r.path] ?? 0) + 1;
  return counts;
};

const newClientKey = () => `x${nanoid(10).replace(/-/g, '_')}`;

const HEADER = 'flow header_banner';
const HOME = [
  HEADER,
  'flow home_data',
  'flow home_empty',
  'flow home_hero',
  'offer xcore:offer-placement:deal',
  'placement home_page.p1',
  'placement home_page.p2',
];
const HOME_AT_SANDBOX = { '/v2/callFlows': 4, '/rrserver/api/personalize': 1, '/decisions': 1 };
const product = (id: string) => [HEADER, `placement item_page.recs productId=${id}`];
const PRODUCT_AT_SANDBOX = { '/v2/callFlows': 1, '/rrserver/api/personalize': 1 };

interface Step {
  step: string;
  /** Requests per slot, as the page sent them (each must be 1). */
  perSlot: Record<string, number>;
  /** Decision requests the sandbox received, per API. */
  atSandbox: Record<string, number>;
}

async function journey(page: Page, sandbox: SandboxFixture, { ssr, strict }: { ssr: boolean; strict: boolean }) {
  await watchSlots(page);
  const problems = watchConsole(page);
  const asked = watchDecisionRequests(page);
  const app = await startApp({ ssr, strict, api: sandbox.url, clientKey: newClientKey() });
  const steps: Step[] = [];
  /** Runs `go`, waits until the decisions it causes have been answered and a while longer, and counts them. */
  const step = async (name: string, expected: string[], go: () => Promise<unknown>) => {
    await sandbox.clearRequests();
    asked.length = 0;
    await go();
    await expect.poll(() => asked.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(expected.length);
    await expect
      .poll(async () => (await sandbox.requests()).every((r) => r.status !== null), { timeout: 10_000 })
      .toBe(true);
    await page.waitForTimeout(600); // room for a second request, should any come
    const perSlot: Record<string, number> = {};
    for (const slot of asked) perSlot[slot] = (perSlot[slot] ?? 0) + 1;
    steps.push({ step: name, perSlot, atSandbox: await sandboxCounts(sandbox) });
  };
  /** A recommendation shown in the product page's placement. */
  const rec = (id: string) => page.locator(`#recs img[alt="Rec ${id}"]`);
  const states = () =>
    page.$$eval('[data-slotwise-state]', (els) =>
      Object.fromEntries(els.map((el) => [el.id, el.dataset.slotwiseState])),
    );

  try {
    await step('load /', HOME, async () => {
      const response = await page.goto(`${app.url}/`);
      // Server-rendered: the slots and their fallbacks are in the HTML, hidden by the head's rule.
      const served = await response!.text();
      expect(/<div id="hero" data-slotwise-flow="home_hero"[^>]*><p>FALLBACK /.test(served)).toBe(ssr);
      expect(served).toContain('[data-slotwise-flow]:not([data-slotwise-state])');
    });
    await expect.soft(page.locator('#header')).toHaveText('Header offer');
    await expect.soft(page.locator('#hero')).toHaveText('Personal hero');
    await expect.soft(page.locator('#p1')).toHaveText('Placement 1');
    await expect.soft(page.locator('#p2')).toHaveText('Placement 2');
    await expect.soft(page.getByRole('link', { name: 'Deal of the day' })).toBeVisible();
    await expect.soft(page.locator('#data h2')).toHaveText('Picked for you');
    await expect.soft(page.locator('#empty')).toHaveText('Nothing personal yet');
    expect.soft(await states()).toEqual({
      header: 'decided',
      hero: 'decided',
      p1: 'decided',
      p2: 'decided',
      deal: 'decided',
      data: 'decided',
      empty: 'default',
    });

    // React re-renders around and inside the slots: their content stays, nothing is asked again.
    await sandbox.clearRequests();
    for (let i = 0; i < 3; i++) await page.locator('#count').click();
    await page.locator('#more').click();
    await page.locator('#more').click();
    await expect.soft(page.locator('#header')).toHaveClass(/count-3/);
    await expect.soft(page.locator('#header')).toHaveText('Header offer');
    await expect.soft(page.locator('#hero')).toHaveText('Personal hero');
    await expect.soft(page.locator('#p2')).toHaveText('Placement 2');
    await page.waitForTimeout(300);
    expect.soft(await sandboxCounts(sandbox)).toEqual({});

    await step('→ /product/A', product('A'), () => page.getByRole('link', { name: 'Product A' }).click());
    await expect.soft(page.locator('h1')).toHaveText('Product A');
    await expect.soft(page.locator('#recs')).toHaveAttribute('data-slotwise-state', 'decided');
    await expect.soft(page.locator('#recs')).not.toContainText('FALLBACK');
    await expect.soft(rec('A')).toHaveCount(0);
    await expect.soft(rec('C')).toHaveCount(1);
    await expect.soft(page.locator('#header')).toHaveText('Header offer');
    // The same element (the same Product component) stays for product B.
    await page.locator('#recs').evaluate((el) => ((el as HTMLElement & { kept?: boolean }).kept = true));

    await step('→ /product/B', product('B'), () => page.getByRole('link', { name: 'Product B' }).click());
    await expect.soft(page.locator('h1')).toHaveText('Product B');
    await expect.soft(rec('B')).toHaveCount(0);
    await expect.soft(rec('C')).toHaveCount(1);
    expect.soft(await page.locator('#recs').evaluate((el) => (el as HTMLElement & { kept?: boolean }).kept)).toBe(true);
    await expect.soft(page.locator('#header')).toHaveText('Header offer');
    await page.locator('#count').click();
    await expect.soft(rec('C')).toHaveCount(1);

    // A changed context decides the same slot again, on the same route: the header is not asked.
    await step('context of /product/B', ['placement item_page.recs productId=B categoryId=large'], () =>
      page.locator('#large').click(),
    );
    await expect.soft(page.locator('#recs')).toHaveAttribute('data-slotwise-context', /"categoryId":"large"/);
    await expect.soft(rec('C')).toHaveCount(1);

    await step('back → /product/A', product('A'), () => page.goBack());
    await expect.soft(page.locator('h1')).toHaveText('Product A');
    await expect.soft(rec('A')).toHaveCount(0);
    await expect.soft(rec('C')).toHaveCount(1);

    await step('back → /', HOME, () => page.goBack());
    await expect.soft(page.locator('#hero')).toHaveText('Personal hero');
    await expect.soft(page.locator('#data h2')).toHaveText('Picked for you');
    await expect.soft(page.locator('#header')).toHaveText('Header offer');

    return {
      steps,
      problems,
      flashes: await page.evaluate(() => window.__flashes),
      lost: await page.evaluate(() => window.__lost),
    };
  } finally {
    await app.close();
  }
}

for (const ssr of [false, true])
  for (const strict of [true, false]) {
    const mode = `${ssr ? 'server-rendered and hydrated' : 'rendered in the browser'}, StrictMode ${strict ? 'on' : 'off'}`;
    test(`React app ${mode}: one decision request per slot per route, no flash, no error`, async ({
      page,
      sandbox,
    }, testInfo) => {
      test.setTimeout(90_000);
      const seen = await journey(page, sandbox, { ssr, strict });
      const report = { mode, steps: seen.steps };
      console.log(`Decision requests per navigation (${mode}):\n${JSON.stringify(seen.steps, null, 1)}`);
      writeFileSync(testInfo.outputPath('request-counts.json'), JSON.stringify(report, null, 2));

      expect(seen.problems).toEqual([]);
      expect(seen.flashes).toEqual([]);
      expect(seen.lost).toEqual([]);
      const once = (slots: string[]) => Object.fromEntries(slots.map((slot) => [slot, 1]));
      expect(seen.steps).toEqual([
        { step: 'load /', perSlot: once(HOME), atSandbox: HOME_AT_SANDBOX },
        { step: '→ /product/A', perSlot: once(product('A')), atSandbox: PRODUCT_AT_SANDBOX },
        { step: '→ /product/B', perSlot: once(product('B')), atSandbox: PRODUCT_AT_SANDBOX },
        {
          step: 'context of /product/B',
          perSlot: once(['placement item_page.recs productId=B categoryId=large']),
          atSandbox: { '/rrserver/api/personalize': 1 },
        },
        { step: 'back → /product/A', perSlot: once(product('A')), atSandbox: PRODUCT_AT_SANDBOX },
        { step: 'back → /', perSlot: once(HOME), atSandbox: HOME_AT_SANDBOX },
      ]);
    });
  }

test('the hydration check sees a mismatch: a page that renders differently in the browser fails it', async ({
  page,
  sandbox,
}) => {
  const problems = watchConsole(page);
  const app = await startApp({ ssr: true, strict: true, api: sandbox.url, clientKey: newClientKey(), mismatch: true });
  try {
    await page.goto(`${app.url}/`);
    await expect.poll(() => problems.join('\n')).toMatch(/hydrat/i);
  } finally {
    await app.close();
  }
});
