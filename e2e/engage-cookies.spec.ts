// A site moving from Sitecore Engage: the visitor arrives with Engage's cookies, written the way
// Engage writes them (`bid_<key>=<ref>; Max-Age=63072000; SameSite=None; Secure; Path=/`, with
// `Domain=` when the site set Engage's cookieDomain), including the empty `bid_<key>=` Engage
// leaves for two years when its create call fails. Whatever the mix, after the tag loads
// `document.cookie` holds exactly one valid `bid_<key>` and the events carry it.
// Hosts under .localhost are loopback and a secure context in Chromium, so Engage's `Secure`
// cookies are kept on plain http, as on the https sites Engage runs on.
import type { Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { expect, test, type SandboxFixture } from './fixtures';
import { initScript, writePage } from './pages';

const HOST = 'www.shop.localhost';
/** What the tag's cookieDomain 'auto' finds for HOST: `localhost` itself takes no cookies. */
const SITE_DOMAIN = 'shop.localhost';

const newKey = () => `engage${nanoid(10).replace(/-/g, '_')}`;

/** Engage's own cookie string, as captured from @sitecore/engage 1.4.3. */
const engageCookie = (clientKey: string, value: string, extra = '') =>
  `bid_${clientKey}=${value}; Max-Age=63072000; SameSite=None; Secure; Path=/${extra}`;

/** Writes cookies from a page of HOST, as Engage's script did on an earlier visit. */
async function visitedWithEngage(page: Page, sandbox: SandboxFixture, cookies: string[]) {
  await page.goto(`http://${HOST}:${sandbox.port}${writePage({})}`);
  await page.evaluate((writes) => writes.forEach((w) => (document.cookie = w)), cookies);
}

/** Every `bid_<key>` value document.cookie shows, in its order. */
const bidsIn = (page: Page, clientKey: string) =>
  page.evaluate(
    (name) =>
      document.cookie
        .split('; ')
        .filter((c) => c.startsWith(name + '='))
        .map((c) => c.slice(name.length + 1)),
    `bid_${clientKey}`,
  );

async function loadTag(page: Page, sandbox: SandboxFixture, clientKey: string, path?: string) {
  const body = initScript(
    { clientKey, target: sandbox.url, pointOfSale: 'e2e/uk', currency: 'EUR' },
    "slotwise('view')",
  );
  const url = `http://${HOST}:${sandbox.port}${path ?? writePage({ body })}`;
  await page.goto(url);
  return (
    (await page.evaluate(() =>
      (window as unknown as { slotwise: (m: string) => Promise<{ browserId: string }> }).slotwise('browserId'),
    )) as { browserId: string }
  ).browserId;
}

/** A browser id the sandbox made, as Engage's create call got it. */
const engageRef = async (sandbox: SandboxFixture, clientKey: string) =>
  (
    (await (await fetch(`${sandbox.url}/v1.2/browser/create.json?client_key=${clientKey}&message={}`)).json()) as {
      ref: string;
    }
  ).ref;

async function expectOneGoodCookie(page: Page, sandbox: SandboxFixture, clientKey: string, browserId: string) {
  expect(await bidsIn(page, clientKey)).toEqual([browserId]);
  const jar = (await page.context().cookies()).filter((c) => c.name == `bid_${clientKey}`);
  expect(jar).toEqual([expect.objectContaining({ value: browserId, domain: `.${SITE_DOMAIN}`, path: '/' })]);
  await expect
    .poll(async () => (await sandbox.guest(browserId))?.events.map((e) => [e.type, e.message.browser_id]))
    .toEqual([['VIEW', browserId]]);
}

test('Engage’s empty host-only cookie beside its id on the domain: the id is kept, the empty one deleted', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  const ref = await engageRef(sandbox, clientKey);
  await visitedWithEngage(page, sandbox, [
    engageCookie(clientKey, ''),
    engageCookie(clientKey, ref, `; Domain=${SITE_DOMAIN}`),
  ]);
  expect(await bidsIn(page, clientKey)).toHaveLength(2); // the state a migrating visitor arrives in
  expect(await loadTag(page, sandbox, clientKey)).toBe(ref);
  await expectOneGoodCookie(page, sandbox, clientKey, ref);
});

test('the id host-only and an empty one on the domain, listed first: the id is kept, on the domain', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  const ref = await engageRef(sandbox, clientKey);
  await visitedWithEngage(page, sandbox, [
    engageCookie(clientKey, '', `; Domain=${SITE_DOMAIN}`),
    engageCookie(clientKey, ref),
  ]);
  expect(await loadTag(page, sandbox, clientKey)).toBe(ref);
  await expectOneGoodCookie(page, sandbox, clientKey, ref);
});

test('an empty cookie on a deeper path, which the browser lists first: deleted there too', async ({
  page,
  sandbox,
}) => {
  const clientKey = newKey();
  const ref = await engageRef(sandbox, clientKey);
  const path = writePage({
    body: initScript({ clientKey, target: sandbox.url, pointOfSale: 'e2e/uk', currency: 'EUR' }, "slotwise('view')"),
  });
  const deeper = path.slice(0, path.lastIndexOf('/') + 1); // /e2e/.tmp/pages/
  await visitedWithEngage(page, sandbox, [
    engageCookie(clientKey, ref),
    `bid_${clientKey}=; Max-Age=63072000; SameSite=None; Secure; Path=${deeper}`,
    `bid_${clientKey}=; Max-Age=63072000; SameSite=None; Secure; Path=/e2e`,
  ]);
  expect(await loadTag(page, sandbox, clientKey, path)).toBe(ref);
  await expectOneGoodCookie(page, sandbox, clientKey, ref);
});

test('only Engage’s empty cookie: a new id is made, and the empty one is gone', async ({ page, sandbox }) => {
  const clientKey = newKey();
  await visitedWithEngage(page, sandbox, [engageCookie(clientKey, '')]);
  const browserId = await loadTag(page, sandbox, clientKey);
  expect(browserId).toMatch(/^[0-9a-f-]{36}$/);
  await expectOneGoodCookie(page, sandbox, clientKey, browserId);
  // It stays that way on the next page.
  await page.reload();
  expect(await bidsIn(page, clientKey)).toEqual([browserId]);
});
