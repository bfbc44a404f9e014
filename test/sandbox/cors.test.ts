// CORS: the tag runs on the shop's origin and calls the API cross-origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFault, raw, startSandbox, type Started } from './helpers';

let sandbox: Started;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.dispose());

const SHOP = 'http://shop.example:3000';

describe('preflight', () => {
  it('answers 204 with the allowed methods, headers and max age', async () => {
    const res = await raw(sandbox.url, 'OPTIONS', '/v1.2/events', {
      Origin: SHOP,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,x-library-version',
    });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(res.headers['vary']).toBe('Origin');
    expect(res.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe(
      'content-type, x-library-version, x-client-software-id, x-sc-correlation-id',
    );
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('allows what the Cloud SDK sends to the Edge paths, as captured', async () => {
    for (const [path, headers] of [
      ['/v1/events/v1.2/events?sitecoreContextId=c&siteId=s', 'content-type,x-client-software-id,x-library-version'],
      ['/v1/personalize?sitecoreContextId=c&siteId=s', 'content-type,x-library-version,x-sc-correlation-id'],
      ['/v1/events/v1.2/browser/create.json?sitecoreContextId=c&client_key=', 'x-library-version'],
    ] as const) {
      const res = await raw(sandbox.url, 'OPTIONS', path, {
        Origin: SHOP,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': headers,
      });
      expect(res.status, path).toBe(204);
      const allowed = String(res.headers['access-control-allow-headers']).split(', ');
      for (const h of headers.split(',')) expect(allowed, `${path} ${h}`).toContain(h);
    }
  });

  it('answers preflights for every API route', async () => {
    for (const path of [
      '/v1.2/browser/create.json?client_key=k&message={}',
      '/v1.2/browser/x/show.json',
      '/v1.2/event/create.json',
      '/v1/events/v1.2/browser/x/show.json',
      '/v1/personalize/cdn-url',
    ]) {
      const res = await raw(sandbox.url, 'OPTIONS', path, { Origin: SHOP, 'Access-Control-Request-Method': 'GET' });
      expect(res.status, path).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    }
  });

  it('is never faulted', async () => {
    await addFault(sandbox.url, { path: '/v1.2/', status: 503, count: -1 });
    try {
      const res = await raw(sandbox.url, 'OPTIONS', '/v1.2/events', {
        Origin: SHOP,
        'Access-Control-Request-Method': 'POST',
      });
      expect(res.status).toBe(204);
    } finally {
      await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' });
    }
  });
});

describe('responses', () => {
  it('echo the Origin and expose Retry-After', async () => {
    const res = await raw(sandbox.url, 'GET', '/v1.2/browser/create.json?client_key=k&message={}', { Origin: SHOP });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(res.headers['vary']).toBe('Origin');
    expect(res.headers['access-control-expose-headers']).toBe('Retry-After');
  });

  it('use * without an Origin', async () => {
    const res = await raw(sandbox.url, 'GET', '/v1.2/browser/create.json?client_key=k&message={}');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('carry CORS headers on errors too', async () => {
    const res = await raw(
      sandbox.url,
      'POST',
      '/v1.2/events',
      { Origin: SHOP, 'Content-Type': 'application/json' },
      '{}',
    );
    expect(res.status).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it("allow DELETE on the /sandbox/ control routes, to the sandbox's own pages", async () => {
    const res = await raw(sandbox.url, 'OPTIONS', '/sandbox/faults', {
      Origin: sandbox.url,
      'Access-Control-Request-Method': 'DELETE',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(sandbox.url);
    expect(res.headers['access-control-allow-methods']).toContain('DELETE');
  });

  it('grant Private Network Access on the vendor routes, to any site, as the vendors answer any site', async () => {
    const res = await raw(sandbox.url, 'OPTIONS', '/v1.2/events', {
      Origin: 'https://some-shop.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Private-Network': 'true',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://some-shop.example');
    expect(res.headers['access-control-allow-private-network']).toBe('true');
  });
});
