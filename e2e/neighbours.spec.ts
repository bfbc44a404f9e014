// In Chromium, a page of another site (here the sandbox's own server reached as localhost, another
// origin and another site than 127.0.0.1) can neither read the sandbox's control routes nor wipe
// them with the requests a page may send without asking: a no-cors POST and a form. It can still
// call the vendor APIs, as on the real ones.
import { expect, test } from './fixtures';

test('another site cannot read or wipe the sandbox, and still calls its vendor APIs', async ({ page, sandbox }) => {
  const created = (await (
    await fetch(`${sandbox.url}/v1.2/browser/create.json?client_key=neighbours&message={}`)
  ).json()) as { ref: string };
  const id = created.ref;
  await page.goto(`${sandbox.siteUrl}/e2e/engage.html`);

  const read = await page.evaluate(async (url) => {
    try {
      const res = await fetch(url);
      return `read ${res.status}: ${await res.text()}`;
    } catch (err) {
      return `refused: ${(err as Error).message}`;
    }
  }, `${sandbox.url}/sandbox/guests/${id}`);
  expect(read).toMatch(/^refused/);

  const wipe = await page.evaluate(async (url) => {
    const res = await fetch(url, { method: 'POST', mode: 'no-cors', body: 'wipe' });
    return res.type;
  }, `${sandbox.url}/sandbox/reset`);
  expect(wipe).toBe('opaque');
  expect(await sandbox.guest(id)).not.toBeNull();

  // A form posted to /sandbox/reset: the page lands on the refusal, the guest is kept.
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/sandbox/reset')),
    // The page has landed there before it goes anywhere else.
    page.waitForURL(/\/sandbox\/reset$/),
    page.evaluate((url) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = url;
      document.body.append(form);
      form.submit();
    }, `${sandbox.url}/sandbox/reset`),
  ]);
  expect(answer.status()).toBe(403);
  expect(await sandbox.guest(id)).not.toBeNull();

  // The vendor routes answer that page as they answer any site.
  await page.goto(`${sandbox.siteUrl}/e2e/engage.html`);
  const vendor = await page.evaluate(
    async (url) => (await fetch(url)).status,
    `${sandbox.url}/v1.2/browser/${id}/show.json?client_key=neighbours`,
  );
  expect(vendor).toBe(200);
});
