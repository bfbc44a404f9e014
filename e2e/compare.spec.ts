// Side by side (/preview/compare): the same shop page as two to four audiences at once, each in a
// same-origin frame with its own preview, and the slots that differ marked in the frames and in
// a table, against the sandbox with the demo catalog, under the shop's strict CSP.
import { fileURLToPath } from 'node:url';
import type { FrameLocator, Page } from '@playwright/test';
import { expect, test, type SandboxFixture } from './fixtures';
import { axe } from './axe';

const PREVIEW_KEY = 'slotwise:v1:demoshop:preview';
const compare = (sandbox: SandboxFixture, ...as: string[]) =>
  `${sandbox.shopUrl}/preview/compare?page=/${as.map((a) => `&as=${a}`).join('')}`;
const frame = (page: Page, i: number): FrameLocator => page.frameLocator('iframe.cmp-frame').nth(i);
const hero = (f: FrameLocator) => f.locator('[data-slotwise-flow="home_hero*"]');
const row = (page: Page, slot: string) => page.locator(`.cmp-table tbody tr[data-slot="${slot}"]`);
/** The table is drawn once every frame's slots are decided (data-ready), or after its wait with what there is. */
const compared = (page: Page) => expect(page.locator('.cmp-table')).toHaveAttribute('data-ready', 'true');

/** Every CSP or Trusted Types violation on the compare page and in its frames. */
const watchViolations = (page: Page) =>
  page.addInitScript(() => {
    const all = ((top as unknown as { __violations?: string[] }).__violations ??= []);
    addEventListener('securitypolicyviolation', (e) => all.push(`${location.pathname} ${e.violatedDirective}`));
  });
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

test('side by side: a new visitor and an abandoned bag, what differs marked, each frame on its own preview', async ({
  page,
  sandbox,
}) => {
  await watchViolations(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  const response = await page.goto(compare(sandbox, 'audience=new', 'audience=abandoned-cart'));
  expect(response!.headers()['content-security-policy']).toMatch(
    /script-src 'nonce-[^']+' 'strict-dynamic'.*frame-ancestors 'self'.*require-trusted-types-for 'script'/,
  );
  const frames = page.locator('iframe.cmp-frame');
  await expect(frames).toHaveCount(2);
  await expect(frames.nth(0)).toHaveAttribute('title', '/ as New visitor');
  await expect(frames.nth(1)).toHaveAttribute('title', '/ as Abandoned a bag');
  await expect(hero(frame(page, 0))).toContainText('New here? Take 10% off');
  await expect(hero(frame(page, 1))).toContainText('You left 2 items in your bag');
  await compared(page);

  // The table: a row per slot, a column per frame, the differing rows badged "differs".
  const table = page.getByRole('table', { name: /slots differ between the frames/ });
  await expect(table.getByRole('columnheader')).toHaveText([
    'Slot',
    'Frame 1: New visitor',
    'Frame 2: Abandoned a bag',
  ]);
  await expect(row(page, 'home_hero*').getByRole('rowheader')).toContainText('differs');
  await expect(row(page, 'home_hero*').getByRole('cell')).toHaveText([
    'New here? Take 10% off',
    'You left 2 items in your bag',
  ]);
  // Free shipping shows to everyone: the same in both frames, not marked.
  const same = row(page, 'home_page.promo_1');
  await expect(same.getByRole('rowheader')).not.toContainText('differs');
  const [a, b] = await same.getByRole('cell').allTextContents();
  expect(a).toBe(b);
  // In the frames, the differing slot is outlined and the same one is not.
  for (const i of [0, 1]) {
    await expect(hero(frame(page, i))).toHaveAttribute('data-slotwise-compare', 'differs');
    await expect(hero(frame(page, i))).toHaveCSS('outline-style', 'solid');
    await expect(frame(page, i).locator('[data-slotwise-placement="home_page.promo_1"]')).not.toHaveAttribute(
      'data-slotwise-compare',
      /./,
    );
  }
  await page.screenshot({ path: fileURLToPath(new URL('../demo/screenshots/compare.png', import.meta.url)) });

  // Each frame asked the APIs with its own preview…
  const asked = (await sandbox.requests({ path: '/v2/callFlows' }))
    .filter((r) => r.method == 'POST')
    .map((r) => r.query.slotwise_preview);
  expect(new Set(asked)).toEqual(new Set(['audience=new', 'audience=abandoned-cart']));
  // …and keeps it though the frames share the tab's sessionStorage, which the compare page gives
  // back to the tab's own preview (here none) once the frames have written theirs: a frame
  // reloaded shows its own audience still.
  const stored = () =>
    frames.nth(0).evaluate((f: HTMLIFrameElement, key) => f.contentWindow!.sessionStorage.getItem(key), PREVIEW_KEY);
  await expect.poll(stored).toBeNull();
  for (const [i, text] of [
    [0, 'New here? Take 10% off'],
    [1, 'You left 2 items in your bag'],
  ] as const) {
    const reloaded = page.waitForEvent('framenavigated', (f) => f.parentFrame() == page.mainFrame());
    await frames.nth(i).evaluate((f: HTMLIFrameElement) => f.contentWindow!.location.reload());
    await reloaded; // the new page, not the old one still on screen
    await expect(hero(frame(page, i))).toHaveAttribute('data-slotwise-state', 'decided');
    await expect(hero(frame(page, i))).toContainText(text);
  }
  expect(await violations(page)).toEqual([]);
});

test('axe: side by side, once compared, has no serious or critical violation, in the page or its frames', async ({
  page,
  sandbox,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(compare(sandbox, 'audience=new', 'audience=abandoned-cart'));
  await compared(page);
  await expect(row(page, 'home_hero*').getByRole('rowheader')).toContainText('differs');
  // Marked in the frames too.
  for (const i of [0, 1]) await expect(hero(frame(page, i))).toHaveAttribute('data-slotwise-compare', 'differs');
  expect(await axe(page, 'side by side (new | abandoned a bag), compared'), 'side by side').toEqual([]);
});

test("a frame's audience picker changes that frame and the URL, combined audiences included", async ({
  page,
  sandbox,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(compare(sandbox, 'audience=new', 'audience=abandoned-cart'));
  await compared(page);
  // The first frame is not reloaded by a change to the second.
  await page
    .locator('iframe.cmp-frame')
    .nth(0)
    .evaluate((f: HTMLIFrameElement) => {
      (f.contentWindow as unknown as { kept: boolean }).kept = true;
    });

  await page.getByText('Audience…').nth(1).click();
  const picker = page.locator('.cmp-card').nth(1).locator('form');
  await picker.getByLabel('Abandoned a bag').uncheck();
  await picker.getByLabel('Signed in').check();
  await picker.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]as=audience=new&as=audience=identified$/);
  await expect(page.locator('iframe.cmp-frame').nth(1)).toHaveAttribute('title', '/ as Signed in');
  await expect(hero(frame(page, 1))).toContainText('Welcome back');
  await compared(page);
  await expect(row(page, 'home_hero*').getByRole('cell').nth(1)).toContainText('Welcome back');
  expect(
    await page
      .locator('iframe.cmp-frame')
      .nth(0)
      .evaluate((f: HTMLIFrameElement) => (f.contentWindow as unknown as { kept?: boolean }).kept),
  ).toBe(true);

  // Two audiences at once: a signed-in shopper with an abandoned bag, written as one short value.
  await page.getByText('Audience…').nth(1).click();
  await picker.getByLabel('Abandoned a bag').check();
  await picker.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]as=audience=abandoned-cart,identified$/);
  await expect(page.locator('.cmp-card').nth(1).getByRole('heading')).toHaveText(
    'Frame 2: Abandoned a bag + Signed in',
  );
  await expect(hero(frame(page, 1))).toContainText('You left 2 items in your bag');

  // The URL is the comparison: opened elsewhere, it shows the same frames.
  const shared = page.url();
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.locator('iframe.cmp-frame')).toHaveCount(2);
  await expect(hero(frame(other, 1))).toContainText('You left 2 items in your bag');
  await other.close();
});

test('four frames fit side by side at 1280×800, without scrolling sideways', async ({ page, sandbox }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(compare(sandbox, 'audience=new', 'audience=returning'));
  const add = page.getByRole('button', { name: 'Add a frame' });
  await add.click();
  await add.click();
  await expect(add).toBeDisabled();
  const frames = page.locator('iframe.cmp-frame');
  await expect(frames).toHaveCount(4);
  await expect(page).toHaveURL(
    /as=audience=new&as=audience=returning&as=audience=has-cart&as=audience=abandoned-cart$/,
  );
  await compared(page);
  await expect(page.getByRole('columnheader')).toHaveCount(5);

  const boxes = await Promise.all([0, 1, 2, 3].map(async (i) => (await frames.nth(i).boundingBox())!));
  for (const [i, box] of boxes.entries()) {
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    expect(box.width).toBeGreaterThan(250);
    expect(box.y).toBe(boxes[0]!.y); // in one row
    if (i) expect(box.x).toBeGreaterThanOrEqual(boxes[i - 1]!.x + boxes[i - 1]!.width);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await expect(hero(frame(page, 2))).toContainText('2 items in your bag'); // has a bag

  // Down to two, never fewer.
  await page.getByRole('button', { name: 'Remove frame 4' }).click();
  await page.getByRole('button', { name: 'Remove frame 1' }).click();
  await expect(frames).toHaveCount(2);
  await expect(page).toHaveURL(/as=audience=returning&as=audience=has-cart$/);
  await expect(page.getByRole('button', { name: 'Remove frame 1' })).toBeDisabled();
  await expect(add).toBeEnabled();
});

test('a link followed in one frame takes every frame to that page, each as its audience', async ({ page, sandbox }) => {
  await page.goto(compare(sandbox, 'audience=new', 'audience=abandoned-cart'));
  await compared(page);
  await frame(page, 0).getByRole('link', { name: 'Trail' }).first().click();
  await expect(page).toHaveURL(/page=\/category\/trail&as=audience=new&as=audience=abandoned-cart$/);
  await expect(page.getByLabel('Page')).toHaveValue('/category/trail');
  for (const i of [0, 1]) {
    await expect(frame(page, i).getByRole('heading', { level: 1 })).toHaveText('Trail');
    await expect(frame(page, i).locator('[data-slotwise-placement="category_page.top"]')).toHaveAttribute(
      'data-slotwise-state',
      /./,
    );
  }
  await compared(page);
  await expect(page.locator('.cmp-table tbody tr')).toHaveCount(1);
});

test('the page to compare is always a page of the shop: never another origin, never side by side itself', async ({
  page,
  sandbox,
}) => {
  for (const [given, shown] of [
    ['/.//evil.example/x', '/evil.example/x'],
    ['/x/..//evil.example', '/evil.example'],
    ['/./preview/compare', '/'],
    ['/%2F/evil.example', '/%2F/evil.example'],
  ] as const) {
    await page.goto(`${sandbox.shopUrl}/preview/compare?page=${encodeURIComponent(given)}&as=audience=new`);
    const frames = page.locator('iframe.cmp-frame');
    await expect(frames.first()).toHaveAttribute('src', /./);
    for (const src of await frames.evaluateAll((all) => all.map((f) => f.getAttribute('src') ?? '')))
      expect(new URL(src, sandbox.shopUrl).origin, `${given} → ${src}`).toBe(new URL(sandbox.shopUrl).origin);
    await expect(page.getByLabel('Page')).toHaveValue(shown);
    expect(new URL(page.url()).searchParams.get('page')).toBe(shown);
  }
});

test("leaving side by side, the tab previews what it previewed before, not the last frame's audience", async ({
  page,
  sandbox,
}) => {
  const bar = page.getByRole('region', { name: 'Slotwise preview' });
  await page.goto(`${sandbox.shopUrl}/?slotwise_preview=audience=identified`);
  await expect(bar).toContainText('preview · audience=identified');
  // The frames share the tab's session storage, where each frame's tag keeps its own preview.
  await page.goto(compare(sandbox, 'audience=identified', 'audience=new'));
  await compared(page);
  await page.goto(`${sandbox.shopUrl}/category/trail`);
  await expect(bar).toContainText('preview · audience=identified');

  // A tab that previewed nothing previews nothing after it.
  await page.goto(`${sandbox.shopUrl}/?slotwise_preview=`);
  await expect(page.locator('#preview-toggle')).toHaveText('Preview');
  await page.goto(compare(sandbox, 'audience=returning', 'audience=new'));
  await compared(page);
  await page.goto(`${sandbox.shopUrl}/category/trail`);
  await expect(page.locator('[data-slotwise-placement="category_page.top"]')).toHaveAttribute(
    'data-slotwise-state',
    /./,
  );
  await expect(page.locator('#preview-toggle')).toHaveText('Preview');
  await expect(bar).toHaveCount(0);
});
