// Adobe Offer Decisioning: the Decisioning API (POST /data/core/ods/decisions) as real tenants
// answer it, and the site proxy path the tag calls (POST /decisions).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startSandbox } from './helpers';
import {
  ADOBE_CREDENTIALS,
  DECISION_REQUEST_TYPE,
  DECISION_RESPONSE_TYPE,
  add,
  decide,
  decisionRequest,
  identify,
  newGuest,
  catalogSandbox,
  type DecisionAnswer,
} from './decisions-fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TYPE = 'https://ns.adobe.com/experience/offer-management/content-component-';
const API = '/data/core/ods/decisions';

/** The request body of the Decisioning API documentation's example, byte for byte. */
const DOC_BODY = JSON.parse(
  readFileSync(new URL('../conformance/fixtures/adobe-request.json', import.meta.url), 'utf8'),
).body as string;

const server = catalogSandbox();

describe('the documented request', () => {
  it('is answered in the form real tenants use: offer-management types, ids in the answer form, not in request order', async () => {
    const defaults = await startSandbox(); // demo/catalog.json carries the documentation's activity ids
    try {
      const res = await decide(defaults.url, DOC_BODY, ADOBE_CREDENTIALS, API);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(DECISION_RESPONSE_TYPE);
      expect(Object.keys(res.json)).toEqual(['xdm:propositionId', 'xdm:propositions', 'ode:createDate']);
      expect(res.json['xdm:propositionId']).toMatch(UUID);
      expect(res.json['ode:createDate']).toBeGreaterThan(Date.now() - 60_000);
      // Asked home first, cart second; answered the other way round, each id without `offer-`.
      const [cart, home] = res.json['xdm:propositions'];
      expect(home?.['xdm:activity']).toMatchObject({
        'xdm:id': 'xcore:activity:ffed0123',
        'repo:etag': expect.any(Number),
        'xdm:name': expect.any(String),
      });
      expect(home?.['xdm:placement']).toMatchObject({
        'xdm:id': 'xcore:placement:ffed0456',
        'repo:etag': expect.any(Number),
      });
      expect(cart?.['xdm:activity']['xdm:id']).toBe('xcore:activity:fffc0789');
      expect(cart?.['xdm:placement']['xdm:id']).toBe('xcore:placement:ffed0012');
      expect(home?.['xdm:options']).toHaveLength(2); // xdm:itemCount 2
      for (const option of home!['xdm:options']!) {
        expect(option).toMatchObject({
          'xdm:id': expect.any(String),
          'repo:etag': expect.any(Number),
          '@type': expect.stringContaining(TYPE),
          'dc:format': expect.any(String),
          'xdm:content': expect.any(String),
        });
        expect(option['xdm:name']).toEqual(expect.any(String)); // includeMetadata asked for names
      }
      // The unknown profile is a new guest: nothing targets it on the cart activity.
      expect(cart).not.toHaveProperty('xdm:options');
      expect(cart?.['xdm:fallback']).toMatchObject({
        'xdm:id': expect.any(String),
        'repo:etag': expect.any(Number),
        '@type': `${TYPE}imagelink`,
        'dc:format': expect.stringMatching(/^image\//),
        'xdm:deliveryURL': expect.stringMatching(new RegExp(`^${defaults.url}/demo-assets/`)),
        'xdm:content': expect.any(String),
      });
      // The API path is server to server: its credentials are expected there, not noted as a browser's.
      const log = await (await fetch(`${defaults.url}/sandbox/requests`)).json();
      expect(log.find((r: { path: string }) => r.path === API).notes ?? []).toEqual([]);
    } finally {
      await defaults.dispose();
    }
  });
});

describe('headers', () => {
  const body = JSON.stringify(decisionRequest([['act-1', 'pl-1']], 'x'));

  it('the API requires every header the documentation lists, each refused as its gateway would', async () => {
    expect((await decide(server.url, body, ADOBE_CREDENTIALS, API)).status).toBe(200);
    const cases: Array<[string, number]> = [
      ['authorization', 401],
      ['x-api-key', 403],
      ['x-gw-ims-org-id', 400],
      ['x-sandbox-name', 400],
    ];
    for (const [name, status] of cases) {
      const headers: Record<string, string> = { ...ADOBE_CREDENTIALS };
      delete headers[name];
      const res = await decide(server.url, body, headers, API);
      expect(res.status, name).toBe(status);
      expect(res.json.field).toBe(name);
    }
    expect((await decide(server.url, body, { ...ADOBE_CREDENTIALS, authorization: 'Basic abc' }, API)).status).toBe(
      401,
    );
    expect((await decide(server.url, body, { ...ADOBE_CREDENTIALS, accept: 'application/json' }, API)).status).toBe(
      406,
    );
    expect((await decide(server.url, body, { ...ADOBE_CREDENTIALS, accept: '*/*' }, API)).status).toBe(406);
  });

  it('the proxy path adds the credentials, and passes the media types on as sent', async () => {
    expect((await decide(server.url, body)).status).toBe(200);
    expect((await decide(server.url, body, { accept: 'application/json' })).status).toBe(406);
  });

  it('requires the decision-request type, tolerant of spacing, quotes and case', async () => {
    const schema = 'https://ns.adobe.com/experience/offer-management/decision-request;version=1.0';
    for (const type of [
      DECISION_REQUEST_TYPE,
      `application/vnd.adobe.xdm+json;schema=${schema}`,
      `Application/VND.adobe.xdm+json ; schema='${schema}'; charset=utf-8`,
    ]) {
      expect((await decide(server.url, body, { 'content-type': type })).status, type).toBe(200);
    }
    for (const type of [
      'application/json',
      'text/plain',
      `application/vnd.adobe.xdm+json; schema="${schema.replace('request', 'response')}"`,
    ]) {
      const res = await decide(server.url, body, { 'content-type': type });
      expect(res.status, type).toBe(415);
      expect(res.json).toMatchObject({
        status: 'error',
        field: 'content-type',
        message: expect.stringContaining('decision-request'),
      });
    }
  });
});

describe('validation', () => {
  it('itemCount outside 1–30 is a 422 naming xdm:itemCount', async () => {
    for (const n of [31, 0]) {
      const res = await decide(server.url, decisionRequest([['act-1', 'pl-1', n]], 'x'));
      expect(res.status).toBe(422);
      expect(res.json.message).toContain('xdm:itemCount');
    }
    expect((await decide(server.url, decisionRequest([['act-1', 'pl-1', 30]], 'x'))).status).toBe(200);
  });

  it('a malformed request is a 400 naming the field', async () => {
    const good = decisionRequest([['act-1', 'pl-1']], 'x');
    const profile = good['xdm:profiles'][0]!;
    const cases: Array<[unknown, string]> = [
      [{ ...good, 'xdm:propositionRequests': [] }, 'xdm:propositionRequests'],
      [{ ...good, 'xdm:propositionRequests': [{ 'xdm:activityId': 'act-1' }] }, 'xdm:placementId'],
      [{ ...good, 'xdm:propositionRequests': [{ 'xdm:placementId': 'pl-1' }] }, 'xdm:activityId'],
      [
        {
          ...good,
          'xdm:propositionRequests': [{ 'xdm:placementId': 'pl-1', 'xdm:activityId': 'act-1', 'xdm:itemCount': '2' }],
        },
        'xdm:itemCount',
      ],
      [{ ...good, 'xdm:profiles': [] }, 'xdm:profiles'],
      [{ ...good, 'xdm:profiles': [profile, profile] }, 'xdm:profiles'],
      [{ ...good, 'xdm:profiles': [{ ...profile, 'xdm:identityMap': {} }] }, 'xdm:identityMap'],
      [{ ...good, 'xdm:profiles': [{ ...profile, 'xdm:identityMap': { ECID: [] } }] }, 'xdm:identityMap'],
      [{ ...good, 'xdm:profiles': [{ 'xdm:identityMap': profile['xdm:identityMap'] }] }, 'xdm:decisionRequestId'],
      [{ ...good, 'xdm:allowDuplicatePropositions': { 'xdm:acrossActivities': 'no' } }, 'xdm:acrossActivities'],
      ['{"xdm:propositionRequests":', 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await decide(server.url, body);
      expect(res.status, field).toBe(400);
      expect(res.json.field).toContain(field);
    }
  });

  it('an unknown activity or placement is a 422, and ids are asked in the form the tenant gave them', async () => {
    const activity = await decide(server.url, decisionRequest([['act-nope', 'pl-1']], 'x'));
    expect(activity.status).toBe(422);
    expect(activity.json.field).toContain('xdm:activityId');
    const placement = await decide(server.url, decisionRequest([['act-1', 'pl-2']], 'x'));
    expect(placement.status).toBe(422);
    expect(placement.json.field).toContain('xdm:placementId');
    // The answer's form is not the request's.
    const answerForm = await decide(
      server.url,
      decisionRequest([['xcore:activity:1a24df53cc90c386', 'xcore:offer-placement:1a24dc4342f2e21e']], 'x'),
    );
    expect(answerForm.status).toBe(422);
  });
});

describe('decisions', () => {
  const propositionOf = (res: { json: DecisionAnswer }, activity: string) =>
    res.json['xdm:propositions'].find((p) => p['xdm:activity']['xdm:id'] === activity);
  const options = (res: { json: DecisionAnswer }, activity: string) =>
    propositionOf(res, activity)?.['xdm:options']?.map((o) => o['xdm:id']);

  it('ranks matching options by score, returns up to itemCount, with content, types and formats', async () => {
    const res = await decide(server.url, decisionRequest([['act-1', 'pl-1', 30]], 'unknown'));
    expect(options(res, 'act-1')).toEqual(['o-shared', 'o-new', 'o-all']);
    const [shared, fresh, all] = propositionOf(res, 'act-1')!['xdm:options']!;
    expect(shared).toEqual({
      'xdm:id': 'o-shared',
      'repo:etag': 1,
      '@type': `${TYPE}imagelink`,
      'dc:format': 'image/svg+xml',
      'xdm:deliveryURL': `${server.url}/demo-assets/promo-free-shipping.svg`,
      'xdm:content': '/help/shipping',
      'xdm:score': 50,
    });
    expect(fresh).toMatchObject({
      '@type': `${TYPE}html`,
      'dc:format': 'text/html',
      'xdm:content': '<div>Welcome</div>',
    });
    expect(fresh).not.toHaveProperty('xdm:name'); // no includeMetadata
    expect(all).toMatchObject({ '@type': `${TYPE}text`, 'dc:format': 'text/plain', 'xdm:content': 'For everyone' });
    expect(options(await decide(server.url, decisionRequest([['act-1', 'pl-1']], 'unknown')), 'act-1')).toEqual([
      'o-shared',
    ]); // default itemCount 1
  });

  it('answers the fallback when no option matches the guest', async () => {
    const res = await decide(server.url, decisionRequest([['act-3', 'pl-3']], 'unknown'));
    const [p] = res.json['xdm:propositions'];
    expect(p).not.toHaveProperty('xdm:options');
    expect(p?.['xdm:fallback']).toEqual({
      'xdm:id': 'fb-3',
      'repo:etag': 1,
      '@type': `${TYPE}imagelink`,
      'dc:format': 'image/svg+xml',
      'xdm:deliveryURL': `${server.url}/demo-assets/hero-new-arrivals.svg`,
      'xdm:content': '/category/new',
    });
  });

  it('leaves a placement out when nothing qualifies and the activity has no fallback; JSON offers travel as JSON text', async () => {
    const json = ['xcore:offer-activity:1a24df53cc90c386', 'xcore:offer-placement:1a24dc4342f2e21e'] as [
      string,
      string,
    ];
    const stranger = await decide(
      server.url,
      decisionRequest(
        [
          ['act-1', 'pl-1'],
          [...json, 2],
          ['act-3', 'pl-3'],
        ],
        'unknown',
      ),
    );
    expect(stranger.json['xdm:propositions'].map((p) => p['xdm:activity']['xdm:id'])).toEqual(['act-3', 'act-1']);

    const id = await newGuest(server.url);
    await identify(server.url, id, 'jo.json@example.com', 'Jo');
    const member = await decide(server.url, decisionRequest([[...json, 2]], id));
    const [p] = member.json['xdm:propositions'];
    expect(p?.['xdm:activity']['xdm:id']).toBe('xcore:activity:1a24df53cc90c386');
    expect(p?.['xdm:placement']['xdm:id']).toBe('xcore:placement:1a24dc4342f2e21e');
    expect(p?.['xdm:options']?.map((o) => [o['@type'], o['dc:format'], typeof o['xdm:content']])).toEqual([
      [`${TYPE}json`, 'application/json', 'string'],
      [`${TYPE}json`, 'application/json', 'string'],
    ]);
    expect(JSON.parse(p!['xdm:options']![0]!['xdm:content']!)).toEqual({ headline: 'Hi Jo', href: '/members' });
    expect(JSON.parse(p!['xdm:options']![1]!['xdm:content']!)).toEqual({ headline: 'Second' });
  });

  it('finds the guest by browser id or identity email in any namespace', async () => {
    const id = await newGuest(server.url);
    expect(options(await decide(server.url, decisionRequest([['act-1', 'pl-1', 3]], id)), 'act-1')).toContain('o-new');
    await identify(server.url, id, 'ann.adobe@example.com', 'Ann');
    await add(server.url, id, 'SNK-1', 20);
    const byBrowser = await decide(
      server.url,
      decisionRequest(
        [
          ['act-3', 'pl-3'],
          ['act-1', 'pl-1', 3],
        ],
        id,
      ),
    );
    expect(propositionOf(byBrowser, 'act-3')?.['xdm:options']).toEqual([
      expect.objectContaining({ 'xdm:id': 'o-member', 'xdm:content': '<b>Hi Ann</b>' }),
    ]);
    expect(options(byBrowser, 'act-1')).not.toContain('o-new'); // identified and has a cart: no longer new

    const byEmail = decisionRequest([['act-3', 'pl-3']], 'x');
    byEmail['xdm:profiles'][0]!['xdm:identityMap'] = {
      ECID: [{ 'xdm:id': 'not-a-guest' }],
      Email: [{ 'xdm:id': 'ann.adobe@example.com' }],
    };
    expect(options(await decide(server.url, byEmail), 'act-3')).toEqual(['o-member']);
  });

  it('honours allowDuplicatePropositions across activities and placements', async () => {
    const pair: Array<[string, string]> = [
      ['act-1', 'pl-1'],
      ['act-2', 'pl-2'],
    ];
    const run = async (acrossActivities: boolean, acrossPlacements: boolean) => {
      const res = await decide(
        server.url,
        decisionRequest(pair, 'x', {
          'xdm:allowDuplicatePropositions': {
            'xdm:acrossActivities': acrossActivities,
            'xdm:acrossPlacements': acrossPlacements,
          },
        }),
      );
      return [options(res, 'act-1'), options(res, 'act-2')];
    };
    expect(await run(true, true)).toEqual([['o-shared'], ['o-shared']]);
    expect(await run(false, true)).toEqual([['o-shared'], ['o-two']]);
    expect(await run(true, false)).toEqual([['o-shared'], ['o-two']]);
    // Default: duplicates allowed.
    expect(options(await decide(server.url, decisionRequest(pair, 'x')), 'act-2')).toEqual(['o-shared']);
  });

  it('leaves xdm:content out when includeContent is false, and adds names on request', async () => {
    const res = await decide(
      server.url,
      decisionRequest([['act-1', 'pl-1', 2]], 'x', {
        'xdm:responseFormat': {
          'xdm:includeContent': false,
          'xdm:includeMetadata': { 'xdm:activity': ['name'], 'xdm:option': ['name'], 'xdm:placement': ['name'] },
        },
      }),
    );
    const [p] = res.json['xdm:propositions'];
    expect(p?.['xdm:activity']).toEqual({ 'xdm:id': 'act-1', 'repo:etag': 3, 'xdm:name': 'Activity one' });
    expect(p?.['xdm:placement']).toEqual({ 'xdm:id': 'pl-1', 'repo:etag': 3, 'xdm:name': 'Placement one' });
    for (const o of p!['xdm:options']!) expect(o).not.toHaveProperty('xdm:content');
    expect(p?.['xdm:options']?.[1]).toMatchObject({ 'xdm:id': 'o-new', 'xdm:name': 'For new guests' });
  });
});
