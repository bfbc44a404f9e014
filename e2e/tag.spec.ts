// The built tag, loaded through the paste-in snippet on a page served by the sandbox, talking
// to the sandbox's Sitecore API cross-origin (page on localhost, API on 127.0.0.1).
import type { Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { expect, test, type SandboxFixture } from './fixtures';
import { initScript, writePage } from './pages';
import type { SlotwiseInPage } from './in-page';

declare global {
  interface Window {
    slotwise: SlotwiseInPage;
  }
}

const newKey = () => `e2e${nanoid(10).replace(/-/g, '_')}`;
const optionsFor = (sandbox: SandboxFixture, clientKey: string, extra: object = {}) => ({
  clientKey,
  target: sandbox.url,
  pointOfSale: 'e2e/uk',
  currency: 'EUR',
  ...extra,
});
const browserIdOf = async (page: Page) =>
  ((await page.evaluate(() => window.slotwise('browserId'))) as { browserId: string }).browserId;
const eventsOf = async (sandbox: SandboxFixture, browserId: string) => (await sandbox.guest(browserId))?.events ?? [];

test('the browser id cookie is set once, with safe attributes, and reused after a reload', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  const url = sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox, clientKey), "slotwise('view')") });
  await page.goto(url);
  const browserId = await browserIdOf(page);
  expect(browserId).toMatch(/^[0-9a-f-]{36}$/);
  const [cookie] = (await page.context().cookies()).filter((c) => c.name == `bid_${clientKey}`);
  expect(cookie).toMatchObject({
    value: browserId,
    path: '/',
    sameSite: 'Lax',
    secure: false,
    domain: 'localhost',
    httpOnly: false,
  });
  expect((cookie!.expires - Date.now() / 1000) / 86400).toBeGreaterThan(399);

  await page.reload();
  expect(await browserIdOf(page)).toBe(browserId);
  await expect.poll(async () => (await eventsOf(sandbox, browserId)).length).toBe(2);
  expect(await sandbox.requests({ path: '/v1.2/browser/create.json', method: 'GET' })).toHaveLength(1);
});

test('VIEW, ADD and FORCE_CLOSE arrive in order with the contract fields, and close the session with its abandoned value', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  const url = sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox, clientKey)) }, `shoes-${clientKey}`);
  await page.goto(`${url}?utm_source=newsletter&utm_campaign=spring`);
  const results = await page.evaluate(() =>
    Promise.all([
      window.slotwise('view'),
      window.slotwise('add', { item_id: 'SKU-1', name: 'Sneaker', price: 19.99, quantity: 2 }),
      window.slotwise('add', { item_id: 'SKU-2', name: 'Socks', price: 5 }),
      window.slotwise('forceClose'),
    ]),
  );
  expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
  const browserId = await browserIdOf(page);
  const guest = await sandbox.guest(browserId);
  expect(guest!.events.map((e) => e.type)).toEqual(['VIEW', 'ADD', 'ADD', 'FORCE_CLOSE']);
  const base = {
    channel: 'WEB',
    language: 'EN',
    currency: 'EUR',
    pos: 'e2e/uk',
    client_key: clientKey,
    browser_id: browserId,
    page: `shoes-${clientKey}.html`,
  };
  expect(guest!.events[0]!.message).toMatchObject({
    ...base,
    type: 'VIEW',
    utm_source: 'newsletter',
    utm_campaign: 'spring',
  });
  expect(guest!.events[1]!.message).toMatchObject({
    ...base,
    product: { item_id: 'SKU-1', price: 19.99, quantity: 2, currency: 'EUR' },
  });
  expect(Object.keys(guest!.events[3]!.message).sort()).toEqual([...Object.keys(base), 'type', 'ext'].sort());
  expect(guest!.sessions).toMatchObject([{ status: 'CLOSED', closedBy: 'FORCE_CLOSE', abandonedValue: 44.98 }]);
  expect(guest!.events.map((e) => e.eventId)).toEqual(results.map((r) => r.eventId));
});

test('an ADD followed at once by a navigation is delivered, even when queued behind a slow request', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  const next = writePage({ body: '<p>a page without the tag</p>' });
  // The VIEW's request is slow, so the ADD is still waiting in the queue when the page goes away;
  // the next page has no tag, so only the pagehide flush (fetch keepalive) can deliver it.
  await sandbox.fault({ path: '/v1.2/events', delayMs: 800, count: 1 });
  const url =
    sandbox.siteUrl +
    writePage({
      body:
        initScript(optionsFor(sandbox, clientKey, { browserId: 'local' }), "slotwise('view')") +
        `<button id="buy" onclick="slotwise('add', { item_id: 'SKU-9', price: 10 }); location.href = '${next}'">Buy</button>`,
    });
  await page.goto(url);
  const browserId = await browserIdOf(page);
  await expect.poll(async () => (await sandbox.requests({ path: '/v1.2/events', method: 'POST' })).length).toBe(1);
  await page.click('#buy');
  await page.waitForURL(`**${next}`);
  await expect
    .poll(async () => (await eventsOf(sandbox, browserId)).map((e) => e.type).sort(), { timeout: 5000 })
    .toEqual(['ADD', 'VIEW']);
  const adds = await sandbox.requests({ path: '/v1.2/events', method: 'POST' });
  expect(adds).toHaveLength(2);
});

test('a FORCE_CLOSE made just before leaving never overtakes the ADD before it: it goes out on the next page, in order', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  const next = writePage({ body: '<p>a page without the tag</p>' });
  await sandbox.fault({ path: '/v1.2/events', delayMs: 800, count: 1 }); // the VIEW is slow to answer
  const url =
    sandbox.siteUrl +
    writePage({
      body:
        initScript(optionsFor(sandbox, clientKey, { browserId: 'local' }), "slotwise('view')") +
        `<button id="close" onclick="slotwise('add', { item_id: 'SKU-9', price: 10 }); slotwise('forceClose'); location.href = '${next}'">Close</button>`,
    });
  await page.goto(url);
  const browserId = await browserIdOf(page);
  await expect.poll(async () => (await sandbox.requests({ path: '/v1.2/events', method: 'POST' })).length).toBe(1);
  await page.click('#close');
  await page.waitForURL(`**${next}`);
  // The ADD left with the page; the FORCE_CLOSE behind it waited, since side by side it could win.
  await expect
    .poll(async () => (await eventsOf(sandbox, browserId)).map((e) => e.type).sort(), { timeout: 5000 })
    .toEqual(['ADD', 'VIEW']);
  await page.waitForTimeout(500);
  expect((await eventsOf(sandbox, browserId)).map((e) => e.type)).not.toContain('FORCE_CLOSE');

  await page.goto(url); // the visitor comes back: the queue goes on in order
  await expect
    .poll(async () => (await eventsOf(sandbox, browserId)).map((e) => e.type), { timeout: 5000 })
    .toContain('FORCE_CLOSE');
  const guest = (await sandbox.guest(browserId))!;
  expect(guest.sessions[0]).toMatchObject({ status: 'CLOSED', closedBy: 'FORCE_CLOSE', abandonedValue: 10 });
});

test('503 bursts and a 429 with Retry-After end with every event stored exactly once, in order', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  await sandbox.fault({ path: '/v1.2/events', status: 503, count: 2 });
  await sandbox.fault({ path: '/v1.2/events', status: 429, retryAfter: '1', count: 1 });
  await sandbox.fault({ path: '/v1.2/events', status: 503, count: 1 });
  await page.goto(
    sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox, clientKey, { browserId: 'local' })) }),
  );
  const browserId = await browserIdOf(page);
  const started = Date.now();
  const results = await page.evaluate(() =>
    Promise.all(['E1', 'E2', 'E3', 'E4', 'E5'].map((type) => window.slotwise('event', type))),
  );
  expect(results.every((r) => r.ok)).toBe(true);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // the Retry-After was waited out
  const events = await eventsOf(sandbox, browserId);
  expect(events.map((e) => e.type)).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
  expect(new Set(events.map((e) => e.eventId)).size).toBe(5);
  expect((await sandbox.requests({ path: '/v1.2/events', method: 'POST' })).length).toBe(9);
});

test('two tabs sharing the queue lose and duplicate nothing', async ({ context, sandbox }) => {
  const clientKey = newKey();
  await sandbox.fault({ path: '/v1.2/events', status: 503, count: 4 });
  const url = sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox, clientKey, { browserId: 'local' })) });
  const [tabA, tabB] = [await context.newPage(), await context.newPage()];
  await tabA.goto(url);
  const browserId = await browserIdOf(tabA);
  await tabB.goto(url);
  expect(await browserIdOf(tabB)).toBe(browserId);
  const send = (tab: Page, name: string) =>
    tab.evaluate(
      (name) => Promise.all(Array.from({ length: 10 }, (_, i) => window.slotwise('event', `${name}_${i}`))),
      name,
    );
  const [a, b] = await Promise.all([send(tabA, 'A'), send(tabB, 'B')]);
  expect([...a, ...b].every((r) => r.ok)).toBe(true);
  const events = await eventsOf(sandbox, browserId);
  expect(events).toHaveLength(20);
  expect(new Set(events.map((e) => e.eventId)).size).toBe(20);
  // Each tab's own events stay in the order they were made.
  for (const name of ['A', 'B']) {
    const mine = events.map((e) => e.type).filter((t) => t.startsWith(name));
    expect(mine).toEqual(Array.from({ length: 10 }, (_, i) => `${name}_${i}`));
  }
});

test('with consent pending: no API request, no cookie, no storage; granted sends what waited', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body: initScript(
          optionsFor(sandbox, clientKey, { consent: 'pending' }),
          "slotwise('view'); slotwise('add', { item_id: 'SKU-1' })",
        ),
      }),
  );
  await page.waitForFunction(() => (window.slotwise as unknown as { loaded?: boolean }).loaded);
  await page.waitForTimeout(500);
  const apiRequests = (await sandbox.requests()).filter((r) => r.path.startsWith('/v1.2/'));
  expect(apiRequests).toEqual([]);
  expect(await page.context().cookies()).toEqual([]);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);

  await page.evaluate(() => window.slotwise('consent', 'granted'));
  const browserId = await browserIdOf(page);
  await expect.poll(async () => (await eventsOf(sandbox, browserId)).map((e) => e.type)).toEqual(['VIEW', 'ADD']);
});

test('calls made before the library loads are replayed in order with the URL they were made on', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  // Hold the library back so the calls below hit the stub.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/dist/slotwise.min.js', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(
    sandbox.siteUrl +
      writePage({
        twice: true,
        body: initScript(
          optionsFor(sandbox, clientKey, { browserId: 'local' }),
          "slotwise('view'); history.pushState({}, '', 'second-page?utm_medium=email'); window.pending = slotwise('view');",
        ),
      }),
    { waitUntil: 'domcontentloaded' },
  );
  release();
  const result = await page.evaluate(() => (window as unknown as { pending: Promise<{ ok: boolean }> }).pending);
  expect(result).toMatchObject({ ok: true });
  const browserId = await browserIdOf(page);
  const events = await eventsOf(sandbox, browserId);
  expect(events.map((e) => [e.type, e.message.page, e.message.utm_medium])).toEqual([
    ['VIEW', expect.stringMatching(/\.html$/), undefined],
    ['VIEW', 'second-page', 'email'],
  ]);
  // The snippet was pasted twice: the library still loaded once.
  expect(await sandbox.requests({ path: '/dist/slotwise.min.js' })).toHaveLength(1);
});

test('options from data- attributes work, and bad options log one error without breaking the page', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  await page.goto(
    sandbox.siteUrl +
      writePage({
        snippetAttributes: `data-client-key="${clientKey}" data-target="${sandbox.url}" data-point-of-sale="e2e/uk" data-currency="EUR" data-browser-id="local"`,
        body: "<script>slotwise('view')</script>",
      }),
  );
  const browserId = await browserIdOf(page);
  await expect.poll(async () => (await eventsOf(sandbox, browserId)).map((e) => e.type)).toEqual(['VIEW']);

  const errors: string[] = [];
  const pageErrors: Error[] = [];
  page.on('console', (m) => m.type() == 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body: initScript(
          { clientKey: newKey(), target: sandbox.url, pointOfSale: 'e2e', channel: 'TV' },
          "window.answer = slotwise('view'); document.body.dataset.after = 'ran';",
        ),
      }),
  );
  expect(await page.evaluate(() => (window as unknown as { answer: Promise<unknown> }).answer)).toMatchObject({
    ok: false,
    reason: 'invalid',
  });
  expect(errors).toEqual([expect.stringContaining('option "channel" must be')]);
  expect(pageErrors).toEqual([]);
  expect(await page.evaluate(() => document.body.dataset.after)).toBe('ran');
});

test('a blocked library or an odd call never hangs or throws into the page', async ({ page, sandbox }) => {
  const pageErrors: Error[] = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  // An ad blocker stops the library: queued and later calls resolve as blocked.
  await page.route('**/dist/slotwise.min.js', (route) => route.abort('blockedbyclient'));
  await page.goto(sandbox.siteUrl + writePage({ body: "<script>window.early = slotwise('view')</script>" }));
  expect(await page.evaluate(() => (window as unknown as { early: Promise<unknown> }).early)).toEqual({
    ok: false,
    reason: 'blocked',
  });
  expect(await page.evaluate(() => window.slotwise('add', { item_id: 'a' }))).toEqual({ ok: false, reason: 'blocked' });
  await page.unroute('**/dist/slotwise.min.js');

  // A call queued before a bad init, and calls that are not methods, resolve with a reason.
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body: `<script>window.early = slotwise('view'); slotwise('init', { clientKey: 'bad key', target: '${sandbox.url}', pointOfSale: 'e2e' });</script>`,
      }),
  );
  expect(await page.evaluate(() => (window as unknown as { early: Promise<unknown> }).early)).toMatchObject({
    ok: false,
    reason: 'invalid',
  });
  await page.goto(
    sandbox.siteUrl + writePage({ body: initScript(optionsFor(sandbox, newKey(), { browserId: 'local' })) }),
  );
  for (const odd of [['hasOwnProperty', 'x'], ['nope'], [42]])
    expect(await page.evaluate((args) => window.slotwise(...args), odd)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  // on() with an unknown event or no listener hands back a harmless unsubscribe function.
  expect(await page.evaluate(async () => typeof (await window.slotwise('on', 'not-an-event', null)))).toBe('function');
  expect(await page.evaluate(() => window.slotwise('view'))).toMatchObject({ ok: true });
  expect(pageErrors).toEqual([]);
});

test('?slotwise_debug=1 requests no file of ours while consent is pending or denied; the overlay loads once it is granted', async ({
  page,
  sandbox,
}) => {
  const chunks: string[] = [];
  page.on('request', (r) => /\/dist\/slotwise-[\w-]+\.min\.js/.test(r.url()) && chunks.push(new URL(r.url()).pathname));
  const slot = '<div data-slotwise-flow="hero_e2e">default hero</div>';
  for (const consent of ['denied', 'pending']) {
    await page.goto(
      sandbox.siteUrl +
        writePage({ body: slot + initScript(optionsFor(sandbox, newKey(), { consent, browserId: 'local' })) }) +
        '?slotwise_debug=1',
    );
    await page.waitForFunction(() => (window.slotwise as unknown as { loaded?: boolean }).loaded);
    await page.waitForTimeout(500);
    expect(chunks, `consent ${consent}`).toEqual([]);
    await expect(page.getByText('default hero')).toBeVisible(); // the slot shows its default content
  }
  expect(await page.evaluate(() => window.slotwise('consent', 'granted'))).toEqual({ ok: true });
  await expect.poll(() => chunks).toContain('/dist/slotwise-debug.min.js');
  await expect(page.locator('.slotwise-bar')).toBeVisible();
});

test('an init whose options throw, queued by the snippet, resolves invalid with the calls after it, and throws nothing into the page', async ({
  page,
  sandbox,
}) => {
  const pageErrors: Error[] = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(
    sandbox.siteUrl +
      writePage({
        body: `<script>
      window.init = slotwise('init', { clientKey: 'k', target: '${sandbox.url}', pointOfSale: 'e2e', currency: 'EUR', get consent() { throw new Error('getter'); } });
      window.after = slotwise('add', { get item_id() { throw null; } });
    </script>`,
      }),
  );
  const [init, after] = await page.evaluate(() =>
    Promise.all([
      (window as unknown as { init: Promise<unknown> }).init,
      (window as unknown as { after: Promise<unknown> }).after,
    ]),
  );
  expect(init).toMatchObject({ ok: false, reason: 'invalid' });
  expect(after).toMatchObject({ ok: false, reason: 'invalid' });
  expect(pageErrors).toEqual([]);
});
