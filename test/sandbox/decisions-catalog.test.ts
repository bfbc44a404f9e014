// The campaign catalog: the default one is valid and self-contained, edits apply without a
// restart, broken edits are refused loudly; and the decision routes get CORS, faults and latency.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../../demo/server/sandbox.mjs';
import { addFault, message, postEvent, raw, startSandbox, type Started } from './helpers';
import {
  FIXTURE,
  FLOW_BASE,
  RR_KEYS,
  abandon,
  callFlows,
  decide,
  decisionRequest,
  flow,
  identify,
  newGuest,
  personalize,
  writeCatalog,
} from './decisions-fixture';

const SITE = fileURLToPath(new URL('../../demo/site', import.meta.url));

describe('the default catalog (demo/catalog.json)', () => {
  let sandbox: Started;
  beforeAll(async () => {
    sandbox = await startSandbox({ static: { '/': SITE } });
  });
  afterAll(() => sandbox.dispose());

  it('is the default, and has the demo flows, placements and offers', async () => {
    expect(DEFAULT_CATALOG).toBe(fileURLToPath(new URL('../../demo/catalog.json', import.meta.url)));
    const state = await (await fetch(`${sandbox.url}/sandbox/catalog`)).json();
    expect(state).toMatchObject({ path: DEFAULT_CATALOG, error: null, loadedAt: expect.any(String) });
    const { flows, placements, offers } = state.catalog;
    expect(flows.map((f: { friendlyId: string }) => f.friendlyId)).toEqual(
      expect.arrayContaining([
        'home_hero',
        'home_hero_2',
        'next_best_offer',
        'product_recommender',
        'product_recommender_2',
      ]),
    );
    expect(placements.map((p: { placement: string }) => p.placement)).toEqual([
      'home_page.promo_1',
      'home_page.promo_2',
      'category_page.top',
      'item_page.recs',
      'cart_page.upsell',
    ]);
    expect(offers).toHaveLength(2);
  });

  it('links no external URL, and every asset it names is served by the sandbox', async () => {
    const text = readFileSync(DEFAULT_CATALOG, 'utf8');
    expect(text).not.toMatch(/(https?:)?\/\/[a-z]/i);
    const assets = [...new Set([...text.matchAll(/\{\{origin\}\}(\/demo-assets\/[\w.-]+)/g)].map((m) => m[1]!))];
    expect(assets.length).toBeGreaterThan(5);
    for (const asset of assets) {
      expect(existsSync(join(SITE, asset)), asset).toBe(true);
      const res = await fetch(`${sandbox.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
    }
  });

  it('home_hero greets new, abandoned-cart and identified guests, with the values filled in', async () => {
    const base = sandbox.url;
    const id = await newGuest(base);
    expect((await flow(base, 'home_hero', id)).html).toContain('New here?');
    expect((await flow(base, 'home_hero', id)).html).toContain(`<img src="${base}/demo-assets/backdrop-welcome.svg"`);
    await abandon(base, id);
    expect((await flow(base, 'home_hero', id)).html).toContain('You left 3 items in your bag');
    expect((await flow(base, 'home_hero', id)).html).toContain('EUR 192.50');

    const jane = await newGuest(base);
    await identify(base, jane, 'jane.default@example.com', 'Jane');
    expect((await flow(base, 'home_hero', jane)).html).toContain('Welcome back, Jane');
    expect(
      (await flow(base, 'home_hero', await newGuest(base), { params: { utm: { campaign: 'spring_sale' } } })).html,
    ).toContain('Spring Sale');
  });

  it('answers the creative and data flows in shapes the tag renders', async () => {
    const base = sandbox.url;
    const id = await newGuest(base);
    const hero2 = await flow(base, 'home_hero_2', id);
    expect(hero2.creatives?.[0]).toEqual({
      imageUrl: expect.stringMatching(new RegExp(`^${base}/demo-assets/`)),
      href: expect.any(String),
      alt: expect.any(String),
      text: expect.any(String),
    });
    expect((await flow(base, 'next_best_offer', id)).offer).toMatchObject({ code: 'WELCOME10' });
    // product_recommender is for known guests: a new one falls through to product_recommender_2.
    expect(await flow(base, 'product_recommender*', id)).toHaveProperty('offers');
    await postEvent(base, message(id, 'FORCE_CLOSE'));
    expect(await flow(base, 'product_recommender*', id)).toHaveProperty('creatives');
  });
});

describe('edits', () => {
  it('take effect on the next request, without a restart', async () => {
    const file = writeCatalog();
    const sandbox = await startSandbox({ catalog: file });
    try {
      const id = await newGuest(sandbox.url);
      expect(await flow(sandbox.url, 'product_recommender', id)).toEqual({ from: 'product_recommender' });

      const edited = structuredClone(FIXTURE);
      edited.flows![2]!.variants[0]!.response = { from: 'the marketer’s edit' };
      edited.flows![2]!.live = true;
      edited.flows!.push({ friendlyId: 'brand_new', variants: [{ id: 'new', name: 'New', response: { ok: true } }] });
      writeFileSync(file, JSON.stringify(edited, null, 2));
      expect(await flow(sandbox.url, 'product_recommender', id)).toEqual({ from: 'the marketer’s edit' });
      expect(await flow(sandbox.url, 'brand_new', id)).toEqual({ ok: true });

      // Switching a flow off: the fuzzy match moves on to the next one.
      edited.flows![2]!.live = false;
      writeFileSync(file, JSON.stringify(edited));
      expect(await flow(sandbox.url, 'product_recommender*', id)).toEqual({ from: 'product_recommender_2' });
    } finally {
      await sandbox.dispose();
    }
  });

  it('that break the catalog are refused: the last good one answers and the problem is shown', async () => {
    const file = writeCatalog();
    const warnings: string[] = [];
    const sandbox = await startSandbox({ catalog: file, log: (line) => warnings.push(line) });
    try {
      const id = await newGuest(sandbox.url);
      // A misspelt condition, which the Catalog type rightly refuses; FIXTURE's flows[1] has a variant.
      const broken = structuredClone(FIXTURE) as unknown as { flows: Array<{ variants: Record<string, unknown>[] }> };
      broken.flows[1]!.variants[0]!.when = { audiance: 'new' };
      writeFileSync(file, JSON.stringify(broken));
      expect(await flow(sandbox.url, 'product_recommender_2', id)).toEqual({ from: 'product_recommender_2' });
      const state = await (await fetch(`${sandbox.url}/sandbox/catalog`)).json();
      expect(state.error.message).toContain('flows[1].variants[0].when.audiance: unknown condition');
      expect(warnings.some((w) => w.includes('catalog edit ignored'))).toBe(true);

      writeFileSync(file, '{ "flows": [');
      expect((await (await fetch(`${sandbox.url}/sandbox/catalog`)).json()).error.message).toContain('not valid JSON');

      writeFileSync(
        file,
        JSON.stringify({
          flows: [{ friendlyId: 'product_recommender_2', variants: [{ id: 'v', name: 'Fixed', response: 'fixed' }] }],
        }),
      );
      expect(await flow(sandbox.url, 'product_recommender_2', id)).toBe('fixed');
      expect((await (await fetch(`${sandbox.url}/sandbox/catalog`)).json()).error).toBeNull();
    } finally {
      await sandbox.dispose();
    }
  });

  it('a catalog that is broken at start stops the sandbox from starting, naming the problem', async () => {
    const cases: Array<[unknown, string]> = [
      ['not json', 'not valid JSON'],
      [
        { flows: [{ friendlyId: 'a', variants: [{ id: 'v', name: 'V', when: { audience: 'vip' }, response: {} }] }] },
        'flows[0].variants[0].when.audience: "vip" is not one of',
      ],
      [{ flows: [{ friendlyId: 'a*', variants: [{ id: 'v', name: 'V', response: {} }] }] }, 'flows[0].friendlyId'],
      [{ placements: [{ placement: 'promo', campaigns: [] }] }, 'placements[0].placement: must be "pageType.name"'],
      [
        {
          offers: [
            { activityId: 'a', placementId: 'p', options: [{ id: 'o', type: 'video', content: '' }], fallback: {} },
          ],
        },
        'offers[0].options[0].type',
      ],
      [
        { offers: [{ activityId: 'a', placementId: 'p', options: [], fallback: 'none' }] },
        'offers[0].fallback: must be an object',
      ],
      [
        { offers: [{ activityId: 'a', placementId: 'p', options: [{ id: 'o', type: 'json', content: '{not json' }] }] },
        'offers[0].options[0].content: a string must be JSON text',
      ],
      [{ algonomy: { apiKey: [], apiClientKey: 'c' } }, 'algonomy.apiKey: needs at least one key'],
    ];
    const dataDir = mkdtempSync(join(tmpdir(), 'slotwise-sandbox-'));
    try {
      for (const [catalog, problem] of cases) {
        await expect(startSandbox({ dataDir, catalog: writeCatalog(catalog) }), problem).rejects.toThrow(problem);
      }
      await expect(startSandbox({ dataDir, catalog: '/nonexistent/catalog.json' })).rejects.toThrow(/catalog/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('decision routes', () => {
  let sandbox: Started;
  beforeAll(async () => {
    sandbox = await startSandbox({ catalog: writeCatalog() });
  });
  afterAll(() => sandbox.dispose());

  const SHOP = 'http://shop.example:3000';

  it('allow content-type and accept in preflights (the Sitecore event routes keep their list)', async () => {
    for (const [path, method] of [
      ['/decisions', 'POST'],
      ['/v2/callFlows', 'POST'],
      ['/v1/personalize?sitecoreContextId=c&siteId=s', 'POST'],
      ['/rrserver/api/personalize', 'GET'],
    ] as const) {
      const res = await raw(sandbox.url, 'OPTIONS', path, {
        Origin: SHOP,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'content-type, accept',
      });
      expect(res.status, path).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
      const allowed = String(res.headers['access-control-allow-headers']).split(/,\s*/);
      expect(allowed, path).toEqual(expect.arrayContaining(['content-type', 'accept']));
      expect(allowed).not.toContain('authorization');
      expect(allowed).not.toContain('x-api-key');
    }
    const events = await raw(sandbox.url, 'OPTIONS', '/v1.2/events', {
      Origin: SHOP,
      'Access-Control-Request-Method': 'POST',
    });
    expect(String(events.headers['access-control-allow-headers']).split(/,\s*/)).not.toContain('accept');
  });

  it('carry CORS headers on answers and errors', async () => {
    const res = await raw(
      sandbox.url,
      'POST',
      '/decisions',
      { Origin: SHOP, 'Content-Type': 'application/json' },
      '{}',
    );
    expect(res.status).toBe(415);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it('can be faulted like the other API routes', async () => {
    await addFault(sandbox.url, { path: '/decisions', status: 503, retryAfter: 2 });
    await addFault(sandbox.url, { path: '/rrserver/', body: 'malformed' });
    await addFault(sandbox.url, { path: '/v2/callFlows', status: 429 });
    const adobe = await decide(sandbox.url, decisionRequest([['act-1', 'pl-1']], 'x'));
    expect(adobe.status).toBe(503);
    expect(adobe.headers.get('retry-after')).toBe('2');
    const rr = await fetch(
      `${sandbox.url}/rrserver/api/personalize?${new URLSearchParams({ ...RR_KEYS, placements: 'home_page.promo_1' })}`,
    );
    expect(rr.status).toBe(200);
    expect(await rr.text()).toBe('{"ref":');
    expect((await callFlows(sandbox.url, { ...FLOW_BASE, friendlyId: 'greeting', browserId: 'x' })).status).toBe(429);
    // Used up: answered normally again.
    expect((await personalize(sandbox.url, { ...RR_KEYS, placements: 'home_page.promo_1' })).json.status).toBe('ok');
  });

  it('are slowed by latencyMs', async () => {
    const slow = await startSandbox({ catalog: writeCatalog(), latencyMs: 150 });
    try {
      const started = Date.now();
      await personalize(slow.url, { ...RR_KEYS, placements: 'home_page.promo_1' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await slow.dispose();
    }
  });
});
