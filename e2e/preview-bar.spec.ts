// The preview bar in Chromium, on the demo storefront (the demo catalog) at 1280×800 and on a
// phone: one line until asked for more, labels only when asked for and never over a slot or the
// bar, room kept at the page's end, and the page never wider than the phone.
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { expect, test } from './fixtures';
import { initScript, snippet, writePage } from './pages';
import { axe } from './axe';

const SLOTS = '[data-slotwise-state]';
/** Options for a test page of our own, against the sandbox with the demo catalog. */
const optionsFor = (target: string) => ({
  clientKey: `p${nanoid(10).replace(/-/g, '_')}`,
  target,
  pointOfSale: 'e2e/uk',
  currency: 'EUR',
  browserId: 'local',
  placements: { target, apiKey: 'key', apiClientKey: 'client' },
  revealAfterMs: 5000,
});
const bar = (page: Page) => page.getByRole('region', { name: 'Slotwise preview' });
const box = async (locator: Locator) => (await locator.boundingBox())!;
type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The shop's home page with the bar, every slot decided or shown with its default. */
async function home(page: Page, shopUrl: string, query = 'slotwise_debug=1') {
  await page.goto(`${shopUrl}/?${query}`);
  await expect(page.locator('[data-slotwise-offer]')).toHaveAttribute('data-slotwise-state', /./);
  await expect(page.locator('[data-slotwise-flow="home_hero*"]')).toHaveAttribute('data-slotwise-state', /./);
  await expect(bar(page)).toContainText(/4 slots: \d/);
}

/** A screenshot for the README, once the images on screen have loaded. */
async function screenshot(page: Page, name: string) {
  await expect
    .poll(() =>
      page.evaluate(() =>
        [...document.images]
          .filter((img) => img.getBoundingClientRect().top < innerHeight)
          .every((img) => img.complete && img.naturalWidth > 0),
      ),
    )
    .toBe(true);
  await page.screenshot({ path: fileURLToPath(new URL(`../demo/screenshots/${name}.png`, import.meta.url)) });
}

/** The bar's height as the page is told it (`--slotwise-bar-height`), in px. */
const published = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--slotwise-bar-height'));

test.describe('at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the bar is one line until expanded from the keyboard, remembers that for the tab, and scrolls to a slot', async ({
    page,
    sandbox,
  }) => {
    await home(page, sandbox.shopUrl);
    const region = bar(page);
    await expect(region).toContainText(/^Slotwise debug · 4 slots: \d+ decided/);
    const line = await box(region);
    expect(line.height).toBeLessThanOrEqual(40); // was 27–29 % of the screen
    expect(line.y + line.height).toBe(800);
    await expect.poll(() => published(page)).toBe(`${Math.ceil(line.height)}px`);
    const slots = region.getByRole('button', { name: 'Slots' });
    await expect(slots).toHaveAttribute('aria-expanded', 'false');
    await expect(region.getByRole('table')).toBeHidden();

    await slots.focus();
    await page.keyboard.press('Enter');
    await expect(slots).toHaveAttribute('aria-expanded', 'true');
    await expect(region.getByRole('table')).toBeVisible();
    const open = await box(region);
    expect(open.height).toBeGreaterThan(line.height);
    expect(open.height).toBeLessThanOrEqual(800 * 0.4 + 40); // the list scrolls within 40 % of the screen
    await expect.poll(() => published(page)).toBe(`${Math.ceil(open.height)}px`);

    // Rows are reached with Tab after the bar's own buttons; Enter brings the slot into view.
    await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await page.keyboard.press('Tab'); // Labels
    await page.keyboard.press('Tab'); // the first slot's row
    const row = page.locator(':focus');
    await expect(row).toHaveText('home_hero*');
    await page.keyboard.press('Enter');
    const hero = await box(page.locator('[data-slotwise-flow="home_hero*"]'));
    expect(hero.y).toBeGreaterThanOrEqual(0);
    expect(hero.y + hero.height).toBeLessThanOrEqual(800 - open.height); // in view, above the bar
    await expect(page.locator('.slotwise-ring')).toBeVisible();
    // The vendor's answer, one click away.
    await region.getByRole('button', { name: 'Details: home_page.promo_1' }).click();
    const answer = region.locator('dl').filter({ hasText: 'home_page.promo_1' });
    await expect(answer).toBeVisible();
    await expect(answer).toContainText(/sourceplacement.*time\d+ ms/);

    await page.reload();
    await expect(slots).toHaveAttribute('aria-expanded', 'true');
    await slots.focus();
    await page.keyboard.press('Space');
    await expect(region.getByRole('table')).toBeHidden();
    // Escape from within the list closes it, and focus returns to its button.
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus')).toHaveText('home_hero*');
    await page.keyboard.press('Escape');
    await expect(slots).toBeFocused();
    await expect(slots).toHaveAttribute('aria-expanded', 'false');
    await expect.poll(async () => (await box(region)).height).toBeLessThanOrEqual(40);
  });

  test('labels are off until asked for, then one line each, outside every slot and clear of the bar', async ({
    page,
    sandbox,
  }) => {
    await home(page, sandbox.shopUrl);
    const labels = page.locator('.slotwise-label');
    await expect(labels).toHaveCount(0);
    const hero = page.locator('[data-slotwise-flow="home_hero*"]');
    expect(await hero.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');

    const toggle = bar(page).getByRole('button', { name: 'Labels' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(labels.first()).toBeVisible();
    await expect(labels.filter({ hasText: 'home_hero* · ' })).toBeVisible();

    const clear = async () => {
      const slots = await Promise.all((await page.locator(SLOTS).all()).map(box));
      // Nor on the page's own controls (the header's links, the drawer's Preview button) or text (its h1).
      const controls = (
        await Promise.all(
          (await page.locator('header a, header button, main a, main button, main h1, main h2, main p').all()).map(
            (c) => c.boundingBox(),
          ),
        )
      ).filter((c): c is Box => !!c);
      const theBar = await box(bar(page));
      const placed = await Promise.all((await labels.all()).map(box));
      expect(placed.length).toBeGreaterThanOrEqual(3);
      for (const label of placed) {
        expect(label.height).toBeLessThanOrEqual(20); // one line
        for (const slot of slots) expect(overlaps(label, slot), JSON.stringify({ label, slot })).toBe(false);
        for (const control of controls)
          expect(overlaps(label, control), JSON.stringify({ label, control })).toBe(false);
        expect(overlaps(label, theBar)).toBe(false);
      }
    };
    await clear();
    // Scrolled so slots pass under the bar: labels there are left out, never drawn over it.
    await page.evaluate(() => scrollTo(0, 420));
    await page.waitForFunction(() => new Promise((resolve) => requestAnimationFrame(() => resolve(true))));
    await expect
      .poll(async () => {
        const theBar = await box(bar(page));
        const placed = await Promise.all((await labels.all()).map(box));
        return placed.filter((label) => overlaps(label, theBar)).length;
      })
      .toBe(0);

    await toggle.click();
    await expect(labels).toHaveCount(0);
  });

  test("axe: the bar expanded, a row's details open, labels on; each state a screenshot", async ({ page, sandbox }) => {
    await home(page, sandbox.shopUrl, 'slotwise_preview=audience=abandoned-cart,identified');
    const region = bar(page);
    await region.getByRole('button', { name: 'Slots' }).click();
    await expect(region.getByRole('table')).toBeVisible();
    await region.getByRole('button', { name: 'Details: home_hero*' }).click();
    const details = region.locator('dl').filter({ hasText: 'home_hero*' });
    await details.scrollIntoViewIfNeeded();
    await expect(details).toBeInViewport();
    await screenshot(page, 'preview-bar');

    const toggle = region.getByRole('button', { name: 'Labels' });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const labels = page.locator('.slotwise-label');
    await expect(labels.filter({ hasText: 'home_hero* · ' })).toBeInViewport();
    expect(await axe(page, '1280×800, bar expanded, details open, labels on'), 'expanded, labels').toEqual([]);

    // The labels with the bar back to one line, as a marketer reads the page.
    await region.getByRole('button', { name: 'Slots' }).click();
    await expect(region.getByRole('table')).toBeHidden();
    await expect.poll(async () => (await box(region)).height).toBeLessThanOrEqual(40);
    await expect(labels.filter({ hasText: 'home_hero* · ' })).toBeInViewport();
    expect(await labels.count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'preview-labels');
  });

  test('labels sit at their slots on a page whose body is positioned and centred', async ({ page, sandbox }) => {
    await home(page, sandbox.shopUrl);
    // A common layout: the body is the containing block of what is absolutely positioned in it.
    await page.evaluate(() =>
      Object.assign(document.body.style, { position: 'relative', maxWidth: '1000px', margin: '24px auto 0' }),
    );
    await bar(page).getByRole('button', { name: 'Labels' }).click();
    const label = page.locator('.slotwise-label').filter({ hasText: 'home_hero* · ' });
    await expect(label).toBeVisible();
    await page.evaluate(() => scrollTo(0, 0));
    await expect
      .poll(async () => {
        const [tag, slot] = [await box(label), await box(page.locator('[data-slotwise-flow="home_hero*"]'))];
        const beside =
          Math.abs(tag.y + tag.height + 3 - slot.y) <= 1 || Math.abs(slot.y + slot.height + 3 - tag.y) <= 1;
        return { left: Math.round(tag.x - slot.x), beside };
      })
      .toEqual({ left: 0, beside: true });
  });

  test('the bar stays when an app swaps the body or renders over its content', async ({ page, sandbox }) => {
    await home(page, sandbox.shopUrl);
    // Turbo-style navigation: a new body element in place of the old one.
    await page.evaluate(() => {
      const body = document.createElement('body');
      body.append(...[...document.body.children].filter((el) => el.matches('header, main, footer')));
      document.documentElement.replaceChild(body, document.body);
    });
    await expect(bar(page)).toBeVisible();
    const kept = async () => (await published(page)) == `${Math.ceil((await box(bar(page))).height)}px`;
    await expect.poll(kept).toBe(true);
    // An app rendering its view as the body's content.
    await page.evaluate(() => document.body.replaceChildren(...document.body.querySelectorAll('main')));
    await expect(bar(page)).toBeVisible();
    await expect(bar(page)).toContainText(/\d slots?/);
    await expect.poll(kept).toBe(true);
    const height = await published(page);
    expect(await page.evaluate(() => (document.body.lastElementChild as HTMLElement).style.height)).toBe(height);
  });

  test("the bar keeps its line and its room whatever the site's own CSS says of buttons and empty divs", async ({
    page,
    sandbox,
  }) => {
    await home(page, sandbox.shopUrl);
    // Rules sites have: full-width block buttons, empty divs hidden.
    await page.evaluate(() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(
        'button{display:block;width:100%;float:left;text-transform:uppercase;height:60px} div:empty{display:none}',
      );
      document.adoptedStyleSheets = [sheet];
    });
    const region = bar(page);
    await expect.poll(async () => (await box(region)).height).toBeLessThanOrEqual(40);
    for (const button of await region.getByRole('button').all()) {
      const at = await box(button);
      expect(at.x + at.width).toBeLessThanOrEqual(1280);
      expect(at.height).toBeLessThanOrEqual(32);
    }
    const height = await published(page);
    expect(await page.evaluate(() => document.body.lastElementChild!.getBoundingClientRect().height)).toBe(
      parseFloat(height),
    );
  });

  test("the page's last element scrolls clear of the bar, expanded too", async ({ page, sandbox }) => {
    await home(page, sandbox.shopUrl);
    await bar(page).getByRole('button', { name: 'Slots' }).click();
    await expect(bar(page).getByRole('table')).toBeVisible();
    const open = await box(bar(page));
    expect(await published(page)).toBe(`${Math.ceil(open.height)}px`);
    const last = page.locator('footer p').last();
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    const end = await box(last);
    expect(end.y + end.height).toBeLessThanOrEqual(open.y);
  });

  test('in a preview, the value reads as written, wrapping between its parts, with a way out', async ({
    page,
    sandbox,
  }) => {
    const value = 'audience=abandoned-cart,identified;home_hero=hero-cart;home_page.promo_1=spring-sale-2025';
    await page.setViewportSize({ width: 480, height: 800 });
    await home(page, sandbox.shopUrl, `slotwise_preview=${value}`);
    const region = bar(page);
    await expect(region.locator('.slotwise-line > span')).toHaveText(
      new RegExp(`^Slotwise preview · ${value} · 4 slots`),
    );
    await region.getByRole('button', { name: 'Slots' }).click();
    const parts = region.locator('.slotwise-part');
    await expect(parts).toHaveText([
      'audience=abandoned-cart,identified;',
      'home_hero=hero-cart;',
      'home_page.promo_1=spring-sale-2025',
    ]);
    // Each part whole on its line: none is cut in two.
    for (const part of await parts.all()) expect(await part.evaluate((el) => el.getClientRects().length)).toBe(1);
    await region.getByRole('button', { name: 'Exit preview' }).click();
    await expect(page).not.toHaveURL(/slotwise_preview/);
    await expect(region).toHaveCount(0);
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });

  test('a 960x320 slot never makes the page scroll sideways, and the bar fits the screen', async ({
    page,
    sandbox,
  }) => {
    // A page of our own (the shop's header is the shop's business), phone-ready as sites are
    // (a viewport, images no wider than their box): a hero declared 960x320, a promo, and text.
    const path = writePage({
      head:
        '<meta name="viewport" content="width=device-width, initial-scale=1">' +
        `<style>img{max-width:100%;height:auto}</style><script>${snippet()}</script>`,
      body:
        initScript(optionsFor(sandbox.url)) +
        '<div id="hero" data-slotwise-flow="home_hero*" data-slotwise-size="960x320">Shoes for every stride</div>' +
        '<p>Runners, trail, court and slip-ons.</p>' +
        '<div data-slotwise-placement="home_page.promo_1" data-slotwise-size="300x160">Free shipping</div>' +
        '<p id="end">The end of the page.</p>',
    });
    const wide = () => page.evaluate(() => document.documentElement.scrollWidth);
    const hero = page.locator('#hero');
    await page.goto(sandbox.siteUrl + path);
    await expect(hero).toHaveAttribute('data-slotwise-state', /./);
    expect(await wide()).toBe(390); // was 969: the slot kept 960 px
    expect((await box(hero)).width).toBeLessThanOrEqual(390);
    // The height kept for it scales with the screen: no 320 px band on a phone.
    expect(await hero.evaluate((el) => parseFloat(getComputedStyle(el).minHeight))).toBeLessThanOrEqual(
      Math.ceil((390 * 320) / 960),
    );

    await page.goto(`${sandbox.siteUrl}${path}?slotwise_debug=1`);
    const region = bar(page);
    await expect(region).toContainText('2 slots: ');
    expect(await wide()).toBe(390);
    const line = await box(region);
    expect([line.x, line.width]).toEqual([0, 390]);
    expect(line.height).toBeLessThanOrEqual(40);
    for (const button of await region.getByRole('button').all()) {
      const at = await box(button);
      expect(at.x + at.width).toBeLessThanOrEqual(390);
    }
    await region.getByRole('button', { name: 'Slots' }).tap();
    await expect(region.getByRole('table')).toBeVisible();
    expect(await wide()).toBe(390);
    const list = region.locator('.slotwise-more');
    expect(await list.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect((await box(region)).height).toBeLessThanOrEqual(844 * 0.5 + 40);
    await expect(region.locator('caption')).toHaveText(/^2 slots: /); // the one line shows only its start

    // The end of the page scrolls clear of the bar.
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    await expect
      .poll(async () => (await box(page.locator('#end'))).y + (await box(page.locator('#end'))).height)
      .toBeLessThanOrEqual((await box(region)).y);

    // In a preview, Exit preview fits on the line too.
    await page.goto(
      `${sandbox.siteUrl}${path}?slotwise_preview=audience=abandoned-cart,identified;home_hero=hero-cart`,
    );
    await expect(region.getByRole('button', { name: 'Exit preview' })).toBeVisible();
    expect((await box(region)).height).toBeLessThanOrEqual(844 * 0.5 + 40); // still open: remembered
    await region.getByRole('button', { name: 'Slots' }).tap();
    await expect.poll(async () => (await box(region)).height).toBeLessThanOrEqual(40);
    for (const button of await region.getByRole('button').all()) {
      const at = await box(button);
      expect(at.x + at.width).toBeLessThanOrEqual(390);
    }
    expect(await wide()).toBe(390);
  });

  test("axe: the shop's home on a phone, the bar expanded and labels on", async ({ page, sandbox }) => {
    await home(page, sandbox.shopUrl, 'slotwise_preview=audience=abandoned-cart,identified');
    const region = bar(page);
    await region.getByRole('button', { name: 'Slots' }).tap();
    await expect(region.getByRole('table')).toBeVisible();
    const toggle = region.getByRole('button', { name: 'Labels' });
    await toggle.tap();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('.slotwise-label').filter({ hasText: 'home_hero* · ' })).toBeInViewport();
    expect(await axe(page, '390×844 phone, bar expanded, labels on'), 'phone, expanded, labels').toEqual([]);
  });
});

test('creative links always have an accessible name', async ({ page, sandbox }) => {
  // The vendor sends creatives with no alt: a name comes from their text, or the campaign.
  await page.route('**/v2/callFlows', async (route) => {
    const { friendlyId } = route.request().postDataJSON() as { friendlyId: string };
    const response = await route.fetch();
    const image = `${sandbox.siteUrl}/demo-assets/promo-trail.svg`;
    await route.fulfill({
      response, // the sandbox's CORS headers; it knows no such flow, so the status is ours
      status: 200,
      json:
        friendlyId == 'bare'
          ? { campaign: 'Trail season', creatives: [{ imageUrl: image, href: '/category/trail' }] }
          : { creatives: [{ imageUrl: image, href: '/category/trail', text: 'Grip for every path' }] },
    });
  });
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox.url)) +
          '<div id="bare" data-slotwise-flow="bare">DEFAULT</div><div id="texted" data-slotwise-flow="texted">DEFAULT</div>',
      }),
  );
  await expect(page.locator('#bare')).toHaveAttribute('data-slotwise-state', 'decided');
  await expect(page.locator('#texted')).toHaveAttribute('data-slotwise-state', 'decided');
  await expect(page.locator('#bare').getByRole('link', { name: 'Trail season', exact: true })).toBeVisible();
  // A link with its own text: the image is decorative, and the name is said once.
  await expect(page.locator('#texted').getByRole('link', { name: 'Grip for every path', exact: true })).toBeVisible();
  await expect(page.locator('#texted img')).toHaveAttribute('alt', '');

  // The demo's promos: named by their alt text.
  await home(page, sandbox.shopUrl);
  for (const link of await page.locator(`${SLOTS} a`).all())
    expect(await link.evaluate((el) => el.textContent!.trim() || el.querySelector('img')?.alt)).toBeTruthy();
  await expect(page.getByRole('link', { name: 'Free shipping on orders over 75' }).first()).toBeVisible();
});
