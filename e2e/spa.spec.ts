// Single-page apps without a framework binding: route changes as a framework commits them (the URL
// first, the new view a task later), slots that stay mounted, a slot whose context changes, and the
// rule that hides slots before they paint when there is no snippet.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { expect, test, type SandboxFixture } from './fixtures';
import { initScript, writePage } from './pages';

test.use({ catalog: fileURLToPath(new URL('./catalogs/render.json', import.meta.url)) });

declare global {
  interface Window {
    go(path: string): void;
    __blank: number;
    __seenDefaults: string[];
  }
}

const clientKey = () => `s${nanoid(10).replace(/-/g, '_')}`;
const optionsFor = (sandbox: SandboxFixture, extra: object = {}) => ({
  clientKey: clientKey(),
  target: sandbox.url,
  pointOfSale: 'e2e/uk',
  currency: 'EUR',
  browserId: 'local',
  revealAfterMs: 5000,
  placements: { target: sandbox.url, apiKey: 'key', apiClientKey: 'client' },
  ...extra,
});
const SLOTS = '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]';

/** The decision requests the sandbox received, each as `api:what`. */
async function asked(sandbox: SandboxFixture): Promise<string[]> {
  const requests = await sandbox.requests();
  return requests.flatMap((r) => {
    // The only flow these pages ask for is the header's banner.
    if (r.method === 'POST' && r.path === '/v2/callFlows') return ['flow:banner'];
    if (r.method === 'GET' && r.path === '/rrserver/api/personalize')
      return [`placements:${String(r.query.placements)}${r.query.productId ? `@${String(r.query.productId)}` : ''}`];
    return [];
  });
}
/** The same, in a stable order (requests made together arrive in any order). */
const sortedAsks = (sandbox: SandboxFixture) => () => asked(sandbox).then((list) => list.sort());

// An SPA as React, Vue or Svelte behave: the router pushes the URL, then the framework commits the
// new view in a later task (a MessageChannel, as React's scheduler does); a view that stays (the
// product page) keeps its elements and gets new attributes.
const app = `<header><div id="s-header" data-slotwise-flow="banner" style="min-height:40px">DEFAULT header</div></header>
<main id="view"></main>
<script>
  const views = {
    home: () => '<div id="s-p1" data-slotwise-placement="home_page.p1" style="min-height:40px">DEFAULT p1</div>' +
      '<div id="s-p2" data-slotwise-placement="home_page.p2" style="min-height:40px">DEFAULT p2</div>',
    product: (id) => '<div id="s-recs" data-slotwise-placement="item_page.recs" data-slotwise-context=\\'{"productId":"' + id + '"}\\' style="min-height:40px">DEFAULT recs</div>',
  };
  const commit = () => {
    const product = /product\\/(\\w+)/.exec(location.pathname);
    const recs = document.getElementById('s-recs');
    if (product && recs) recs.dataset.slotwiseContext = JSON.stringify({ productId: product[1] });
    else document.getElementById('view').innerHTML = product ? views.product(product[1]) : views.home();
  };
  commit();
  const channel = new MessageChannel();
  channel.port1.onmessage = commit;
  window.go = (path) => { history.pushState({}, '', path); channel.port2.postMessage(0); };
  addEventListener('popstate', () => channel.port2.postMessage(0));
  // Every frame once the header was first decided: does it show nothing, or its default, again?
  window.__blank = 0;
  const look = () => {
    const header = document.getElementById('s-header');
    if (header.hasAttribute('data-slotwise-state') || window.__blank)
      if (getComputedStyle(header).visibility !== 'visible' || header.textContent.includes('DEFAULT')) window.__blank++;
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
</script>`;

const decided = (page: Page, id: string) => expect(page.locator(`#${id}`)).toHaveAttribute('data-slotwise-state', /./);

test('autoPage: each route is decided once its view is in the page, for that view, and a mounted slot keeps its content', async ({
  page,
  sandbox,
}) => {
  await page.goto(sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox, { autoPage: true })) + app }));
  await decided(page, 's-header');
  await decided(page, 's-p2');
  await expect.poll(sortedAsks(sandbox)).toEqual(['flow:banner', 'placements:home_page.p1|home_page.p2']);

  // Home → product A: the home slots are gone by the time the route is decided, and never asked again.
  await sandbox.clearRequests();
  await page.evaluate(() => window.go('product/A'));
  await decided(page, 's-recs');
  await expect.poll(sortedAsks(sandbox)).toEqual(['flow:banner', 'placements:item_page.recs@A']);

  // Product A → product B: the same element, a new context; asked for B only, once.
  await sandbox.clearRequests();
  await page.evaluate(() => window.go('B'));
  await expect.poll(sortedAsks(sandbox)).toEqual(['flow:banner', 'placements:item_page.recs@B']);
  await page.waitForTimeout(500); // nothing else follows
  expect(await sortedAsks(sandbox)()).toEqual(['flow:banner', 'placements:item_page.recs@B']);

  // Back to A: a new URL again, decided once.
  await sandbox.clearRequests();
  await page.goBack();
  await expect.poll(sortedAsks(sandbox)).toEqual(['flow:banner', 'placements:item_page.recs@A']);

  // The header stayed mounted all along: it was never blank or back to its default in any frame.
  expect(await page.evaluate(() => window.__blank)).toBe(0);
  await expect(page.locator('#s-header')).toHaveText('Personal banner');
});

test("a view that writes a slot's attributes again unchanged asks nothing more: a #hash, two routes at once, a decision listener", async ({
  page,
  sandbox,
}) => {
  const options = {
    clientKey: clientKey(),
    target: sandbox.url,
    pointOfSale: 'e2e/uk',
    currency: 'EUR',
    browserId: 'local',
    autoPage: true,
    revealAfterMs: 5000,
    placements: { target: sandbox.url, apiKey: 'key', apiClientKey: 'client' },
  };
  // Page code that renders the slot's context from its own state whenever a decision arrives.
  const listener = `<script>document.addEventListener('slotwise:decision', (event) => {
    const recs = document.getElementById('s-recs');
    if (event.target === recs) recs.dataset.slotwiseContext = recs.dataset.slotwiseContext;
  });</script>`;
  await page.goto(sandbox.siteUrl + writePage({ body: initScript(options) + app + listener }) + '?/');
  await decided(page, 's-p2');
  await page.evaluate(() => window.go('product/A'));
  await decided(page, 's-recs');
  await expect.poll(() => asked(sandbox).then((a) => a.sort())).toContain('placements:item_page.recs@A');
  await page.waitForTimeout(500); // the listener has written the context again by now
  await sandbox.clearRequests();
  // The same product, at its reviews: the view commits again, with the same context.
  await page.evaluate(() => window.go('#reviews'));
  await page.waitForTimeout(500);
  expect(await asked(sandbox)).toEqual([]);
  // Two routes before the view commits: it commits twice, for the last one.
  await page.evaluate(() => {
    window.go('B');
    window.go('C');
  });
  await expect.poll(() => asked(sandbox).then((a) => a.sort())).toEqual(['flow:banner', 'placements:item_page.recs@C']);
  await page.waitForTimeout(500);
  expect((await asked(sandbox)).sort()).toEqual(['flow:banner', 'placements:item_page.recs@C']);
});

test('page() for the view just decided asks nothing; { again: true } asks anew; render(slot, { again: true }) asks for that slot', async ({
  page,
  sandbox,
}) => {
  await page.goto(sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox)) + app }));
  await decided(page, 's-header');
  await expect.poll(sortedAsks(sandbox)).toEqual(['flow:banner', 'placements:home_page.p1|home_page.p2']);
  await sandbox.clearRequests();
  // As a route hook does on the first view, twice under React's StrictMode.
  await page.evaluate(() => Promise.all([window.slotwise('page'), window.slotwise('page', location.href)]));
  expect(await asked(sandbox)).toEqual([]);
  await page.evaluate(() => window.slotwise('render', document.getElementById('s-header'), { again: true }));
  expect(await asked(sandbox)).toEqual(['flow:banner']);
  await page.evaluate(() => window.slotwise('page', undefined, { again: true }));
  expect(await sortedAsks(sandbox)()).toEqual(['flow:banner', 'flow:banner', 'placements:home_page.p1|home_page.p2']);
  expect(await page.evaluate(() => window.__blank)).toBe(0);
});

test('a script tag in the <head>, without the snippet: no slot shows its default before it is decided', async ({
  page,
  sandbox,
}) => {
  await page.addInitScript((selector) => {
    window.__seenDefaults = [];
    const look = () => {
      for (const el of document.querySelectorAll<HTMLElement>(selector))
        if (getComputedStyle(el).visibility === 'visible' && el.textContent!.includes('DEFAULT'))
          window.__seenDefaults.push(el.id);
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  }, SLOTS);
  const head = `<script src="/dist/slotwise.min.js" data-client-key="${clientKey()}" data-target="${sandbox.url}" data-point-of-sale="e2e/uk" data-currency="EUR" data-browser-id="local" data-reveal-after-ms="5000"></script>`;
  // Slots arrive while the page is still being parsed, a little at a time.
  const body = ['hero', 'banner', 'promo_a']
    .map(
      (flow) =>
        `<div id="s-${flow}" data-slotwise-flow="${flow}" style="min-height:40px">DEFAULT ${flow}</div><script>for (const t = Date.now(); Date.now() - t < 60;);</script>`,
    )
    .join('');
  await page.goto(sandbox.siteUrl + writePage({ head, body }));
  for (const flow of ['hero', 'banner', 'promo_a'])
    await expect(page.locator(`#s-${flow}`)).toHaveAttribute('data-slotwise-state', 'decided');
  expect(await page.evaluate(() => window.__seenDefaults)).toEqual([]);
});

test('a slow script holding up parsing: the slots still show after revealAfterMs, with the snippet and without', async ({
  page,
  sandbox,
}) => {
  // A parser-blocking script after the slots: the page stays unparsed for 3 s.
  await page.route('**/slow.js', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await route.fulfill({ body: '', contentType: 'text/javascript' }).catch(() => {});
  });
  const options = { clientKey: clientKey(), target: sandbox.url, pointOfSale: 'e2e/uk', currency: 'EUR' };
  const scriptTag = `<script src="/dist/slotwise.min.js" data-client-key="${options.clientKey}" data-target="${sandbox.url}" data-point-of-sale="e2e/uk" data-currency="EUR"></script>`;
  const body =
    '<div id="s1" data-slotwise-flow="hero" style="min-height:40px">DEFAULT hero</div><script src="/slow.js"></script>';
  for (const spec of [{ body: initScript(options) + body }, { head: scriptTag, body }]) {
    await page.goto(sandbox.siteUrl + writePage(spec), { waitUntil: 'commit' });
    await page.locator('#s1').waitFor({ state: 'attached' });
    await expect
      .poll(() => page.locator('#s1').evaluate((el) => getComputedStyle(el).visibility), { timeout: 2000 })
      .toBe('visible'); // revealAfterMs (1 s) from navigation start
    expect(await page.evaluate(() => document.readyState)).toBe('loading');
  }
});

test('hideBeforePaint, in a server-rendered <head>: slots wait hidden, and show after 3 s if no script ever runs', async ({
  page,
  sandbox,
}) => {
  const css = readFileSync(fileURLToPath(new URL('../dist/hide-before-paint.css', import.meta.url)), 'utf8');
  const body =
    '<div id="s-p1" data-slotwise-placement="home_page.p1" style="min-height:40px">DEFAULT p1</div><p id="text">Text</p>';
  await page.goto(sandbox.siteUrl + writePage({ head: `<style>${css}</style>`, body }));
  const visibility = () => page.locator('#s-p1').evaluate((el) => getComputedStyle(el).visibility);
  expect(await visibility()).toBe('hidden');
  await expect(page.locator('#text')).toBeVisible();
  const box = await page.locator('#s-p1').boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(40); // hidden, its box kept: nothing moves when it shows
  await expect.poll(visibility, { timeout: 5000 }).toBe('visible');
});

// Once the tag runs, hideBeforePaint stands down and the tag alone hides and shows slots: without
// consent and when it cannot start, at once; lazy slots, until decided (the rule's 3 s animation,
// which beats any rule that is not !important, would otherwise show their defaults first).
test.describe('hideBeforePaint once the tag runs', () => {
  const head = (sandbox: SandboxFixture, attributes = '') =>
    `<style>${readFileSync(fileURLToPath(new URL('../dist/hide-before-paint.css', import.meta.url)), 'utf8')}</style>` +
    `<script src="/dist/slotwise.min.js" data-client-key="${clientKey()}" data-target="${sandbox.url}" data-point-of-sale="e2e/uk" data-currency="EUR" ${attributes}></script>`;
  const visibility = (page: Page, id: string) =>
    page.locator(`#${id}`).evaluate((el) => getComputedStyle(el).visibility);

  test('consent pending: a slot the SPA adds shows its default at once, not after 3 s', async ({ page, sandbox }) => {
    await page.goto(
      sandbox.siteUrl +
        writePage({
          head: head(sandbox, 'data-consent="pending"'),
          body: '<div id="s1" data-slotwise-flow="hero">DEFAULT</div>',
        }),
    );
    await expect(page.locator('#s1')).toHaveAttribute('data-slotwise-state', 'default');
    await page.evaluate(() =>
      document.body.insertAdjacentHTML('beforeend', '<div id="s2" data-slotwise-flow="banner">DEFAULT 2</div>'),
    );
    await expect.poll(() => visibility(page, 's2'), { timeout: 1000 }).toBe('visible');
  });

  test('the tag cannot start, for a wrong option: slots show at once, not after 3 s', async ({ page, sandbox }) => {
    const body = '<div id="s1" data-slotwise-flow="hero">DEFAULT</div>';
    await page.goto(sandbox.siteUrl + writePage({ head: head(sandbox).replace('"EUR"', '"nope"'), body }));
    await expect.poll(() => visibility(page, 's1'), { timeout: 1000 }).toBe('visible');
  });

  test('the slot code cannot load: slots show at once, not after 3 s', async ({ page, sandbox }) => {
    await page.route('**/slotwise-slots.min.js', (route) => route.abort());
    const body = '<div id="s1" data-slotwise-flow="hero">DEFAULT</div>';
    await page.goto(sandbox.siteUrl + writePage({ head: head(sandbox, 'data-browser-id="local"'), body }));
    await expect.poll(() => visibility(page, 's1'), { timeout: 1000 }).toBe('visible');
  });

  test('a lazy slot stays hidden until it is decided, as without hideBeforePaint', async ({ page, sandbox }) => {
    const body =
      '<div id="eager" data-slotwise-flow="hero">DEFAULT</div><div style="height:4000px"></div>' +
      '<div id="lazy" data-slotwise-flow="banner" data-slotwise-lazy style="min-height:40px">DEFAULT lazy</div>';
    await page.goto(sandbox.siteUrl + writePage({ head: head(sandbox, 'data-browser-id="local"'), body }));
    await expect(page.locator('#eager')).toHaveAttribute('data-slotwise-state', 'decided');
    await page.waitForTimeout(3500);
    // Not decided yet (not near the viewport), so the tag's rule hides it: the 3 s animation wins.
    expect(await page.locator('#lazy').getAttribute('data-slotwise-state')).toBeNull();
    expect(await visibility(page, 'lazy')).toBe('hidden');
  });
});
