// The demo storefront in Chromium: the journey a marketer demonstrates, the preview they steer,
// and the shop's strict CSP, against the sandbox with the demo catalog (demo/catalog.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test, type SandboxFixture } from './fixtures';

const BROWSER_ID_COOKIE = 'bid_demoshop';
/** The README shows these: each is taken once the content it is about is on screen. */
const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: fileURLToPath(new URL(`../demo/screenshots/${name}.png`, import.meta.url)) });

/** Every CSP or Trusted Types violation on the page. */
const watchViolations = (page: Page) =>
  page.addInitScript(() => {
    (window as unknown as { __violations: string[] }).__violations = [];
    addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
const hero = (page: Page) => page.locator('[data-slotwise-flow="home_hero*"]');
const decided = (page: Page, selector: string) =>
  expect(page.locator(selector)).toHaveAttribute('data-slotwise-state', 'decided');

/** The visitor's browser id, once the tag has made it (its create call may still be on its way). */
async function browserId(page: Page) {
  const value = async () => (await page.context().cookies()).find((c) => c.name == BROWSER_ID_COOKIE)?.value;
  await expect.poll(value).toBeTruthy();
  return (await value())!;
}

test('the journey: new visitor, a bag left behind after FORCE_CLOSE, then a signed-in customer', async ({
  page,
  sandbox,
}) => {
  await watchViolations(page);
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${sandbox.shopUrl}/`);
  await expect(hero(page)).toContainText('New here? Take 10% off');
  await decided(page, '[data-slotwise-placement="home_page.promo_2"]');
  await screenshot(page, 'home');

  for (const slug of ['aero-runner', 'trail-grip']) {
    await page.goto(`${sandbox.shopUrl}/products/${slug}`);
    await page.getByRole('button', { name: 'Add to bag' }).click();
    await expect(page.getByRole('status')).toContainText('is in your bag');
  }
  await expect(page.locator('#cart-count')).toHaveText('2');
  await decided(page, '[data-slotwise-placement="item_page.recs"]');
  await expect(page.locator('[data-slotwise-placement="item_page.recs"] img').first()).toBeVisible();
  await screenshot(page, 'product');
  await page.goto(`${sandbox.shopUrl}/cart`);
  await expect(page.locator('#cart-lines tbody tr')).toHaveCount(2);
  await decided(page, '[data-slotwise-offer]');
  await expect(page.locator('[data-slotwise-offer] img').first()).toBeVisible();
  await screenshot(page, 'cart');
  await page.getByRole('button', { name: 'Force close the session (QA)' }).click();
  await expect(page.locator('#force-close-status')).toContainText('Session closed');

  const guest = async () => (await sandbox.guest(await browserId(page)))!;
  await expect.poll(async () => (await guest()).abandonedValue).toBe(198.9);
  expect((await guest()).events.map((e) => e.type).filter((t) => !t.startsWith('SLOT_'))).toEqual([
    'VIEW',
    'VIEW',
    'ADD',
    'VIEW',
    'ADD',
    'VIEW',
    'FORCE_CLOSE',
  ]);

  await page.goto(`${sandbox.shopUrl}/`);
  await expect(hero(page)).toContainText('You left 2 items in your bag');
  await expect(hero(page)).toContainText('EUR 198.90');

  // Buying ends the abandoned bag; signing in makes the visitor known.
  await page.goto(`${sandbox.shopUrl}/cart`);
  await page.getByRole('button', { name: 'Check out' }).click();
  await expect(page.locator('#checkout-status')).toContainText('Thank you');
  await page.goto(`${sandbox.shopUrl}/account`);
  await page.getByLabel('Email').fill('jane@example.com');
  await page.getByLabel('First name').fill('Jane');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#signed-in-as')).toHaveText('jane@example.com');
  await expect.poll(async () => (await guest()).identity?.email).toBe('jane@example.com');

  await page.goto(`${sandbox.shopUrl}/`);
  await expect(hero(page)).toContainText('Welcome back, Jane');
  expect(await violations(page)).toEqual([]);

  // The preview drawer's timeline lists the visitor's events in the order the API stored them.
  await page.getByRole('button', { name: 'Preview' }).click();
  const stored = (await guest()).events.filter((e) => !e.type.startsWith('SLOT_')).map((e) => e.type);
  await expect
    .poll(async () => (await page.locator('#timeline .event summary').allTextContents()).map((t) => t.split(' ')[2]))
    .toEqual(stored);
  expect(stored.slice(0, 7)).toEqual(['VIEW', 'VIEW', 'ADD', 'VIEW', 'ADD', 'VIEW', 'FORCE_CLOSE']);
  await page.locator('#timeline .event summary').filter({ hasText: 'ADD' }).first().click();
  await expect(page.locator('#timeline details[open] pre')).toContainText('"item_id": "SNK-RUN-01"');
});

test('the storefront calls the vendor APIs from another origin, with CORS, as a real site does', async ({
  page,
  sandbox,
}) => {
  expect(new URL(sandbox.shopUrl).origin).not.toBe(new URL(sandbox.url).origin);
  await watchViolations(page);
  await page.goto(`${sandbox.shopUrl}/products/aero-runner`);
  await page.getByRole('button', { name: 'Add to bag' }).click();
  await expect(page.getByRole('status')).toContainText('is in your bag');
  await decided(page, '[data-slotwise-placement="item_page.recs"]');
  const id = await browserId(page);
  await expect.poll(async () => (await sandbox.guest(id))?.events.some((e) => e.type == 'ADD')).toBe(true);
  const api = (await sandbox.requests()).filter((r) => !r.path.startsWith('/sandbox/'));
  const events = api.filter((r) => r.path == '/v1.2/events' && r.method == 'POST');
  expect(events.length).toBeGreaterThan(1);
  // Every vendor API call came from the shop's origin (images and pings carry none), and JSON
  // posts were preflighted first.
  const calls = api.filter((r) => /^\/(v1\.2\/|v2\/|rrserver\/api|decisions)/.test(r.path));
  expect(calls.length).toBeGreaterThan(events.length);
  expect(new Set(calls.map((r) => r.headers.origin))).toEqual(new Set([sandbox.shopUrl]));
  expect(api.find((r) => r.method == 'OPTIONS' && r.path == '/v1.2/events')).toMatchObject({ status: 204 });
  expect(api.filter((r) => r.status === null || r.status >= 400)).toEqual([]);
  // No page of the shop is served by the vendors' origin, and no vendor API by the shop's.
  expect((await page.request.get(`${sandbox.url}/cart`)).status()).toBe(404);
  expect((await page.request.post(`${sandbox.shopUrl}/v1.2/events`, { data: {} })).status()).toBe(404);
  expect(await violations(page)).toEqual([]);
});

test("the drawer's timeline marks an event the API stored twice, with the count", async ({ page, sandbox }) => {
  await page.goto(`${sandbox.shopUrl}/`);
  const id = await browserId(page);
  // What a repeated delivery looks like to the API: the same ADD, the same ext.eventId, twice.
  const add = {
    type: 'ADD',
    channel: 'WEB',
    language: 'EN',
    currency: 'EUR',
    page: 'aero-runner',
    pos: 'stride/eu',
    browser_id: id,
    client_key: 'demoshop',
    product: { item_id: 'SNK-RUN-01', name: 'Aero Runner', quantity: 1, price: 89.9, currency: 'EUR' },
    ext: { eventId: 'evt-sent-twice' },
  };
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${sandbox.url}/v1.2/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(add),
    });
    expect(res.status).toBe(200);
  }
  expect((await sandbox.guest(id))!.duplicates).toBe(1);
  await page.getByRole('button', { name: 'Preview' }).click();
  const copies = page.locator('#timeline .event.dup');
  await expect(copies).toHaveCount(2);
  await expect(copies.locator('.badge')).toHaveText(['stored 2×', 'stored 2× (repeat)']);
  await expect(page.locator('#timeline').getByRole('note')).toContainText('1 request repeats an event already stored');
  await expect(page.locator('#timeline')).toContainText("Bag in the API's current session: 2 items");
  // Events sent once carry no mark.
  await expect(page.locator('#timeline .event:not(.dup) .badge')).toHaveCount(0);
  await expect(page.locator('#timeline .event:not(.dup)')).not.toHaveCount(0);
});

test('every link the campaign catalog puts on the shop leads to a page', async ({ request, sandbox }) => {
  const catalog = readFileSync(fileURLToPath(new URL('../demo/catalog.json', import.meta.url)), 'utf8');
  // Creative fields, and links inside campaign HTML (`href=\"/…\"` in the JSON text).
  const found = [...catalog.matchAll(/"(?:href|DESTINATION_URL|content)": "(\/[^"]*)"|href=\\"(\/[^"\\]*)\\"/g)];
  const links = [...new Set(found.map((m) => m[1] ?? m[2]!))];
  expect(links.length).toBeGreaterThan(8);
  for (const link of links) expect((await request.get(`${sandbox.shopUrl}${link}`)).status(), link).toBe(200);
});

test("every page fills its slots under the shop's strict CSP, with images and alt text", async ({ page, sandbox }) => {
  await watchViolations(page);
  for (const path of ['/', '/category/trail', '/products/court-classic', '/cart']) {
    await page.goto(`${sandbox.shopUrl}${path}`);
    const slots = page.locator('[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]');
    await expect
      .poll(async () =>
        (await slots.evaluateAll((els) => els.map((el) => el.getAttribute('data-slotwise-state')))).every(
          (s) => s == 'decided' || s == 'collapsed',
        ),
      )
      .toBe(true);
    expect(await page.locator('img:not([alt])').count()).toBe(0);
    expect(await violations(page), path).toEqual([]);
  }
  const response = await page.goto(`${sandbox.shopUrl}/`);
  expect(response!.headers()['content-security-policy']).toMatch(
    /script-src 'nonce-[^']+' 'strict-dynamic'.*require-trusted-types-for 'script'/,
  );
});

/** The decision requests the sandbox saw, with the preview they carried. */
async function previews(sandbox: SandboxFixture) {
  return (await sandbox.requests())
    .filter((r) => /^\/(v2\/callFlows|rrserver\/api|decisions)/.test(r.path) && r.method != 'OPTIONS')
    .map((r) => r.query.slotwise_preview ?? null);
}

test('a preview shows the page as the chosen visitor with forced content, across pages, until the marketer exits', async ({
  page,
  sandbox,
}) => {
  await watchViolations(page);
  const preview = 'audience=abandoned-cart;home_page.promo_1=spring-sale-2025';
  await page.goto(`${sandbox.shopUrl}/?slotwise_preview=${preview}`);
  await expect(hero(page)).toContainText('You left 2 items in your bag'); // sample values: this visitor never had a bag
  await expect(page.locator('[data-slotwise-placement="home_page.promo_1"] img')).toHaveAttribute(
    'alt',
    'Spring Sale: 20% off runners',
  );
  const bar = page.getByRole('region', { name: 'Slotwise preview' });
  await expect(bar).toContainText(`Slotwise preview · ${preview}`);
  await expect(bar).toContainText('Spring Sale 2025');
  await expect.poll(() => previews(sandbox)).toHaveLength(3); // the flow, one placements call, one offers call
  expect(new Set(await previews(sandbox))).toEqual(new Set([preview]));

  // The next page of the tab is still previewed, without the parameter in its URL.
  await sandbox.clearRequests();
  await page.goto(`${sandbox.shopUrl}/`);
  await expect(hero(page)).toContainText('You left 2 items in your bag');
  await expect(bar).toContainText(`Slotwise preview · ${preview}`);
  // Preview impressions are marked, and the vendor's tracking URLs are not pinged.
  await page.waitForTimeout(1500);
  const guest = (await sandbox.guest(await browserId(page)))!;
  const impressions = guest.events.filter((e) => e.type == 'SLOT_IMPRESSION');
  expect(impressions.length).toBeGreaterThan(0);
  expect(impressions.every((e) => (e.message.ext as { preview?: boolean }).preview === true)).toBe(true);
  expect(await sandbox.requests({ path: '/rrserver/track' })).toEqual([]);
  expect(await violations(page)).toEqual([]); // the preview bar too runs under the shop's CSP

  await bar.getByRole('button', { name: 'Exit preview' }).click();
  await expect(hero(page)).toContainText('New here? Take 10% off');
  await expect(bar).toHaveCount(0);
  expect(page.url()).not.toContain('slotwise_preview');
});

test('the preview drawer steers a slot and shows the live timeline', async ({ page, sandbox }) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${sandbox.shopUrl}/`);
  await decided(page, '[data-slotwise-placement="home_page.promo_2"]');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.locator('#timeline')).toContainText('VIEW home');
  await page.getByRole('checkbox', { name: 'Signed in' }).check();
  await page
    .getByLabel('What Home page promo 2 shows')
    .selectOption({ label: 'Abandoned bag reminder (for abandoned a bag)' });
  await page.locator('#preview').getByRole('button', { name: 'Apply' }).click();
  await expect(hero(page)).toContainText('Welcome back, Alex');
  await expect(page.locator('[data-slotwise-placement="home_page.promo_2"]')).toContainText('bag');
  await expect(page.getByRole('checkbox', { name: 'Signed in' })).toBeChecked();
  await expect(page.getByLabel('What Home page promo 2 shows')).toHaveValue('home_page.promo_2=bag-reminder');

  // One creative of a campaign, rather than the whole campaign.
  await page
    .getByLabel('What Home page promo 2 shows')
    .selectOption({ label: 'Socks and caps: only Logo Cap in indigo' });
  await page.locator('#preview').getByRole('button', { name: 'Apply' }).click();
  const promo = page.locator('[data-slotwise-placement="home_page.promo_2"]');
  await decided(page, '[data-slotwise-placement="home_page.promo_2"]');
  await expect(promo.locator('img')).toHaveCount(1);
  await expect(promo.locator('img')).toHaveAttribute('alt', 'Logo Cap in indigo');
  await screenshot(page, 'preview');
});

test("the shop's server re-sets the browser id cookie once, for 400 days, and records in-store orders", async ({
  page,
  sandbox,
}) => {
  // The shop's own back end: its requests never reach the vendors' request log.
  const cookieCalls: string[] = [];
  page.on('request', (r) => void (r.url().endsWith('/slotwise/cookies') && cookieCalls.push(r.url())));
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/slotwise/cookies'));
  await page.goto(`${sandbox.shopUrl}/`);
  const response = await refreshed;
  const id = await browserId(page);
  expect(response.status()).toBe(204);
  expect(await response.headerValue('set-cookie')).toContain(
    `${BROWSER_ID_COOKIE}=${id}; Max-Age=34560000; Path=/; SameSite=Lax`,
  );

  // Refreshed a moment ago: the next pages do not ask again.
  await page.goto(`${sandbox.shopUrl}/category/court`);
  await page.goto(`${sandbox.shopUrl}/account`);
  expect(cookieCalls).toEqual([`${sandbox.shopUrl}/slotwise/cookies`]);
  expect(await sandbox.requests({ path: '/slotwise/cookies' })).toEqual([]);

  await page.getByLabel('Email').fill('sam@example.com');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Record an in-store purchase' }).click();
  await expect(page.locator('#store-purchase-status')).toContainText('recorded');
  const orders = (await sandbox.guest(id))!.offlineOrders;
  expect(orders).toHaveLength(1);
  expect(orders[0]!.body).toMatchObject({
    lang: 'en-gb',
    user: { id, info: { email: 'sam@example.com' } },
    order: { currency: 'EUR', total: 79.7 },
  }); // 49.90 + 2 × 14.90
  // The till's credentials went from the shop's server, never through the page.
  const sent = (await sandbox.requests({ path: '/tracker/smart-api/orders/offline' }))[0]!;
  expect(sent.headers.authorization).toBe('Bearer demo-store-till-secret');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.locator('#timeline')).toContainText('In-store orders');
  await expect(page.locator('#timeline')).toContainText(`${orders[0]!.refCode}: EUR 79.70`);

  // What was bought in the store is no longer recommended: the socks go, the cap stays.
  await page.goto(`${sandbox.shopUrl}/`);
  const promo = page.locator('[data-slotwise-placement="home_page.promo_2"]');
  await decided(page, '[data-slotwise-placement="home_page.promo_2"]');
  await expect(promo.locator('img')).toHaveAttribute('alt', 'Logo Cap in indigo');
  await expect(promo.locator('img[alt="Crew Socks 3-pack"]')).toHaveCount(0);
});
