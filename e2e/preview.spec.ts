// The marketer preview as a marketer uses it, one test per task: seeing an audience, forcing a
// creative, reading why a slot shows what it shows, sharing a link, a broken catalog, a phone and
// a keyboard; and axe on the storefront's pages and on the open drawer. Each task counts the
// marketer's clicks (taps, key presses that choose, a select's choice) and prints them with the
// time it took; each state is a screenshot in demo/screenshots/.
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: fileURLToPath(new URL(`../demo/screenshots/${name}.png`, import.meta.url)) });
const SLOTS = '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]';

/** Every slot on the page decided (or collapsed), so what axe and the screenshots see is final. */
const settled = (page: Page) =>
  expect
    .poll(async () =>
      (await page.locator(SLOTS).evaluateAll((els) => els.map((el) => el.getAttribute('data-slotwise-state')))).every(
        (s) => s == 'decided' || s == 'collapsed',
      ),
    )
    .toBe(true);

/** A marketer's task: counts the clicks it takes and prints them with the time, for the task table. */
function task(name: string) {
  const started = Date.now();
  let clicks = 0;
  return {
    async click(target: Locator) {
      clicks++;
      await target.click();
    },
    async tap(target: Locator) {
      clicks++;
      await target.tap();
    },
    async choose(select: Locator, option: Parameters<Locator['selectOption']>[0]) {
      clicks++;
      await select.selectOption(option);
    },
    async check(box: Locator) {
      clicks++;
      await box.check();
    },
    async key(page: Page, key: string) {
      clicks++;
      await page.keyboard.press(key);
    },
    done() {
      console.log(`task "${name}": ${clicks} clicks, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  };
}

/** Serious and critical axe violations on the page as it is now, by rule; the counts are printed. */
async function axe(page: Page, name: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const count = (impact: string) =>
    violations.filter((v) => v.impact == impact).reduce((n, v) => n + v.nodes.length, 0);
  console.log(
    `axe ${name}: critical ${count('critical')}, serious ${count('serious')}, moderate ${count('moderate')}, minor ${count('minor')}` +
      (violations.length ? ` (${violations.map((v) => `${v.id} ×${v.nodes.length}`).join(', ')})` : ''),
  );
  return violations
    .filter((v) => v.impact == 'serious' || v.impact == 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const drawer = (page: Page) => page.getByRole('dialog', { name: 'Preview this page as' });

test('axe: the storefront and the open drawer with a preview on have no serious or critical violation', async ({
  page,
  sandbox,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [name, path] of [
    ['home', '/'],
    ['category', '/category/trail'],
    ['product', '/products/aero-runner'],
  ] as const) {
    await page.goto(`${sandbox.shopUrl}${path}`);
    await settled(page);
    expect(await axe(page, name), name).toEqual([]);
  }
  await page.getByRole('button', { name: 'Add to bag' }).click();
  await page.goto(`${sandbox.shopUrl}/cart`);
  await settled(page);
  expect(await axe(page, 'bag'), 'bag').toEqual([]);
  await page.goto(`${sandbox.shopUrl}/account`);
  expect(await axe(page, 'account'), 'account').toEqual([]);

  await page.goto(`${sandbox.shopUrl}/?slotwise_preview=${encodeURIComponent('{"audience":"abandoned-cart"}')}`);
  await settled(page);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(drawer(page).locator('#timeline')).not.toContainText('Loading');
  expect(await axe(page, 'home, drawer open, preview on'), 'drawer').toEqual([]);
  // The page has its own h1, whatever the hero's campaign brings.
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.locator('h1')).not.toBeEmpty();
});

test('keyboard: focus moves into the drawer, Exit preview is a few Tabs away, Escape closes it and focus returns', async ({
  page,
  sandbox,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${sandbox.shopUrl}/?slotwise_preview=${encodeURIComponent('{"audience":"identified"}')}`);
  await settled(page);
  const t = task('keyboard: open the drawer, reach Exit preview, close');
  const toggle = page.locator('#preview-toggle');
  await toggle.focus();
  await t.key(page, 'Enter');
  await expect(drawer(page)).toBeVisible();
  await expect(page.locator('#preview-title')).toBeFocused();
  let tabs = 0;
  while (
    tabs < 10 &&
    !(await drawer(page)
      .getByRole('button', { name: 'Exit preview' })
      .evaluate((el) => el == document.activeElement))
  ) {
    await t.key(page, 'Tab');
    tabs++;
  }
  console.log(`keyboard: Exit preview is ${tabs} Tabs after the drawer opens`);
  expect(tabs).toBeLessThanOrEqual(3);
  await t.key(page, 'Escape');
  await expect(drawer(page)).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  t.done();

  // Close does the same.
  await toggle.press('Enter');
  await expect(page.locator('#preview-title')).toBeFocused();
  await drawer(page).getByRole('button', { name: 'Close' }).press('Enter');
  await expect(drawer(page)).toBeHidden();
  await expect(toggle).toBeFocused();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('a phone: tapping Preview opens the drawer on screen, usable, and the page never scrolls sideways', async ({
    page,
    sandbox,
  }) => {
    await page.goto(`${sandbox.shopUrl}/`);
    await settled(page);
    const width = () =>
      page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        screen: document.documentElement.clientWidth,
      }));
    expect(await width()).toEqual({ page: 390, screen: 390 });
    const t = task('a phone: open the drawer and choose an audience');
    const toggle = page.locator('#preview-toggle');
    await expect(toggle).toBeInViewport();
    await t.tap(toggle);
    await expect(drawer(page)).toBeVisible();
    const box = (await drawer(page).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    await expect(drawer(page).getByRole('button', { name: 'Close' })).toBeInViewport();
    await expect(page.locator('#timeline')).not.toContainText('Loading');
    await screenshot(page, 'preview-phone');
    await t.tap(drawer(page).getByRole('button', { name: 'Close' }));
    await expect(drawer(page)).toBeHidden();
    t.done();
    expect(await width()).toEqual({ page: 390, screen: 390 });
  });
});
