// cookieDomain: 'auto' must pick the widest domain the browser accepts, so www. and shop. share
// the visitor; 'host' keeps the cookie on the page's host. Hosts under .slotwise.test resolve to
// the sandbox through Chromium's host resolver rules.
import { nanoid } from 'nanoid';
import { expect, test } from './fixtures';
import { CHROMIUM_FLAGS, chromiumPath } from './chromium.mjs';
import { initScript, writePage } from './pages';

test.use({
  launchOptions: {
    executablePath: chromiumPath(),
    args: [...CHROMIUM_FLAGS, '--host-resolver-rules=MAP *.slotwise.test 127.0.0.1'],
  },
});

for (const [cookieDomain, domain] of [
  ['auto', '.slotwise.test'],
  ['host', 'shop.slotwise.test'],
] as const) {
  test(`cookieDomain '${cookieDomain}' sets the browser id on ${domain}`, async ({ page, sandbox }) => {
    const clientKey = `dom${nanoid(8).replace(/-/g, '_')}`;
    const options = {
      clientKey,
      target: sandbox.url,
      pointOfSale: 'e2e',
      currency: 'EUR',
      browserId: 'local',
      cookieDomain,
    };
    await page.goto(`http://shop.slotwise.test:${sandbox.port}${writePage({ body: initScript(options) })}`);
    const { browserId } = await page.evaluate(() =>
      (window as unknown as { slotwise: (m: string) => Promise<{ browserId: string }> }).slotwise('browserId'),
    );
    const cookies = await page.context().cookies(`http://www.slotwise.test:${sandbox.port}/`);
    const ids = (await page.context().cookies()).filter((c) => c.name.startsWith('bid_'));
    expect(ids).toEqual([expect.objectContaining({ value: browserId, domain })]);
    // Only the widest domain reaches the sister host; no probe cookie is left behind.
    expect(cookies.map((c) => c.name)).toEqual(cookieDomain == 'auto' ? [`bid_${clientKey}`] : []);
    expect((await page.context().cookies()).filter((c) => c.name.includes('probe'))).toEqual([]);
  });
}
