// Sitecore flow execution (Personalize API Flow execution): POST /v2/callFlows and the Cloud SDK's /v1/personalize,
// answered from the catalog for the guest the request names.
import { describe, expect, it } from 'vitest';
import { CLIENT_KEY, message, postEvent, without } from './helpers';
import { FLOW_BASE, abandon, add, callFlows, flow, identify, newGuest, catalogSandbox } from './decisions-fixture';

const server = catalogSandbox();

describe('the request (Personalize API Flow execution)', () => {
  it('answers the documented example with the flow response as JSON', async () => {
    const id = await newGuest(server.url);
    const res = await callFlows(server.url, {
      clientKey: 'mhbWwbHYfhpheu86hp60oR76S4jQMmZr',
      channel: 'WEB',
      language: 'EN',
      currencyCode: 'EUR',
      pointOfSale: 'myretailsite.com',
      friendlyId: 'greeting',
      browserId: id,
      params: { utm: { campaign: 'content_promotion', source: 'bing', medium: 'social', content: 'call_to_action' } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json.html).toBe('<p>Hello, new visitor</p>');
  });

  it('names the missing or malformed field', async () => {
    const good = { ...FLOW_BASE, friendlyId: 'greeting', browserId: 'b-1' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ clientKey: undefined }, 'clientKey'],
      [{ clientKey: '' }, 'clientKey'],
      [{ channel: 'web' }, 'channel'],
      [{ channel: 'EMAIL' }, 'channel'],
      [{ language: 'ENG' }, 'language'],
      [{ currencyCode: 'EU' }, 'currencyCode'],
      [{ pointOfSale: undefined }, 'pointOfSale'],
      [{ friendlyId: '' }, 'friendlyId'],
      [{ params: 'utm_campaign=x' }, 'params'],
      [{ params: { utm: { campaign: 3 } } }, 'params.utm.campaign'],
    ];
    for (const [change, field] of cases) {
      const res = await callFlows(server.url, { ...good, ...change });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(res.json).toMatchObject({ status: 'error', field });
      expect(res.json.message).toContain(field);
    }
  });

  it('wants browserId, or email and/or identifiers, never browserId with the others', async () => {
    const none = await callFlows(server.url, { ...FLOW_BASE, friendlyId: 'greeting' });
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({
      field: 'browserId',
      message: expect.stringMatching(/name the guest by browserId, or by email/),
    });

    // What Engage and the Cloud SDK send when given both: the sandbox once refused it; Sitecore
    // takes its own SDKs' request, so the guest is found by email (then identifiers).
    const id = await newGuest(server.url);
    await identify(server.url, id, 'both.ways@example.com', 'Bo');
    const two = await callFlows(server.url, {
      ...FLOW_BASE,
      friendlyId: 'greeting',
      email: 'both.ways@example.com',
      identifiers: { id: 'crm-42', provider: 'crm' },
    });
    expect(two).toMatchObject({ status: 200, json: { html: '<p>Welcome back, Bo</p>' } });

    const three = await callFlows(server.url, {
      ...FLOW_BASE,
      friendlyId: 'greeting',
      browserId: 'b',
      email: 'a@b.co',
      identifiers: { id: 'x', provider: 'y' },
    });
    expect(three).toMatchObject({ status: 400, json: { field: 'browserId,email,identifiers' } });
    expect(
      (await callFlows(server.url, { ...FLOW_BASE, friendlyId: 'greeting', browserId: 'b', email: 'a@b.co' })).status,
    ).toBe(400);

    // identifiers is one object here, unlike the array in IDENTITY events.
    const array = await callFlows(server.url, {
      ...FLOW_BASE,
      friendlyId: 'greeting',
      identifiers: [{ id: 'x', provider: 'y' }],
    });
    expect(array.status).toBe(400);
    expect(array.json).toMatchObject({ field: 'identifiers' });

    for (const identity of [
      { email: 'nobody@example.com' },
      { identifiers: { provider: 'crm', id: 'unknown' } },
      { browserId: 'unknown-browser' },
    ]) {
      const res = await callFlows(server.url, { ...FLOW_BASE, friendlyId: 'greeting', ...identity });
      expect(res.status, JSON.stringify(identity)).toBe(200);
      expect(res.json.html).toBe('<p>Hello, new visitor</p>'); // unknown guests are new
    }
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(`${server.url}/v2/callFlows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"friendlyId":',
    });
    expect(res.status).toBe(400);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const res = await fetch(`${server.url}/v2/callFlows`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ ...FLOW_BASE, friendlyId: 'greeting', browserId: 'b' }),
      });
      expect(res.status, type).toBe(415);
    }
  });
});

describe('friendlyId', () => {
  it('with "*" runs the first live flow in lexicographic order with that prefix', async () => {
    const id = await newGuest(server.url);
    expect(await flow(server.url, 'product_recommender*', id)).toEqual({ from: 'product_recommender' });
    expect(await flow(server.url, 'product_recommender_*', id)).toEqual({ from: 'product_recommender_2' });
    expect(await flow(server.url, 'product_recommender_2', id)).toEqual({ from: 'product_recommender_2' });
  });

  it('skips flows that are not live, and those whose rules the guest does not pass', async () => {
    const id = await newGuest(server.url);
    expect(await flow(server.url, 'retired*', id)).toEqual({ from: 'retired_b' });
    const exact = await callFlows(server.url, { ...FLOW_BASE, friendlyId: 'retired_a', browserId: id });
    expect(exact.status).toBe(404);
    expect(exact.json).toMatchObject({ status: 'error', message: expect.stringContaining('retired_a') });

    // targeted_a is for returning guests only: a new guest falls through to targeted_b.
    expect(await flow(server.url, 'targeted*', id)).toEqual({ from: 'targeted_b' });
    await postEvent(server.url, message(id, 'FORCE_CLOSE'));
    expect(await flow(server.url, 'targeted*', id)).toEqual({ from: 'targeted_a' });
  });

  it('is a 404 when nothing matches, and {} when the flow targets someone else', async () => {
    const id = await newGuest(server.url);
    for (const friendlyId of ['no_such_flow', 'no_such*']) {
      const res = await callFlows(server.url, { ...FLOW_BASE, friendlyId, browserId: id });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ status: 'error', message: expect.any(String) });
    }
    expect(await flow(server.url, 'members_only', id)).toEqual({});
  });
});

describe('audiences and placeholders', () => {
  it('a new guest becomes abandoned-cart after ADD + FORCE_CLOSE, with the values filled in', async () => {
    const id = await newGuest(server.url);
    expect((await flow(server.url, 'greeting', id)).html).toBe('<p>Hello, new visitor</p>');

    await add(server.url, id, 'SNK-1', 89, 2);
    expect(await flow(server.url, 'greeting', id)).toEqual({ text: '2 items, EUR 178.00' }); // has-cart

    await add(server.url, id, 'SOCK-1', 14.5);
    await postEvent(server.url, message(id, 'FORCE_CLOSE'));
    expect((await flow(server.url, 'greeting', id)).html).toBe('<p>You left 3 items… EUR 192.50</p>');
  });

  it('a purchase after the abandoned session ends abandoned-cart', async () => {
    const id = await newGuest(server.url);
    await abandon(server.url, id);
    await add(server.url, id, 'SNK-2', 50);
    await postEvent(server.url, message(id, 'CONFIRM'));
    expect((await flow(server.url, 'greeting', id)).html).toBe('<p>Good to see you again</p>'); // returning, cart bought
  });

  it('identified after IDENTITY; found by browserId, email or identifiers', async () => {
    const id = await newGuest(server.url);
    await identify(server.url, id, 'jane.flows@example.com', 'Jane');
    const expected = { html: '<p>Welcome back, Jane</p>', plain: 'Hi Jane' };
    expect(await flow(server.url, 'greeting', id)).toEqual(expected);
    const noBrowser = without({ ...FLOW_BASE, friendlyId: 'greeting', browserId: '' }, 'browserId');
    expect((await callFlows(server.url, { ...noBrowser, email: 'JANE.flows@example.com' })).json).toEqual(expected);
    expect(
      (await callFlows(server.url, { ...noBrowser, identifiers: { provider: 'crm', id: 'crm-Jane' } })).json,
    ).toEqual(expected);
    expect(
      (await callFlows(server.url, { ...noBrowser, identifiers: { provider: 'other', id: 'crm-Jane' } })).json.html,
    ).toBe('<p>Hello, new visitor</p>');
  });

  it('escapes guest data put into HTML, not into plain text; keeps unknown placeholders; fills {{origin}}', async () => {
    const id = await newGuest(server.url);
    await identify(server.url, id, 'mallory@example.com', '<img src=x onerror=alert(1)>');
    const res = await flow(server.url, 'greeting', id);
    expect(res.html).toBe('<p>Welcome back, &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(res.plain).toBe('Hi <img src=x onerror=alert(1)>');

    const other = await flow(server.url, 'greeting', await newGuest(server.url));
    expect(other.image).toBe(`${server.url}/demo-assets/hero-welcome.svg`);
    expect(other.typo).toBe('{{firstnmae}}');
  });
});

describe('UTM and page rules', () => {
  it('match params.utm.campaign, Engage-style params.utm_campaign, or the UTM of the latest VIEW in the session', async () => {
    const id = await newGuest(server.url);
    expect((await flow(server.url, 'greeting', id, { params: { utm: { campaign: 'SPRING_SALE' } } })).html).toBe(
      '<p>Spring sale</p>',
    );
    expect((await flow(server.url, 'greeting', id, { params: { utm_campaign: 'spring_sale' } })).html).toBe(
      '<p>Spring sale</p>',
    );
    expect((await flow(server.url, 'greeting', id, { params: { utm: { campaign: 'other' } } })).html).toBe(
      '<p>Hello, new visitor</p>',
    );

    const landed = await newGuest(server.url, { utm_campaign: 'spring_sale', utm_source: 'newsletter' });
    await postEvent(server.url, message(landed, 'VIEW', { page: 'category' })); // a later page without utm_
    expect((await flow(server.url, 'greeting', landed)).html).toBe('<p>Spring sale</p>');
  });

  it('match params.pageType, else the page of the latest VIEW', async () => {
    const id = await newGuest(server.url, { page: 'home' });
    expect(await flow(server.url, 'landing', id)).toEqual({ from: 'other page' });
    expect(await flow(server.url, 'landing', id, { params: { pageType: 'landing' } })).toEqual({ from: 'landing' });
    await postEvent(server.url, message(id, 'VIEW', { page: 'landing' }));
    expect(await flow(server.url, 'landing', id)).toEqual({ from: 'landing' });
  });
});

describe('/v1/personalize (Cloud SDK Edge form)', () => {
  const edge = (query = 'sitecoreContextId=ctx-1&siteId=demo') => `/v1/personalize?${query}`;

  it('answers like callFlows, with blank clientKey/pointOfSale and the guest named by guestRef', async () => {
    const id = await newGuest(server.url);
    await identify(server.url, id, 'kim.edge@example.com', 'Kim');
    const { json: created } = await fetch(`${server.url}/v1.2/browser/${id}/show.json?client_key=${CLIENT_KEY}`).then(
      async (r) => ({ json: await r.json() }),
    );
    // The body Cloud SDK 0.6.1 was captured sending, browserId "" as without enableBrowserCookie.
    const body = {
      channel: 'WEB',
      clientKey: '',
      currencyCode: 'EUR',
      friendlyId: 'greeting',
      guestRef: created.customer.ref,
      language: 'EN',
      params: {
        campaign: { name: 'spring', week: 3 },
        geo: { city: 'London', country: 'GB', region: 'ENG' },
        utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
      },
      pointOfSale: '',
      variants: ['pv-1', 'pv-2'],
      browserId: '',
    };
    const res = await callFlows(server.url, body, edge());
    expect(res.status).toBe(200);
    expect(res.json.html).toBe('<p>Welcome back, Kim</p>');
    expect((await callFlows(server.url, { ...body, guestRef: '', browserId: id }, edge())).json.html).toBe(
      '<p>Welcome back, Kim</p>',
    );
  });

  it('requires sitecoreContextId and siteId, and keeps the identity rule', async () => {
    const body = { ...FLOW_BASE, clientKey: '', pointOfSale: '', friendlyId: 'greeting', browserId: 'x' };
    expect((await callFlows(server.url, body, edge('siteId=demo'))).json).toMatchObject({ field: 'sitecoreContextId' });
    expect((await callFlows(server.url, body, edge('sitecoreContextId=c'))).json).toMatchObject({ field: 'siteId' });
    expect((await callFlows(server.url, { ...body, email: 'a@b.co' }, edge())).status).toBe(400);
    // v2 does not accept the blanks.
    expect((await callFlows(server.url, body)).json).toMatchObject({ field: 'clientKey' });
  });
});
