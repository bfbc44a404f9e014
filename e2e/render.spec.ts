// Decisions into slots, in Chromium, against the sandbox's decision APIs and a test catalog.
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { expect, test, type SandboxFixture } from './fixtures';
import { initScript, writePage } from './pages';
import type { SlotwiseInPage } from './in-page';

test.use({ catalog: fileURLToPath(new URL('./catalogs/render.json', import.meta.url)) });

declare global {
  interface Window {
    slotwise: SlotwiseInPage;
    __xss?: number;
    __seenDefaults: string[];
    __violations: string[];
    __shift: number;
  }
}

const optionsFor = (sandbox: SandboxFixture, extra: object = {}) => ({
  clientKey: `r${nanoid(10).replace(/-/g, '_')}`,
  target: sandbox.url,
  pointOfSale: 'e2e/uk',
  currency: 'EUR',
  browserId: 'local',
  placements: { target: sandbox.url, apiKey: 'key', apiClientKey: 'client' },
  // The sandbox's /decisions is a site's proxy: it adds the credentials the Decisioning API requires.
  offers: { target: sandbox.url, identityNamespace: 'Slotwise' },
  // Generous, so a loaded CI machine never turns a decision into a timeout; the timeout has its own test.
  revealAfterMs: 5000,
  ...extra,
});
const slot = (attributes: string, id = nanoid(6)) =>
  `<div id="s-${id}" ${attributes} style="min-height:40px">DEFAULT ${id}</div>`;
const TEN_SLOTS = [
  ...['hero', 'banner', 'promo_a'].map((flow) => slot(`data-slotwise-flow="${flow}"`, flow)),
  ...[1, 2, 3, 4, 5].map((i) => slot(`data-slotwise-placement="home_page.p${i}"`, `p${i}`)),
  slot('data-slotwise-offer="xcore:offer-placement:p1" data-slotwise-activity="xcore:offer-activity:a1"', 'o1'),
  slot('data-slotwise-offer="xcore:offer-placement:p2" data-slotwise-activity="xcore:offer-activity:a2"', 'o2'),
].join('');
const states = (page: Page) =>
  page.$$eval('[data-slotwise-state]', (els) =>
    Object.fromEntries(els.map((el) => [el.id, el.getAttribute('data-slotwise-state')])),
  );
const decisionRequests = async (sandbox: SandboxFixture) =>
  (await sandbox.requests())
    .filter((r) => r.method != 'OPTIONS' && /^\/(v2\/callFlows|rrserver\/api|decisions)/.test(r.path))
    .map((r) => r.path);

// Every frame, note any slot that shows its default text while visible.
const watchDefaults = (page: Page) =>
  page.addInitScript(() => {
    window.__seenDefaults = [];
    const look = () => {
      for (const el of document.querySelectorAll<HTMLElement>(
        '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]',
      ))
        if (getComputedStyle(el).visibility == 'visible' && el.textContent!.includes('DEFAULT'))
          window.__seenDefaults.push(el.id);
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });

test('ten slots of all three kinds fill in one pass, and no default is ever visible', async ({ page, sandbox }) => {
  await watchDefaults(page);
  await page.goto(sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox)) + TEN_SLOTS }));
  await expect.poll(async () => Object.keys(await states(page)).length).toBe(10);
  expect(Object.values(await states(page))).toEqual(Array(10).fill('decided'));
  expect((await decisionRequests(sandbox)).sort()).toEqual([
    '/decisions',
    '/rrserver/api/personalize',
    '/v2/callFlows',
    '/v2/callFlows',
    '/v2/callFlows',
  ]);
  await expect(page.locator('#s-hero')).toHaveText('Personal hero');
  // Sanitized, not stripped: the campaign's classes, styles and images survive.
  await expect(page.locator('#s-hero .filled img[alt="Hero"]')).toBeVisible();
  await expect(page.locator('#s-p3')).toHaveText('Placement 3');
  await expect(page.locator('#s-o1')).toHaveText('Offer one');
  await expect(page.locator('#s-o2 img')).toHaveAttribute('src', /promo-trail\.svg$/);
  await expect(page.locator('#s-promo_a')).toHaveText('Flow creative');
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.__seenDefaults)).toEqual([]);
});

test('offers of every type, answered in real-tenant form and out of order, each reach their own slot', async ({
  page,
  sandbox,
}) => {
  const offer = (n: number) =>
    slot(
      `data-slotwise-offer="xcore:offer-placement:p${n}" data-slotwise-activity="xcore:offer-activity:a${n}"`,
      `o${n}`,
    );
  // The page's code renders JSON offers into its slot and says so; the tag counts the slot decided.
  const listener = `<script>document.addEventListener('slotwise:decision', (e) => {
    if (e.target.id != 's-o4') return;
    const a = Object.assign(document.createElement('a'), { href: e.detail.content.data.href, textContent: e.detail.content.data.headline });
    e.target.replaceChildren(a);
    e.preventDefault();
  });</script>`;
  await page.goto(
    sandbox.siteUrl +
      writePage({ body: listener + initScript(optionsFor(sandbox)) + [1, 3, 4, 5, 6, 7].map(offer).join('') }),
  );
  await expect.poll(async () => Object.keys(await states(page)).length).toBe(6);
  expect(await states(page)).toEqual({
    's-o1': 'decided',
    's-o3': 'decided',
    's-o4': 'decided',
    's-o5': 'default',
    's-o6': 'decided',
    's-o7': 'default',
  });
  await expect(page.locator('#s-o1')).toHaveText('Offer one');
  // Text is text: the markup in it is shown, not parsed.
  await expect(page.locator('#s-o3')).toHaveText('<b>Not bold</b>, just text');
  await expect(page.locator('#s-o3 b')).toHaveCount(0);
  await expect(page.locator('#s-o4 a')).toHaveText('From JSON');
  // Left out of the answer (nothing for this guest, no fallback): the default stays.
  await expect(page.locator('#s-o5')).toHaveText('DEFAULT o5');
  await expect(page.getByRole('link', { name: 'Trail season' })).toHaveAttribute('href', /\/offer$/);
  await expect(page.locator('#s-o6 img')).toHaveAttribute('alt', 'Trail season');
  await expect(page.locator('#s-o7')).toHaveText('DEFAULT o7'); // JSON nobody rendered
  // Impressions credit the activity that answered each slot.
  const { browserId } = (await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string };
  const rendered = async () =>
    ((await sandbox.guest(browserId))?.events ?? [])
      .map((e) => e.message.ext as Record<string, string>)
      .filter((ext) => ext?.impression == 'rendered')
      .map((ext) => [ext.slot, ext.campaign])
      .sort();
  await expect
    .poll(rendered)
    .toEqual(
      [1, 3, 4, 6].map((n) => [`xcore:offer-placement:p${n}|xcore:offer-activity:a${n}`, `xcore:activity:a${n}`]),
    );
});

test('with a 3-second API the defaults show at about 1 s, and late content never replaces a slot in view', async ({
  page,
  sandbox,
}) => {
  for (const path of ['/v2/callFlows', '/rrserver/api/personalize'])
    await sandbox.fault({ path, delayMs: 3000, count: -1 });
  const below = '<div style="height:3000px">spacer</div>';
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox, { revealAfterMs: 1000 })) +
          slot('data-slotwise-flow="hero"', 'top') +
          below +
          slot('data-slotwise-placement="home_page.p1"', 'bottom'),
      }),
  );
  // When the default showed, in ms from the start of navigation.
  const shownAt = await (
    await page.waitForFunction(
      () => document.querySelector('#s-top')?.getAttribute('data-slotwise-state') == 'timeout' && performance.now(),
      null,
      { polling: 20, timeout: 2500 },
    )
  ).jsonValue();
  // Shown by the 1 s timer ('timeout'), not before the second, and well before the 3 s answers.
  expect(shownAt).toBeGreaterThan(990);
  await expect(page.locator('#s-top')).toBeVisible();
  await expect(page.locator('#s-top')).toContainText('DEFAULT');
  // The late decisions arrive: the slot on screen keeps its default, the one below the fold is filled.
  const decidedAt = await (
    await page.waitForFunction(
      () => document.querySelector('#s-bottom')?.getAttribute('data-slotwise-state') == 'decided' && performance.now(),
      null,
      { polling: 20, timeout: 6000 },
    )
  ).jsonValue();
  expect(Number(decidedAt) - Number(shownAt)).toBeGreaterThan(1000); // the answers came two seconds later: the timer did not wait for them
  await expect(page.locator('#s-bottom')).toHaveText('Placement 1');
  await expect(page.locator('#s-top')).toContainText('DEFAULT');
});

test('the rcs token round-trips unchanged through the rr_rcs cookie', async ({ page, sandbox }) => {
  const options = optionsFor(sandbox);
  const url =
    sandbox.siteUrl + writePage({ body: initScript(options) + slot('data-slotwise-placement="home_page.p1"', 'p1') });
  // Read on its way to the page: the body of a response the tag has read is not always kept for
  // the test to read again.
  let served: string | undefined;
  await page.route('**/rrserver/api/personalize?**', async (route) => {
    const response = await route.fetch();
    served ??= ((await response.json()) as { rcs: string }).rcs;
    await route.fulfill({ response });
  });
  await page.goto(url);
  await expect(page.locator('#s-p1')).toHaveAttribute('data-slotwise-state', 'decided');
  const [first] = await sandbox.requests({ path: '/rrserver/api/personalize', method: 'GET' });
  expect(first!.query.rcs).toBeUndefined();
  const cookie = (await page.context().cookies()).find((c) => c.name == 'rr_rcs')!;
  expect(cookie.value).toBe(served); // kept exactly as the API served it
  await sandbox.clearRequests();
  await page.reload();
  await expect(page.locator('#s-p1')).toHaveAttribute('data-slotwise-state', 'decided');
  const [second] = await sandbox.requests({ path: '/rrserver/api/personalize', method: 'GET' });
  expect(second!.query.rcs).toBe(cookie.value);
});

test("placements send the site's own user id (option, or a slot's context), and show a creative that has only ALT_TEXT", async ({
  page,
  sandbox,
}) => {
  const options = optionsFor(sandbox, {
    placements: { target: sandbox.url, apiKey: 'key', apiClientKey: 'client', userId: 'crm-42' },
  });
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(options) +
          slot(`data-slotwise-placement="home_page.alt_only" data-slotwise-context='{"excludeHtml":true}'`, 'alt') +
          slot(
            `data-slotwise-placement="category_page.xss_creative" data-slotwise-context='{"categoryId":"c1","userId":"crm-7","sessionId":"site-session"}'`,
            'cat',
          ),
      }),
  );
  await expect(page.locator('#s-alt')).toHaveAttribute('data-slotwise-state', 'decided');
  await expect(page.locator('#s-alt')).toHaveText('Free returns, always');
  await expect(page.locator('#s-alt a')).toHaveAttribute('href', /\/rrserver\/click\?ct=%2Freturns/);
  await expect(page.locator('#s-cat')).toHaveAttribute('data-slotwise-state', /decided|default/);
  const asked = Object.fromEntries(
    (await sandbox.requests({ path: '/rrserver/api/personalize', method: 'GET' })).map((r) => [
      r.query.placements,
      [r.query.userId, r.query.sessionId],
    ]),
  );
  const { browserId } = (await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string };
  expect(asked['home_page.alt_only']![0]).toBe('crm-42');
  expect(asked['home_page.alt_only']![1]).not.toBe('site-session'); // the tag's own session
  expect(asked['category_page.xss_creative']).toEqual(['crm-7', 'site-session']);
  expect(Object.values(asked).flat()).not.toContain(browserId);
});

test('an XSS corpus in HTML, creative fields and URLs executes nothing', async ({ page, sandbox }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => (dialogs.push(dialog.message()), dialog.dismiss()));
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox)) +
          slot('data-slotwise-flow="xss_flow"', 'flow') +
          slot('data-slotwise-flow="xss_creative"', 'flowc') +
          slot('data-slotwise-placement="home_page.xss"', 'pl') +
          slot(
            `data-slotwise-placement="category_page.xss_creative" data-slotwise-context='{"categoryId":"c1"}'`,
            'plc',
          ) +
          slot(
            'data-slotwise-offer="xcore:offer-placement:xss" data-slotwise-activity="xcore:offer-activity:xss"',
            'of',
          ),
      }),
  );
  await expect.poll(async () => Object.keys(await states(page)).length).toBe(5);
  expect(Object.values(await states(page))).not.toContain('error'); // every API answered: the corpus was rendered
  await expect(page.locator('#s-flow')).toContainText('Safe text stays');
  // Click every link and button the creatives left, and toggle what can be toggled.
  for (const target of await page.locator('[data-slotwise-state] :is(a, button, details)').all())
    await target.click({ force: true, noWaitAfter: true }).catch(() => {});
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
  const leftovers = await page.$$eval('[data-slotwise-state]', (els) =>
    els.flatMap((el) =>
      [...el.querySelectorAll('*')]
        .filter(
          (node) =>
            /^(SCRIPT|IFRAME|BASE|META|LINK|STYLE)$/.test(node.tagName) ||
            [...node.attributes].some((a) => /^on/i.test(a.name) || /javascript:/i.test(a.value)),
        )
        .map((node) => node.outerHTML),
    ),
  );
  expect(leftovers).toEqual([]);
  // Nothing re-based the page's URLs or restyled it.
  expect(await page.evaluate(() => document.baseURI)).toBe(page.url());
  await expect(page.locator('body')).toBeVisible();
  expect(page.url()).toContain('/e2e/.tmp/pages/');
});

test('under a strict CSP with a nonce and Trusted Types, every slot renders with no violation', async ({
  page,
  sandbox,
}) => {
  const nonce = nanoid(16).replace(/[-_]/g, 'a');
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const path = writePage({
    nonce,
    headers: {
      'Content-Security-Policy': `script-src 'nonce-${nonce}' 'strict-dynamic'; require-trusted-types-for 'script'; trusted-types slotwise sw; object-src 'none'; base-uri 'none'`,
    },
    body: `<script nonce="${nonce}">slotwise('init', ${JSON.stringify(optionsFor(sandbox))})</script>${TEN_SLOTS}`,
  });
  const response = await page.goto(sandbox.siteUrl + path);
  expect(response!.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
  await expect.poll(async () => Object.values(await states(page)).filter((s) => s == 'decided').length).toBe(10);
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  // The policy is really enforced: a plain string into innerHTML is refused.
  expect(
    await page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<b>raw</b>');
        return 'allowed';
      } catch {
        return 'refused';
      }
    }),
  ).toBe('refused');
});

test('slots that declare their size cause no layout shift', async ({ page, sandbox }) => {
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => (window.__shift += (e as unknown as { value: number }).value)),
    ).observe({ type: 'layout-shift', buffered: true });
  });
  const sized = (attributes: string, id: string) =>
    `<div id="s-${id}" ${attributes} data-slotwise-size="600x40" style="min-height:40px;overflow:hidden">DEFAULT</div>`;
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox)) +
          '<h1>Shop</h1>' +
          sized('data-slotwise-flow="hero"', 'a') +
          sized('data-slotwise-placement="home_page.p1"', 'b') +
          sized('data-slotwise-flow="empty_flow"', 'c') +
          '<p>Below the slots</p>',
      }),
  );
  await expect.poll(async () => Object.keys(await states(page)).length).toBe(3);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => window.__shift)).toBe(0);
});

test('impressions: rendered once per render, viewable after a second in view, and clicks', async ({
  page,
  sandbox,
}) => {
  const options = optionsFor(sandbox);
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(options) +
          slot('data-slotwise-placement="home_page.p2"', 'p2') +
          '<div style="height:3000px"></div>' +
          slot('data-slotwise-flow="promo_a"', 'far'),
      }),
  );
  await expect(page.locator('#s-p2')).toHaveAttribute('data-slotwise-state', 'decided');
  const { browserId } = (await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string };
  const impressions = async () =>
    ((await sandbox.guest(browserId))?.events ?? [])
      .filter((e) => e.type.startsWith('SLOT_'))
      .map(
        (e) =>
          `${e.type}:${(e.message.ext as Record<string, string>).slot}:${(e.message.ext as Record<string, string>).impression}`,
      )
      .sort();
  await expect
    .poll(impressions, { timeout: 5000 })
    .toEqual([
      'SLOT_IMPRESSION:home_page.p2:rendered',
      'SLOT_IMPRESSION:home_page.p2:viewable',
      'SLOT_IMPRESSION:promo_a:rendered',
    ]);
  const rendered = (await sandbox.guest(browserId))!.events.find(
    (e) => e.type == 'SLOT_IMPRESSION' && (e.message.ext as Record<string, string>).slot == 'home_page.p2',
  );
  expect(rendered!.message.ext).toMatchObject({ source: 'placement', campaign: 'campaign-2' });
  await page.locator('#s-p2').click();
  await expect.poll(impressions).toContain('SLOT_CLICK:home_page.p2:click');
});

test('SPA: 20 route changes refresh the slots once each, with no duplicate impressions', async ({ page, sandbox }) => {
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox, { autoPage: true })) +
          '<main id="view"></main>' +
          `<script>window.go = (n) => { history.pushState({}, '', '?route=' + n); document.getElementById('view').innerHTML = '<div id="s-r' + n + '" data-slotwise-placement="home_page.p' + (n % 5 + 1) + '">DEFAULT</div>'; }</script>`,
      }),
  );
  const { browserId } = (await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string };
  for (let n = 1; n <= 20; n++) {
    await page.evaluate((n) => (window as unknown as { go(n: number): void }).go(n), n);
    await expect(page.locator(`#s-r${n}`)).toHaveAttribute('data-slotwise-state', 'decided');
    await expect(page.locator(`#s-r${n}`)).toHaveText(`Placement ${(n % 5) + 1}`);
  }
  await expect
    .poll(
      async () =>
        ((await sandbox.guest(browserId))?.events ?? []).filter(
          (e) => (e.message.ext as Record<string, string>)?.impression == 'rendered',
        ).length,
      { timeout: 8000 },
    )
    .toBe(20);
  const personalize = await sandbox.requests({ path: '/rrserver/api/personalize', method: 'GET' });
  expect(personalize).toHaveLength(20); // one call per route: the new view's slot, asked once
});

test('lazy slots are asked for only when they come near the viewport, together', async ({ page, sandbox }) => {
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox)) +
          slot('data-slotwise-placement="home_page.p1"', 'eager') +
          '<div style="height:4000px"></div>' +
          slot('data-slotwise-placement="home_page.p4" data-slotwise-lazy', 'l1') +
          slot('data-slotwise-placement="home_page.p5" data-slotwise-lazy', 'l2'),
      }),
  );
  await expect(page.locator('#s-eager')).toHaveAttribute('data-slotwise-state', 'decided');
  await page.waitForTimeout(300);
  expect(
    (await sandbox.requests({ path: '/rrserver/api/personalize', method: 'GET' })).map((r) => r.query.placements),
  ).toEqual(['home_page.p1']);
  await page.locator('#s-l2').scrollIntoViewIfNeeded();
  await expect(page.locator('#s-l2')).toHaveAttribute('data-slotwise-state', 'decided');
  expect(
    (await sandbox.requests({ path: '/rrserver/api/personalize', method: 'GET' })).map((r) => r.query.placements),
  ).toEqual(['home_page.p1', 'home_page.p4|home_page.p5']);
});

test('without Element.setHTML the sanitizer chunk loads on demand, with the nonce, and still executes nothing', async ({
  page,
  sandbox,
}) => {
  const nonce = nanoid(16).replace(/[-_]/g, 'a');
  // A browser without the Sanitizer API (Safari, older Chromium).
  await page.addInitScript(() => {
    delete (Element.prototype as { setHTML?: unknown }).setHTML;
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(
    sandbox.siteUrl +
      writePage({
        nonce,
        headers: {
          'Content-Security-Policy': `script-src 'nonce-${nonce}' 'strict-dynamic'; require-trusted-types-for 'script'`,
        },
        body:
          `<script nonce="${nonce}">slotwise('init', ${JSON.stringify(optionsFor(sandbox))})</script>` +
          slot('data-slotwise-flow="xss_flow"', 'flow') +
          slot('data-slotwise-placement="home_page.p1"', 'p1'),
      }),
  );
  await expect(page.locator('#s-flow')).toHaveAttribute('data-slotwise-state', 'decided');
  await expect(page.locator('#s-p1')).toHaveText('Placement 1');
  expect(await sandbox.requests({ path: '/dist/slotwise-sanitize.min.js' })).toHaveLength(1);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  // Chromium reports the event-handler attributes DOMPurify meets while parsing as refused inline
  // handlers (script-src-attr); they are dropped, never run. Nothing else may be refused.
  expect((await page.evaluate(() => window.__violations)).filter((v) => !v.startsWith('script-src-attr'))).toEqual([]);
  expect(await page.locator('#s-flow script, #s-flow [onerror]').count()).toBe(0);
});

test("each decision API's code loads only where it is used (configured, or a flow asked for), and a codec that cannot load leaves its slots as they were", async ({
  page,
  sandbox,
}) => {
  const chunks: string[] = [];
  page.on(
    'request',
    (request) => /slotwise-\w+\.min\.js$/.test(request.url()) && chunks.push(request.url().split('/').pop()!),
  );
  await page.route('**/slotwise-flows.min.js', (route) => route.abort());
  const withoutOffers = { ...optionsFor(sandbox), offers: undefined }; // JSON leaves `offers` out
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(withoutOffers) +
          slot('data-slotwise-flow="hero"', 'hero') +
          slot('data-slotwise-placement="home_page.p1"', 'p1'),
      }),
  );
  await expect.poll(() => states(page)).toEqual({ 's-hero': 'error', 's-p1': 'decided' });
  await expect(page.locator('#s-hero')).toHaveText('DEFAULT hero');
  await expect(page.locator('#s-p1')).toHaveText('Placement 1');
  expect(chunks.sort()).toEqual(['slotwise-flows.min.js', 'slotwise-placements.min.js', 'slotwise-slots.min.js']); // each once
  expect(await decisionRequests(sandbox)).toEqual(['/rrserver/api/personalize']);
});

test('when the slot engine cannot load, the slots show their defaults at once and events still go out', async ({
  page,
  sandbox,
}) => {
  await page.route('**/slotwise-slots.min.js', (route) => route.abort());
  const options = optionsFor(sandbox);
  await page.goto(
    sandbox.siteUrl +
      writePage({ body: initScript(options, "slotwise('view')") + slot('data-slotwise-flow="hero"', 'hero') }),
  );
  await page.waitForFunction(() => (window.slotwise as unknown as { loaded?: boolean }).loaded);
  await expect(page.locator('#s-hero')).toBeVisible({ timeout: 1000 }); // not after revealAfterMs (5 s here)
  await expect(page.locator('#s-hero')).toHaveText('DEFAULT hero');
  expect(await page.evaluate(() => window.slotwise('flow', 'hero'))).toMatchObject({ ok: false, reason: 'blocked' });
  const { browserId } = (await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string };
  await expect.poll(async () => (await sandbox.guest(browserId))?.events.map((e) => e.type)).toEqual(['VIEW']);
  expect(await decisionRequests(sandbox)).toEqual([]);
});

test('with consent pending the slots show their defaults at once and no slot code loads; once granted, slots added later are decided', async ({
  page,
  sandbox,
}) => {
  const chunks: string[] = [];
  page.on(
    'request',
    (request) => /slotwise-\w+\.min\.js$/.test(request.url()) && chunks.push(request.url().split('/').pop()!),
  );
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox, { consent: 'pending' })) +
          slot('data-slotwise-placement="home_page.p1"', 'p1'),
      }),
  );
  await page.waitForFunction(
    () => (window.slotwise as unknown as { loaded?: boolean }).loaded && document.readyState != 'loading',
  );
  // At once: not after revealAfterMs (5 s here), nor the snippet's 1 s safety net.
  await expect(page.locator('#s-p1')).toBeVisible({ timeout: 500 });
  await expect(page.locator('#s-p1')).toHaveText('DEFAULT p1');
  expect(chunks).toEqual([]);
  expect(await decisionRequests(sandbox)).toEqual([]);

  await page.evaluate(() => window.slotwise('consent', 'granted'));
  await page.evaluate(() =>
    document.body.insertAdjacentHTML(
      'beforeend',
      '<div id="s-p2" data-slotwise-placement="home_page.p2" style="min-height:40px">DEFAULT p2</div>',
    ),
  );
  await expect(page.locator('#s-p2')).toHaveAttribute('data-slotwise-state', 'decided');
  await expect(page.locator('#s-p2')).toHaveText('Placement 2');
  await expect(page.locator('#s-p1')).toHaveText('DEFAULT p1'); // in view already: never swapped under the reader
});

test('?slotwise_debug=1 outlines and labels each slot from an on-demand chunk', async ({ page, sandbox }) => {
  await sandbox.fault({ path: '/decisions', status: 503, count: -1 });
  const path = writePage({
    body:
      // Labels sit outside the slots: room for them between the slots.
      '<style>[data-slotwise-state]{margin:24px 0}</style>' +
      initScript(optionsFor(sandbox)) +
      slot('data-slotwise-placement="home_page.p2"', 'p2') +
      slot('data-slotwise-flow="empty_flow"', 'empty') +
      slot('data-slotwise-offer="xcore:offer-placement:p1" data-slotwise-activity="xcore:offer-activity:a1"', 'o1'),
  });
  await page.goto(sandbox.siteUrl + path);
  await expect(page.locator('#s-p2')).toHaveAttribute('data-slotwise-state', 'decided');
  expect(await sandbox.requests({ path: '/dist/slotwise-debug.min.js' })).toHaveLength(0);

  await page.goto(`${sandbox.siteUrl}${path}?slotwise_debug=1`);
  const bar = page.getByRole('region', { name: 'Slotwise preview' });
  await expect(bar).toContainText('3 slots: 1 decided, 1 default, 1 error');
  // Labels only when asked for: the page is seen as it is.
  const labels = page.locator('.slotwise-label');
  await expect(labels).toHaveCount(0);
  await bar.getByRole('button', { name: 'Labels' }).click();
  await expect(labels).toHaveCount(3);
  await expect(labels.filter({ hasText: 'home_page.p2' })).toHaveText('home_page.p2 · decided');
  await expect(labels.filter({ hasText: 'empty_flow' })).toHaveText('empty_flow · default');
  await expect(labels.filter({ hasText: 'a1' })).toHaveText('a1 · error');
  await expect(bar.locator('tr', { hasText: 'home_page.p2' }).first()).toContainText('campaign-2');
  expect(await sandbox.requests({ path: '/dist/slotwise-debug.min.js' })).toHaveLength(1);
});

test("render: iframe runs a creative's scripts in a sandboxed frame sized to its content, never in the page", async ({
  page,
  sandbox,
}) => {
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox)) +
          slot('data-slotwise-flow="script_creative" data-slotwise-render="iframe"', 'framed') +
          slot('data-slotwise-flow="script_creative"', 'inline'),
      }),
  );
  await expect(page.locator('#s-framed')).toHaveAttribute('data-slotwise-state', 'decided');
  const frame = page.frameLocator('#s-framed iframe');
  await expect(frame.locator('#box')).toHaveText('ran in frame');
  await expect(frame.locator('#box')).toHaveAttribute('data-blocked', '1');
  await expect.poll(async () => Math.round((await page.locator('#s-framed iframe').boundingBox())!.height)).toBe(120);
  expect(await page.locator('#s-framed iframe').getAttribute('sandbox')).toBe(
    'allow-scripts allow-popups allow-popups-to-escape-sandbox',
  );
  // The same creative inline is sanitized: its script is gone and never ran.
  await expect(page.locator('#s-inline')).toHaveText('creative');
  expect(await page.locator('#s-inline script').count()).toBe(0);
  expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
});

test('slots show their defaults when the tag cannot start: bad options at once, no init after 1 s', async ({
  page,
  sandbox,
}) => {
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript({ clientKey: 'bad key', target: sandbox.url, pointOfSale: 'e2e' }) +
          slot('data-slotwise-flow="hero"', 'a'),
      }),
  );
  await expect(page.locator('#s-a')).toBeVisible({ timeout: 1000 });
  await expect(page.locator('#s-a')).toContainText('DEFAULT');

  await page.goto(sandbox.siteUrl + writePage({ body: slot('data-slotwise-flow="hero"', 'b') }));
  await expect(page.locator('#s-b')).toBeHidden();
  await expect(page.locator('#s-b')).toBeVisible({ timeout: 2000 });
});

/** Answers a decision API's requests with the sandbox's own answer, changed by `change` (its headers kept). */
const rewrite = <T extends object = Record<string, unknown>>(page: Page, path: string, change: (json: T) => unknown) =>
  page.route(`**${path}*`, async (route) => {
    if (route.request().method() == 'OPTIONS') return route.fallback();
    const response = await route.fetch();
    await route.fulfill({ response, body: JSON.stringify(change(await response.json())) });
  });
const collectErrors =
  "window.__errors = []; slotwise('on', 'error', ({ error }) => window.__errors.push(error.message));";

test('a 10 MB decision answer is given up on at the limit: the page never freezes and the slot keeps its default', async ({
  page,
  sandbox,
}) => {
  await page.addInitScript(() => {
    (window as unknown as { __longest: number }).__longest = 0;
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => {
        const w = window as unknown as { __longest: number };
        w.__longest = Math.max(w.__longest, e.duration);
      }),
    ).observe({ type: 'longtask', buffered: true });
  });
  // 10 MB of campaign HTML: sanitized whole, it held the main thread for seconds.
  const huge = `<div class="filled">${'<p class="c"><img src="/x.png" alt="a"><b>offer</b></p>'.repeat(180_000)}</div>`;
  await rewrite(page, '/v2/callFlows', (json) => ({ ...json, html: huge }));
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox), collectErrors) +
          slot('data-slotwise-flow="hero"', 'hero') +
          slot('data-slotwise-placement="home_page.p1"', 'p1'),
      }),
  );
  await expect.poll(() => states(page)).toEqual({ 's-hero': 'error', 's-p1': 'decided' });
  await expect(page.locator('#s-hero')).toHaveText('DEFAULT hero');
  await expect(page.locator('#s-p1')).toHaveText('Placement 1');
  const said = `${sandbox.url}/v2/callFlows answered over 512 kB, the limit for a decision`;
  expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([said]);
  // The page's own call says so too.
  expect(await page.evaluate(() => window.slotwise('flow', 'hero'))).toMatchObject({
    ok: false,
    reason: 'rejected',
    error: { message: said },
  });
  // Nothing held the main thread for long.
  expect(await page.evaluate(() => (window as unknown as { __longest: number }).__longest)).toBeLessThan(500);
});

test("a framed creative cannot make the page taller than the frame limit, and only its own frame's messages size it", async ({
  page,
  sandbox,
}) => {
  const creative = `<div style="height:150px">framed ad</div><script>
    for (const h of [1e7, Infinity, NaN, -1, '9999']) parent.postMessage({ slotwiseHeight: h }, '*');
    const spam = setInterval(() => parent.postMessage({ slotwiseHeight: 1e7 }, '*'), 50);
    setTimeout(() => clearInterval(spam), 300);
  </script>`;
  await rewrite(page, '/v2/callFlows', (json) => ({ ...json, html: creative }));
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox)) +
          slot('data-slotwise-flow="script_creative" data-slotwise-render="iframe"', 'framed'),
      }),
  );
  await expect(page.locator('#s-framed')).toHaveAttribute('data-slotwise-state', 'decided');
  await expect(page.frameLocator('#s-framed iframe').locator('text=framed ad')).toBeVisible();
  await page.waitForTimeout(500);
  const height = async () => Math.round((await page.locator('#s-framed iframe').boundingBox())!.height);
  expect(await height()).toBe(4000);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(4200);
  // The page's own window, or another frame, posting a height: not the frame's own window, ignored.
  await page.evaluate(() => {
    const frame = document.querySelector<HTMLIFrameElement>('#s-framed iframe')!;
    frame.style.height = '123px';
    postMessage({ slotwiseHeight: 2000 }, '*');
    const other = document.body.appendChild(
      Object.assign(document.createElement('iframe'), {
        srcdoc: '<script>parent.postMessage({ slotwiseHeight: 3000 }, "*")</script>',
      }),
    );
    other.setAttribute('data-slotwise-frame', '');
  });
  await page.waitForTimeout(300);
  expect([123, 150]).toContain(await height()); // as set, or the creative's real height: never 2000 or 3000
});

test("a tracking URL off the placements API's host is never requested, and is reported; the API's own is pinged", async ({
  page,
  sandbox,
}) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await rewrite(
    page,
    '/rrserver/api/personalize',
    (json: { placements: { placement: string; creatives: { trackingUrl: string }[] }[] }) => ({
      ...json,
      placements: json.placements.map((p: { placement: string; creatives: { trackingUrl: string }[] }) =>
        p.placement == 'home_page.p1'
          ? { ...p, creatives: p.creatives.map((c) => ({ ...c, trackingUrl: '/account/delete?id=1' })) }
          : p,
      ),
    }),
  );
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body:
          initScript(optionsFor(sandbox), collectErrors) +
          slot('data-slotwise-placement="home_page.p1"', 'p1') +
          slot('data-slotwise-placement="home_page.p2"', 'p2'),
      }),
  );
  await expect.poll(() => states(page)).toEqual({ 's-p1': 'decided', 's-p2': 'decided' });
  // The slot still shows its content; only the ping is refused.
  await expect(page.locator('#s-p1')).toHaveText('Placement 1');
  await expect.poll(() => requested.filter((url) => url.includes('/rrserver/track'))).toHaveLength(1);
  expect(requested.filter((url) => url.includes('/account/delete'))).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([
    "Not pinged: trackingUrl /account/delete?id=1 is not an http(s) URL on the API's host",
  ]);
});
