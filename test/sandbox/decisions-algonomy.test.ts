// RichRelevance / Algonomy Personalize API and its tracking routes.
import { describe, expect, it } from 'vitest';
import { guest, startSandbox } from './helpers';
import {
  RR_KEYS,
  abandon,
  add,
  newGuest,
  personalize,
  catalogSandbox,
  writeCatalog,
  type PersonalizeAnswer,
} from './decisions-fixture';

const server = catalogSandbox();

/** Like the documentation's example token: letters, digits, `_` and `-`, every time. */
const RCS = /^(?=.*_)(?=.*-)[\w-]+$/;

describe('the request', () => {
  it('accepts the documented parameters and answers in the documented shape', async () => {
    const params = {
      ...RR_KEYS,
      placements: 'item_page.horizontal|item_page.vertical',
      sessionId: '93484',
      userId: '0982347',
      productId: 'uv2345|xt1234',
      atcid: 'uv2345|xt1234',
      cv: '9550',
      pref: 'https://www.google.com/',
      rid: 'Switzerland-France',
      sgs: '101:NewUser|202:Male',
      tagFilter: '(shoes||women)&&Nike',
      userAttribute: 'eye_color:blue;green|hair_color:brown',
      includeRcs: 'true',
    };
    const res = await personalize(server.url, params);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.json)).toEqual(['request', 'rcs', 'placements', 'message', 'status']);
    expect(res.json).toMatchObject({
      request: {
        apiKey: RR_KEYS.apiKey,
        clientKey: RR_KEYS.apiClientKey,
        placements: ['item_page.horizontal', 'item_page.vertical'],
        sessionId: '93484',
        userId: '0982347',
        cv: '9550',
        tagFilter: '(shoes||women)&&Nike',
      },
      rcs: expect.stringMatching(RCS),
      // Not in the catalog: answered, empty.
      placements: [
        { placement: 'item_page.horizontal', html: '', creatives: [] },
        { placement: 'item_page.vertical', html: '', creatives: [] },
      ],
      message: '',
      status: 'ok',
    });
  });

  it('answers a placement with its campaign: the documented creative fields, wrapped click URL, tracking URL', async () => {
    const res = await personalize(server.url, { ...RR_KEYS, placements: 'home_page.promo_1' });
    expect(res.json.request).toMatchObject({ sessionId: 'null', userId: 'null' });
    expect(res.json.rcs).toBeUndefined(); // only with includeRcs=true
    const [placement] = res.json.placements;
    expect(placement?.placement).toBe('home_page.promo_1');
    expect(placement?.creatives).toEqual([
      {
        DESTINATION_URL: expect.stringMatching(new RegExp(`^${server.url}/rrserver/click\\?ct=%2Fhelp%2Fshipping&`)),
        MEDIA_URL: `${server.url}/demo-assets/promo-free-shipping.svg`,
        ALT_TEXT: 'Free shipping',
        SIZE: 'two-by-one',
        START_TIME: '00:00',
        END_TIME: '00:00',
        trackingUrl: expect.stringMatching(new RegExp(`^${server.url}/rrserver/track\\?`)),
        campaign: 'Default',
        R_RECOMMEND: 'true',
      },
    ]);
    // No html in the campaign: generated from the creatives, as links through the click URL.
    expect(placement?.html).toContain(
      `<img src="${server.url}/demo-assets/promo-free-shipping.svg" alt="Free shipping">`,
    );
    expect(placement?.html).toContain(`href="${server.url}/rrserver/click?ct=%2Fhelp%2Fshipping&amp;`);
  });

  it('names a missing required parameter; parameter names are case-sensitive', async () => {
    for (const name of ['apiKey', 'apiClientKey', 'placements'] as const) {
      const params: Record<string, string> = { ...RR_KEYS, placements: 'home_page.promo_1' };
      delete params[name];
      const res = await personalize(server.url, params);
      expect(res.status, name).toBe(400);
      expect(res.json).toMatchObject({ status: 'error', field: name, errormessage: expect.stringContaining(name) });
    }
    // Only the site's own keys (here the documentation's examples): an unknown one is refused.
    for (const name of ['apiKey', 'apiClientKey'] as const) {
      const res = await personalize(server.url, {
        ...RR_KEYS,
        placements: 'home_page.promo_1',
        [name]: 'someone-elses-key',
      });
      expect(res.status, name).toBe(403);
      expect(res.json).toMatchObject({ status: 'error', field: name, errormessage: expect.stringContaining(name) });
    }
    const lower = await personalize(server.url, {
      apikey: RR_KEYS.apiKey,
      apiClientKey: RR_KEYS.apiClientKey,
      placements: 'home_page.promo_1',
    });
    expect(lower.json).toMatchObject({ field: 'apiKey' });
    expect((await personalize(server.url, { ...RR_KEYS, placements: 'promo_1' })).json).toMatchObject({
      field: 'placements',
    });
    expect(
      (await personalize(server.url, { ...RR_KEYS, placements: 'cart_page.upsell', cv: '95.50' })).json,
    ).toMatchObject({ field: 'cv' });
    // What a page type requires, as documented.
    for (const [placements, field] of [
      ['item_page.recs', 'productId'],
      ['purchase_complete_page.recs', 'productId'],
      ['category_page.top', 'categoryId'],
      ['add_to_cart_page.recs', 'atcid'],
    ]) {
      const res = await personalize(server.url, { ...RR_KEYS, placements: placements! });
      expect(res.status, placements).toBe(400);
      expect(res.json).toMatchObject({
        status: 'error',
        field,
        errormessage: `${field} is required on ${placements!.split('.')[0]}`,
      });
    }
    expect((await personalize(server.url, { ...RR_KEYS, placements: 'cart_page.upsell' })).status).toBe(200); // productId only when the cart is not empty
  });

  it('answers placements of two page types with status "error" (HTTP 200), as RR does', async () => {
    const res = await personalize(server.url, { ...RR_KEYS, placements: 'home_page.promo_1|item_page.recs' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      status: 'error',
      errormessage: expect.stringMatching(/^All placements in a call must be for the same page type/),
      placements: [],
    });
  });

  it('honours excludeHtml and includeScore', async () => {
    const id = await newGuest(server.url);
    await add(server.url, id, 'SNK-1', 10);
    await abandon(server.url, id); // returning now
    const res = await personalize(server.url, {
      ...RR_KEYS,
      placements: 'home_page.promo_1|home_page.promo_2|home_page.none',
      userId: id,
      excludeHtml: 'true',
      includeScore: 'true',
    });
    const [promo1, promo2, none] = res.json.placements;
    for (const p of res.json.placements) expect(p).not.toHaveProperty('html');
    expect(none).toEqual({ placement: 'home_page.none', creatives: [] });
    // The higher-scored campaign wins; a creative's own score overrides the campaign's.
    expect(promo1?.creatives).toEqual([
      expect.objectContaining({ campaign: 'Returning', ALT_TEXT: 'New arrivals', DESTINATION_URL: '', score: 7.5 }),
    ]);
    expect(promo2?.creatives).toEqual([]); // has-cart only, and the cart was abandoned

    const scored = await personalize(server.url, {
      ...RR_KEYS,
      placements: 'category_page.top',
      categoryId: 'trail',
      includeScore: 'true',
    });
    expect(scored.json.placements[0]?.creatives[0]?.score).toBe(0);
    const plain = await personalize(server.url, { ...RR_KEYS, placements: 'category_page.top', categoryId: 'trail' });
    expect(plain.json.placements[0]?.creatives[0]).not.toHaveProperty('score');
    expect(plain.json.placements[0]?.html).toBe(
      '<div class="rr-placement" data-placement="category_page.top">Trail season</div>',
    );
  });
});

describe('targeting', () => {
  it('maps userId to the guest: audiences and placeholders apply', async () => {
    const id = await newGuest(server.url);
    const before = await personalize(server.url, { ...RR_KEYS, placements: 'home_page.promo_2', userId: id });
    expect(before.json.placements[0]?.creatives).toEqual([]);
    await add(server.url, id, 'SNK-1', 10, 3);
    const after = await personalize(server.url, { ...RR_KEYS, placements: 'home_page.promo_2', userId: id });
    expect(after.json.placements[0]?.creatives[0]).toMatchObject({ campaign: 'Cart', ALT_TEXT: '3 in your bag' });
  });

  it('uses the UTM campaign of the guest’s latest VIEW, and the campaign html with placeholders', async () => {
    const id = await newGuest(server.url, { utm_campaign: 'spring_sale' });
    const res = await personalize(server.url, { ...RR_KEYS, placements: 'home_page.promo_1', userId: id });
    const [p] = res.json.placements;
    expect(p?.html).toBe('<div class="spring">Spring for you</div>');
    expect(p?.creatives[0]).toMatchObject({
      campaign: 'Spring',
      MEDIA_URL: `${server.url}/demo-assets/hero-spring.svg`,
    });
  });
});

describe('rcs', () => {
  it('round-trips a token with `_` and `-` carrying the viewed products; viewed items are excluded', async () => {
    const call = (productId: string, rcs?: string) =>
      personalize(server.url, {
        ...RR_KEYS,
        placements: 'item_page.recs',
        productId,
        includeRcs: 'true',
        ...(rcs ? { rcs } : {}),
      });
    const ids = (res: { json: PersonalizeAnswer }) => res.json.placements[0]?.creatives.map((c) => c.productId);

    const first = await call('P1');
    expect(first.json.rcs).toMatch(RCS);
    expect(ids(first)).toEqual(['P2', 'P3']); // the product on the page is not recommended

    const second = await call('P2', first.json.rcs);
    expect(second.json.rcs).toMatch(RCS);
    expect(second.json.rcs).not.toBe(first.json.rcs);
    expect(ids(second)).toEqual(['P3']); // P1 came back in the token

    // Every product viewed: the campaign has nothing left, the next one answers.
    const third = await call('P3', second.json.rcs);
    expect(third.json.placements[0]?.creatives.map((c) => c.campaign)).toEqual(['Socks']);

    // Without the token, P1 and P2 are forgotten; so they are when it comes back altered in any way.
    expect(ids(await call('P3'))).toEqual(['P1', 'P2']);
    for (const altered of [
      second.json.rcs!.toLowerCase(),
      second.json.rcs!.replace(/_/g, '%5F'),
      second.json.rcs!.slice(0, -1),
    ])
      expect(ids(await call('P3', altered)), altered).toEqual(['P1', 'P2']);
  });

  it('ignores an rcs that does not decode (never an error)', async () => {
    for (const rcs of [
      'garbage',
      'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ',
      'x'.repeat(10_000),
      '%%%',
    ]) {
      const res = await personalize(server.url, {
        ...RR_KEYS,
        placements: 'item_page.recs',
        productId: 'P1',
        includeRcs: 'true',
        rcs,
      });
      expect(res.status).toBe(200);
      expect(res.json.status).toBe('ok');
      expect(res.json.rcs).toMatch(RCS);
      expect(res.json.placements[0]?.creatives.map((c) => c.productId)).toEqual(['P2', 'P3']);
    }
  });
});

describe('tracking', () => {
  it('counts impressions and clicks per guest, placement and campaign, and redirects clicks', async () => {
    const id = await newGuest(server.url);
    const res = await personalize(server.url, {
      ...RR_KEYS,
      placements: 'home_page.promo_1',
      userId: id,
      sessionId: 's-1',
    });
    const creative = res.json.placements[0]!.creatives[0]!;
    expect(new URL(creative.trackingUrl).searchParams.get('u')).toBe(id);

    for (let i = 0; i < 2; i++) {
      const tracked = await fetch(creative.trackingUrl);
      expect(tracked.status).toBe(204);
    }
    const click = await fetch(creative.DESTINATION_URL!, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('/help/shipping');

    const timeline = (await guest(server.url, id))!;
    expect(timeline.impressions).toEqual([
      { placement: 'home_page.promo_1', campaign: 'Default', count: 2, clicks: 1 },
    ]);
  });

  it('redirects absolute destinations too, and refuses what is not a web page', async () => {
    const ok = await fetch(
      `${server.url}/rrserver/click?ct=${encodeURIComponent('https://shop.example/sale?x=1')}&p=a.b&c=C&u=nobody`,
      { redirect: 'manual' },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('https://shop.example/sale?x=1');
    for (const ct of ['javascript:alert(1)', '//evil.example/', '']) {
      const res = await fetch(`${server.url}/rrserver/click?ct=${encodeURIComponent(ct)}`, { redirect: 'manual' });
      expect(res.status, ct).toBe(400);
    }
    expect((await fetch(`${server.url}/rrserver/track?u=x`)).status).toBe(400);
    expect((await fetch(`${server.url}/rrserver/track?u=unknown&p=a.b&c=C`)).status).toBe(204);
  });

  it('survives a restart (impressions are in the durable log)', async () => {
    const id = await newGuest(server.url);
    const res = await personalize(server.url, {
      ...RR_KEYS,
      placements: 'category_page.top',
      categoryId: 'trail',
      userId: id,
    });
    await fetch(res.json.placements[0]!.creatives[0]!.trackingUrl);
    const again = await startSandbox({ dataDir: server.dataDir, catalog: writeCatalog() });
    try {
      expect((await guest(again.url, id))!.impressions).toEqual([
        { placement: 'category_page.top', campaign: 'Trail', count: 1, clicks: 0 },
      ]);
    } finally {
      await again.close();
    }
  });
});
