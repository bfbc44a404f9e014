// Sitecore's own browser SDK (@sitecore/engage 1.4.3) runs against the sandbox unchanged:
// the sandbox accepts what the real SDK sends, so it is a fair stand-in for Sitecore CDP.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import { expect, test } from './fixtures';

const tmp = fileURLToPath(new URL('./.tmp/', import.meta.url));
const CLIENT_KEY = 'engageE2eClientKey0000000000001';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** npm ships Engage only as ESM/CJS (the IIFE lives on Sitecore's CDN), so bundle `init` ourselves. */
async function bundleEngage() {
  mkdirSync(tmp, { recursive: true });
  const entry = join(tmp, 'engage-entry.mjs');
  writeFileSync(entry, "export { init } from '@sitecore/engage';\n");
  const bundle = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })], logLevel: 'silent' });
  const part = join(tmp, `engage.iife.${process.pid}.js`);
  // Engage's web-personalization plugin is a dynamic import: inline it into the one file.
  await bundle.write({ file: part, format: 'iife', name: 'SitecoreEngage', inlineDynamicImports: true });
  await bundle.close();
  renameSync(part, join(tmp, 'engage.iife.js')); // atomic for a parallel worker reading it
}

test.beforeAll(bundleEngage);

declare global {
  interface Window {
    SitecoreEngage: { init(settings: Record<string, unknown>): Promise<EngageApi> };
    engage: EngageApi;
  }
}
interface EngageApi {
  pageView(data: Record<string, unknown>, ext?: Record<string, unknown>): Promise<EngageAnswer | null>;
  event(type: string, data: Record<string, unknown>, ext?: Record<string, unknown>): Promise<EngageAnswer | null>;
  identity(data: Record<string, unknown>): Promise<EngageAnswer | null>;
  getBrowserId(): string;
  getGuestId(): Promise<string>;
  form(formId: string, interactionType: string): Promise<EngageAnswer | null>;
  personalize(data: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown> | null>;
}
interface EngageAnswer {
  ref: string;
  status: string;
  version: string;
  client_key: string;
}

const product = {
  name: 'GHT 84 Lace Sneaker',
  type: 'FOOTWEAR',
  item_id: 'SHOES_8475GHT',
  productId: 'example_product_id',
  referenceId: 'FOOTWEAR-001-01',
  quantity: 2,
  price: 19.99,
  currency: 'EUR',
  originalPrice: 19.99,
  originalCurrencyCode: 'EUR',
};

test('Engage: init, pageView, ADD, identity and FORCE_CLOSE are accepted and filed', async ({
  page,
  context,
  sandbox,
}) => {
  // The page is on localhost, the API on 127.0.0.1: cross-origin, with preflights, like a real site.
  await page.goto(`${sandbox.siteUrl}/e2e/engage.html?utm_source=newsletter&utm_campaign=spring`);
  const settings = { clientKey: CLIENT_KEY, targetURL: sandbox.url, pointOfSale: 'sandbox/uk' };
  const browserId = await page.evaluate(async (s) => {
    window.engage = await window.SitecoreEngage.init(s);
    return window.engage.getBrowserId();
  }, settings);
  expect(browserId).toMatch(UUID_V4);

  // Engage hard-codes `SameSite=None; Secure`; Chromium stores it on http://localhost (a secure context).
  const cookie = (await context.cookies(sandbox.siteUrl)).find((c) => c.name === `bid_${CLIENT_KEY}`);
  expect(cookie).toMatchObject({ value: browserId, secure: true, sameSite: 'None' });

  const answers = await page.evaluate(async (p) => {
    const e = window.engage;
    const base = { channel: 'WEB', currency: 'EUR' };
    return [
      await e.pageView({ ...base, page: 'home' }, { customKey: 'customValue' }),
      await e.event('ADD', { ...base, page: 'product', product: p }, { addedFrom: 'pdp' }),
      await e.identity({
        ...base,
        email: 'jane.doe@example.com',
        firstName: 'Jane',
        lastName: 'Doe',
        identifiers: [{ id: 'jane.doe@example.com', provider: 'email' }],
      }),
      await e.event('FORCE_CLOSE', { ...base, page: 'checkout' }),
    ];
  }, product);
  for (const answer of answers) {
    expect(answer).toEqual({
      ref: expect.stringMatching(UUID_V4),
      status: 'OK',
      version: '1.2',
      client_key: CLIENT_KEY,
    });
  }

  const timeline = (await sandbox.guest(browserId))!;
  expect(timeline).not.toBeNull();
  expect(timeline.clientKey).toBe(CLIENT_KEY);
  expect(timeline.events.map((e) => e.type)).toEqual(['VIEW', 'ADD', 'IDENTITY', 'FORCE_CLOSE']);
  expect(timeline.events.map((e) => e.ref)).toEqual(answers.map((a) => a!.ref));
  const [view, add, identity, close] = timeline.events.map((e) => e.message);
  const baseFields = {
    browser_id: browserId,
    client_key: CLIENT_KEY,
    channel: 'WEB',
    currency: 'EUR',
    language: 'EN',
    pos: 'sandbox/uk',
  };
  expect(view).toMatchObject({
    ...baseFields,
    type: 'VIEW',
    page: 'home',
    utm_source: 'newsletter',
    utm_campaign: 'spring',
    ext: { customKey: 'customValue' },
  });
  expect(add).toMatchObject({ ...baseFields, type: 'ADD', page: 'product', product, ext: { addedFrom: 'pdp' } });
  expect(identity).toMatchObject({
    ...baseFields,
    type: 'IDENTITY',
    email: 'jane.doe@example.com',
    firstname: 'Jane',
    lastname: 'Doe',
    identifiers: [{ id: 'jane.doe@example.com', provider: 'email' }],
  });
  expect(close).toEqual({ ...baseFields, type: 'FORCE_CLOSE', page: 'checkout' });
  expect(timeline.events.every((e) => e.eventId === null)).toBe(true); // Engage has no event ids

  expect(timeline.identity).toEqual({
    email: 'jane.doe@example.com',
    firstname: 'Jane',
    lastname: 'Doe',
    identifiers: [{ id: 'jane.doe@example.com', provider: 'email' }],
  });
  expect(timeline.sessions).toHaveLength(1);
  expect(timeline.sessions[0]).toMatchObject({
    status: 'CLOSED',
    closedBy: 'FORCE_CLOSE',
    purchased: false,
    cart: [{ item_id: 'SHOES_8475GHT', name: 'GHT 84 Lace Sneaker', quantity: 2, price: 19.99, currency: 'EUR' }],
    abandonedValue: 39.98,
  });
  expect(timeline.cart).toEqual([]);
  expect(timeline.abandonedValue).toBe(39.98);

  // getGuestId → show.json → the guest ref the timeline shows.
  expect(await page.evaluate(() => window.engage.getGuestId())).toBe(timeline.guestRef);

  // A returning visitor: the cookie survives the reload, so no second create.json.
  await page.reload();
  const again = await page.evaluate(async (s) => (await window.SitecoreEngage.init(s)).getBrowserId(), settings);
  expect(again).toBe(browserId);

  const requests = await sandbox.requests();
  expect(requests.filter((r) => r.method === 'GET' && r.path === '/v1.2/browser/create.json')).toHaveLength(1);
  // Cross-origin: Engage's custom header costs a preflight, which the sandbox allows.
  const preflight = requests.find((r) => r.method === 'OPTIONS' && r.path === '/v1.2/events');
  expect(preflight).toMatchObject({ status: 204, headers: { origin: sandbox.siteUrl } });
  expect(requests.filter((r) => r.method === 'POST' && r.path === '/v1.2/events')).toHaveLength(4);
  const failed = requests.filter((r) => r.status === null || r.status >= 400);
  expect(failed, JSON.stringify(failed.map((r) => `${r.method} ${r.path} ${r.status}`))).toEqual([]);
});

test('Engage: form() and personalize by email and identifier are taken as Engage sends them', async ({
  page,
  sandbox,
}) => {
  await page.goto(`${sandbox.siteUrl}/e2e/engage.html`);
  const result = await page.evaluate(
    async (s) => {
      const e = (window.engage = await window.SitecoreEngage.init(s));
      const base = { channel: 'WEB', currency: 'EUR' };
      await e.identity({
        ...base,
        email: 'kim.engage@example.com',
        firstName: 'Kim',
        identifiers: [{ id: 'kim.engage@example.com', provider: 'email' }],
      });
      return {
        browserId: e.getBrowserId(),
        // FORM goes out without channel, currency, language or page.
        form: await e.form('contact_form', 'SUBMITTED'),
        // Email and identifier together, without browserId.
        offer: await e.personalize({
          ...base,
          friendlyId: 'next_best_offer',
          email: 'kim.engage@example.com',
          identifier: { id: 'crm-42', provider: 'crm' },
        }),
      };
    },
    { clientKey: CLIENT_KEY, targetURL: sandbox.url, pointOfSale: 'sandbox/uk' },
  );
  expect(result.form).toMatchObject({ status: 'OK' });
  expect(result.offer).toMatchObject({ offer: { code: 'MEMBER2X', title: 'Double points this week, Kim' } });
  const timeline = (await sandbox.guest(result.browserId))!;
  expect(timeline.events.map((e) => e.type)).toEqual(['IDENTITY', 'FORM']);
  expect(timeline.events[1]!.message).toEqual({
    type: 'FORM',
    ext: { formId: 'contact_form', interactionType: 'SUBMITTED' },
    browser_id: result.browserId,
    client_key: CLIENT_KEY,
    pos: 'sandbox/uk',
  });
  const flowCall = (await sandbox.requests({ path: '/v2/callFlows', method: 'POST' }))[0]!;
  expect(flowCall.status).toBe(200);
});

test('Engage sees injected faults as Sitecore errors, not CORS errors', async ({ page, sandbox }) => {
  await page.goto(`${sandbox.siteUrl}/e2e/engage.html`);
  await page.evaluate(
    async (s) => {
      window.engage = await window.SitecoreEngage.init(s);
    },
    { clientKey: CLIENT_KEY, targetURL: sandbox.url, pointOfSale: 'sandbox/uk' },
  );
  await sandbox.fault({ path: '/v1.2/events', method: 'POST', status: 503, retryAfter: '1' });

  const seen = page.waitForResponse(
    (r) => r.url().startsWith(`${sandbox.url}/v1.2/events`) && r.request().method() === 'POST',
  );
  // Engage does not check the status: it returns the parsed JSON body (the injected error).
  const answer = await page.evaluate(() => window.engage.pageView({ channel: 'WEB', currency: 'EUR' }));
  const response = await seen;
  expect(response.status()).toBe(503);
  expect(await response.headerValue('retry-after')).toBe('1');
  expect(answer).toMatchObject({ status: 'error' });

  // Readable from page script: Retry-After is exposed cross-origin.
  await sandbox.fault({ path: '/v1.2/events', method: 'POST', status: 429, retryAfter: '7' });
  const fromPage = await page.evaluate(async (url) => {
    const res = await fetch(`${url}/v1.2/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    return { status: res.status, retryAfter: res.headers.get('Retry-After') };
  }, sandbox.url);
  expect(fromPage).toEqual({ status: 429, retryAfter: '7' });
});
