// The /sandbox/ control routes answer only the sandbox's own pages and the storefront's origin:
// any other site the developer visits can neither read them (identity emails, the request log)
// nor change them (a forged form or no-cors POST to /sandbox/reset). The vendor routes keep
// answering every origin, as the real APIs do. Requests carry the headers Chromium sends.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../demo/server/sandbox.mjs';
import { createBrowser, guest, message, postEvent, raw, startSandbox, type Started } from './helpers';

const SHOP = 'http://127.0.0.1:8787';
const EVIL = 'https://attacker.example';

let sandbox: Started;
let id: string;
let logBytes: () => number;
beforeAll(async () => {
  sandbox = await startSandbox({ controlOrigins: [SHOP] });
  id = (await createBrowser(sandbox.url)).json.ref;
  await postEvent(
    sandbox.url,
    message(id, 'IDENTITY', {
      email: 'jane@example.com',
      identifiers: [{ id: 'jane@example.com', provider: 'email' }],
    }),
  );
  logBytes = () => statSync(join(sandbox.dataDir, 'events.ndjson')).size;
});
afterAll(() => sandbox.dispose());

/** What Chromium sends on a fetch from a page of `origin` to the sandbox. */
const fromPage = (origin: string, site: 'cross-site' | 'same-site' | 'same-origin', mode = 'cors') => ({
  Origin: origin,
  'Sec-Fetch-Site': site,
  'Sec-Fetch-Mode': mode,
});

describe('another site', () => {
  it('cannot read a guest, the guests, the request log, the orders or the decision traces', async () => {
    for (const path of [
      `/sandbox/guests/${id}`,
      '/sandbox/guests',
      '/sandbox/requests',
      '/sandbox/orders',
      '/sandbox/catalog',
      '/sandbox/faults',
      `/sandbox/decisions/${id}`,
      '/sandbox/preview?value=audience=new',
    ]) {
      const res = await raw(sandbox.url, 'GET', path, fromPage(EVIL, 'cross-site'));
      expect(res.status, path).toBe(403);
      expect(res.headers['access-control-allow-origin'], path).toBeUndefined();
      expect(res.body).not.toContain('jane@example.com');
    }
  });

  it('gets no CORS or Private Network Access grant from a control route preflight', async () => {
    const res = await raw(sandbox.url, 'OPTIONS', '/sandbox/reset', {
      ...fromPage(EVIL, 'cross-site'),
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
      'Access-Control-Request-Private-Network': 'true',
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
    expect(res.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it('cannot wipe the sandbox with a no-cors POST, a form, or a DELETE', async () => {
    const bytes = logBytes();
    const attempts: Array<[string, string, Record<string, string>, string?]> = [
      [
        'POST',
        '/sandbox/reset',
        { ...fromPage(EVIL, 'cross-site', 'no-cors'), 'Content-Type': 'text/plain;charset=UTF-8' },
        '',
      ],
      [
        'POST',
        '/sandbox/reset',
        { ...fromPage(EVIL, 'cross-site', 'navigate'), 'Content-Type': 'application/x-www-form-urlencoded' },
        'a=1',
      ],
      [
        'POST',
        '/sandbox/reset',
        { ...fromPage(EVIL, 'cross-site', 'no-cors'), 'Content-Type': 'multipart/form-data; boundary=x' },
        '--x--',
      ],
      ['POST', '/sandbox/reset', { Origin: 'null', 'Content-Type': 'text/plain' }, ''],
      [
        'POST',
        '/sandbox/faults',
        { ...fromPage(EVIL, 'cross-site', 'no-cors'), 'Content-Type': 'text/plain' },
        '{"path":"/v1.2/","status":503,"count":-1}',
      ],
      ['DELETE', '/sandbox/requests', fromPage(EVIL, 'cross-site')],
    ];
    for (const [method, path, headers, body] of attempts) {
      const res = await raw(sandbox.url, method, path, headers, body);
      expect(res.status, `${method} ${path} ${headers['Content-Type']}`).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ status: 'error', field: 'origin' });
    }
    expect(logBytes()).toBe(bytes);
    expect((await guest(sandbox.url, id))?.identity?.email).toBe('jane@example.com');
    expect(await (await fetch(`${sandbox.url}/sandbox/faults`)).json()).toEqual([]);
  });

  it('cannot reach the control routes through DNS rebinding (a name of its own pointed at 127.0.0.1)', async () => {
    const port = new URL(sandbox.url).port;
    const res = await raw(sandbox.url, 'GET', `/sandbox/guests/${id}`, {
      Host: `rebind.attacker.example:${port}`,
      'Sec-Fetch-Site': 'same-origin',
    });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('jane@example.com');
  });

  it('still calls the vendor routes, as on the real APIs', async () => {
    const res = await raw(
      sandbox.url,
      'POST',
      '/v1.2/events',
      { ...fromPage(EVIL, 'cross-site'), 'Content-Type': 'application/json' },
      JSON.stringify(message(id, 'VIEW')),
    );
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(EVIL);
  });
});

describe("the storefront and the sandbox's own pages", () => {
  it('read the control routes with CORS (the preview drawer)', async () => {
    for (const origin of [SHOP, sandbox.url]) {
      const res = await raw(
        sandbox.url,
        'GET',
        `/sandbox/guests/${id}`,
        fromPage(origin, origin === SHOP ? 'same-site' : 'same-origin'),
      );
      expect(res.status, origin).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(JSON.parse(res.body).identity.email).toBe('jane@example.com');
    }
  });

  it('change them with a JSON POST or a DELETE after a preflight, never with a simple request', async () => {
    const preflight = await raw(sandbox.url, 'OPTIONS', '/sandbox/faults', {
      ...fromPage(SHOP, 'same-site'),
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
      'Access-Control-Request-Private-Network': 'true',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SHOP);
    expect(preflight.headers['access-control-allow-headers']).toBe('content-type');
    expect(preflight.headers['access-control-allow-private-network']).toBeUndefined();

    const spec = JSON.stringify({ path: '/v1.2/', status: 503 });
    const post = await raw(
      sandbox.url,
      'POST',
      '/sandbox/faults',
      { ...fromPage(SHOP, 'same-site'), 'Content-Type': 'application/json' },
      spec,
    );
    expect(post.status).toBe(201);
    expect(post.headers['access-control-allow-origin']).toBe(SHOP);
    const simple = await raw(
      sandbox.url,
      'POST',
      '/sandbox/faults',
      { ...fromPage(SHOP, 'same-site', 'no-cors'), 'Content-Type': 'text/plain' },
      spec,
    );
    expect(simple.status).toBe(403);
    const crossSite = await raw(
      sandbox.url,
      'POST',
      '/sandbox/faults',
      { ...fromPage(SHOP, 'cross-site'), 'Content-Type': 'application/json' },
      spec,
    );
    expect(crossSite.status).toBe(403);
    const del = await raw(sandbox.url, 'DELETE', '/sandbox/faults', fromPage(sandbox.url, 'same-origin'));
    expect(del.status).toBe(204);
    expect(await (await fetch(`${sandbox.url}/sandbox/faults`)).json()).toEqual([]);
  });

  it('include an origin added once the storefront listens', async () => {
    const later = 'http://127.0.0.1:9999';
    expect((await raw(sandbox.url, 'GET', '/sandbox/guests', fromPage(later, 'same-site'))).status).toBe(403);
    sandbox.controlOrigins.add(later);
    expect((await raw(sandbox.url, 'GET', '/sandbox/guests', fromPage(later, 'same-site'))).status).toBe(200);
  });
});

it('tools that are not browsers (no Origin, no Sec-Fetch-Site) keep using the control routes', async () => {
  const fault = await fetch(`${sandbox.url}/sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify({ path: '/nowhere', status: 500 }),
  });
  expect(fault.status).toBe(201);
  expect((await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
  expect(readFileSync(join(sandbox.dataDir, 'events.ndjson'), 'utf8')).toContain('jane@example.com');
});

it('controlOrigins must be origins exactly as a browser sends them', async () => {
  for (const bad of [['http://127.0.0.1:8787/'], ['127.0.0.1:8787'], 'http://127.0.0.1:8787', [42]]) {
    // @ts-expect-error wrong on purpose
    await expect(createSandbox({ dataDir: sandbox.dataDir, controlOrigins: bad })).rejects.toThrow(/controlOrigins/);
  }
});
