// Sitecore's current browser SDK (@sitecore-cloudsdk 0.6.1: core, events, personalize) runs against
// the sandbox unchanged, through the Edge paths it calls (`/v1/events/v1.2/…`, `/v1/personalize`,
// keyed by sitecoreContextId), so a site can point its existing integration at the sandbox.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, test } from './fixtures';

const tmp = fileURLToPath(new URL('./.tmp/', import.meta.url));
const CONTEXT_ID = 'cloudsdk-e2e-context-id';
const SITE = 'cloudsdk-e2e-site';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The three browser entry points, bundled as a site would, into one script with a global. */
async function bundleCloudSdk() {
  mkdirSync(tmp, { recursive: true });
  const entry = join(tmp, 'cloudsdk-entry.mjs');
  writeFileSync(
    entry,
    [
      "import { CloudSDK, getBrowserId, getGuestId } from '@sitecore-cloudsdk/core/browser';",
      "import { pageView, event, form } from '@sitecore-cloudsdk/events/browser';",
      "import { personalize } from '@sitecore-cloudsdk/personalize/browser';",
      'window.SitecoreCloudSDK = { CloudSDK, getBrowserId, getGuestId, pageView, event, form, personalize };',
      '',
    ].join('\n'),
  );
  const part = join(tmp, `cloudsdk.iife.${process.pid}.js`);
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    outfile: part,
    logLevel: 'silent',
  });
  renameSync(part, join(tmp, 'cloudsdk.iife.js')); // atomic for a parallel worker reading it
}

test.beforeAll(bundleCloudSdk);

type Json = Record<string, unknown>;
/** CloudSDK(settings) chains the packages it adds, then initializes them. */
interface CloudSdkBuilder {
  addEvents(): CloudSdkBuilder;
  addPersonalize(settings?: Json): CloudSdkBuilder;
  initialize(): void;
}
declare global {
  interface Window {
    SitecoreCloudSDK: {
      CloudSDK(settings: Json): CloudSdkBuilder;
      getBrowserId(): string;
      getGuestId(): Promise<string>;
      pageView(data?: Json): Promise<Json | null>;
      event(data: Json): Promise<Json | null>;
      form(formId: string, type: string, componentInstanceId: string): Promise<Json | null>;
      personalize(data: Json, opts?: Json): Promise<Json | null>;
    };
  }
}

const product = {
  name: 'GHT 84 Lace Sneaker',
  type: 'FOOTWEAR',
  item_id: 'SHOES_8475GHT',
  quantity: 2,
  price: 19.99,
  currency: 'EUR',
};

test('Cloud SDK 0.6.1: initialises, sends page views and events, and gets personalize answers from the sandbox', async ({
  page,
  context,
  sandbox,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The page on localhost, the Edge on 127.0.0.1: cross-origin, with preflights, as on a real site.
  await page.goto(`${sandbox.siteUrl}/e2e/cloudsdk.html?utm_source=newsletter&utm_campaign=spring`);
  const settings = {
    sitecoreEdgeContextId: CONTEXT_ID,
    siteName: SITE,
    sitecoreEdgeUrl: sandbox.url,
    enableBrowserCookie: true,
  };
  const result = await page
    .evaluate(
      async ({ s, p }) => {
        const sdk = window.SitecoreCloudSDK;
        sdk.CloudSDK(s).addEvents().addPersonalize({ enablePersonalizeCookie: true }).initialize();
        const base = { channel: 'WEB', currency: 'EUR' };
        const view = await sdk.pageView({ ...base, page: 'home', extensionData: { customKey: 'customValue' } });
        const bare = await sdk.pageView(); // no channel or currency: the Edge completes it
        const welcome = await sdk.personalize({ ...base, friendlyId: 'next_best_offer' });
        const add = await sdk.event({ ...base, type: 'ADD', page: 'product', product: p });
        const withBag = await sdk.personalize({ ...base, friendlyId: 'next_best_offer' });
        const close = await sdk.event({ ...base, type: 'FORCE_CLOSE', page: 'checkout' });
        const abandoned = await sdk.personalize({ ...base, friendlyId: 'next_best_offer' });
        const submitted = await sdk.form('contact_form', 'SUBMITTED', 'component-1');
        return {
          browserId: sdk.getBrowserId(),
          guestId: await sdk.getGuestId(),
          view,
          bare,
          add,
          close,
          submitted,
          welcome,
          withBag,
          abandoned,
        };
      },
      { s: settings, p: product },
    )
    .catch(async (err) => {
      throw new Error(`${err}\npage errors: ${errors.join('\n')}`);
    });
  expect(errors).toEqual([]);
  expect(result.browserId).toMatch(UUID_V4);
  for (const answer of [result.view, result.bare, result.add, result.close, result.submitted]) {
    expect(answer).toEqual({ ref: expect.stringMatching(UUID_V4), status: 'OK', version: '1.2', client_key: '' });
  }
  // The flow decides on what the sandbox stored: a new guest, then a bag, then a bag left behind.
  expect(result.welcome).toMatchObject({ offer: { code: 'WELCOME10' } });
  expect(result.withBag).toMatchObject({ offer: { code: 'SHIPFREE' } });
  expect(result.abandoned).toMatchObject({ offer: { code: 'COMEBACK15' } });

  // The SDK's own cookies: the browser id, and the guest ref the Edge answered with it.
  const cookies = await context.cookies(sandbox.siteUrl);
  expect(cookies.find((c) => c.name === 'sc_cid')).toMatchObject({
    value: result.browserId,
    secure: true,
    sameSite: 'None',
  });
  const timeline = (await sandbox.guest(result.browserId))!;
  expect(cookies.find((c) => c.name === 'sc_cid_personalize')?.value).toBe(timeline.guestRef);
  expect(result.guestId).toBe(timeline.guestRef);

  expect(timeline.clientKey).toBe(CONTEXT_ID);
  expect(timeline.events.map((e) => e.type)).toEqual(['VIEW', 'VIEW', 'ADD', 'FORCE_CLOSE', 'FORM']);
  expect(timeline.events.map((e) => e.ref)).toEqual(
    [result.view, result.bare, result.add, result.close, result.submitted].map((a) => a!.ref),
  );
  expect(timeline.events[0]!.message).toMatchObject({
    type: 'VIEW',
    browser_id: result.browserId,
    client_key: '',
    pos: '',
    channel: 'WEB',
    currency: 'EUR',
    language: 'EN',
    page: 'home',
    utm_source: 'newsletter',
    utm_campaign: 'spring',
    ext: { customKey: 'customValue' },
  });
  expect(timeline.events[1]!.message).not.toHaveProperty('currency');
  expect(timeline.sessions[0]).toMatchObject({ status: 'CLOSED', closedBy: 'FORCE_CLOSE', abandonedValue: 39.98 });

  // A returning visitor keeps the id: no second browser id request.
  await page.reload();
  const again = await page.evaluate((s) => {
    window.SitecoreCloudSDK.CloudSDK(s).addEvents().initialize();
    return window.SitecoreCloudSDK.getBrowserId();
  }, settings);
  expect(again).toBe(result.browserId);

  const requests = await sandbox.requests({ path: '/v1/' });
  expect(requests.filter((r) => r.method === 'GET' && r.path === '/v1/events/v1.2/browser/create.json')).toHaveLength(
    1,
  );
  expect(requests.find((r) => r.method === 'OPTIONS' && r.path === '/v1/events/v1.2/events')).toMatchObject({
    status: 204,
    headers: { origin: sandbox.siteUrl },
  });
  expect(requests.filter((r) => r.method === 'POST' && r.path === '/v1/events/v1.2/events')).toHaveLength(5);
  expect(requests.filter((r) => r.method === 'POST' && r.path === '/v1/personalize')).toHaveLength(3);
  const failed = requests.filter((r) => r.status === null || r.status >= 400);
  expect(failed, JSON.stringify(failed.map((r) => `${r.method} ${r.path} ${r.status}`))).toEqual([]);
});

test('Cloud SDK: an ADD without currency is refused with a 400 the page can read, and not stored', async ({
  page,
  sandbox,
}) => {
  await page.goto(`${sandbox.siteUrl}/e2e/cloudsdk.html`);
  const result = await page.evaluate(
    async (s) => {
      const sdk = window.SitecoreCloudSDK;
      sdk.CloudSDK(s).addEvents().initialize();
      const answer = await sdk.event({
        type: 'ADD',
        channel: 'WEB',
        page: 'product',
        product: { item_id: 'SKU-1', price: 5 },
      });
      return { answer, browserId: sdk.getBrowserId() };
    },
    { sitecoreEdgeContextId: CONTEXT_ID, siteName: SITE, sitecoreEdgeUrl: sandbox.url, enableBrowserCookie: true },
  );
  // The Cloud SDK hands back the parsed body whatever the status.
  expect(result.answer).toMatchObject({
    status: 'error',
    field: 'currency',
    message: expect.stringContaining('every event'),
  });
  expect((await sandbox.guest(result.browserId))!.events).toEqual([]);
});
