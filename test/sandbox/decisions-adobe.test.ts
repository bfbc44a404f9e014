// Adobe Offer Decisioning (seed 002): POST /decisions.
import { describe, expect, it } from 'vitest';
import { startSandbox } from './helpers';
import { DECISION_REQUEST_TYPE, DECISION_RESPONSE_TYPE, add, decide, decisionRequest, identify, newGuest, catalogSandbox } from './decisions-fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TYPE = 'https://ns.adobe.com/experience/decisioning/content-component-';

/** The request body of seed 002, byte for byte. */
const SEED_BODY = `{
        "xdm:propositionRequests": [
            {
              "xdm:placementId": "xcore:offer-placement:ffed0456",
              "xdm:activityId": "xcore:offer-activity:ffed0123",
              "xdm:itemCount": 2
            },
            {
              "xdm:placementId": "xcore:offer-placement:ffed0012",
              "xdm:activityId": "xcore:offer-activity:fffc0789"
            }
        ],
        "xdm:profiles": [
            {
              "xdm:identityMap": {
                "SWCUSTID": [
                {
                    "xdm:id": "123@abc.com"
                }
                ]
            },
            "xdm:decisionRequestId": "0AA00002-0000-1224-c0de-cjf98Csj43"
            }
        ],
        "xdm:allowDuplicatePropositions": {
            "xdm:acrossActivities": true,
            "xdm:acrossPlacements": true
        },
        "xdm:mergePolicy": {
            "xdm:id": "5f3ed32f-eaf1-456c-b0f0-7b338c4cb18a"
        },
        "xdm:responseFormat": {
            "xdm:includeContent": true,
            "xdm:includeMetadata": {
            "xdm:activity": [
                "name"
            ],
            "xdm:option": [
                "name"
            ],
            "xdm:placement": [
                "name"
            ]
            }
        }
      }`;

const server = catalogSandbox();

describe('seed 002', () => {
  it('answers the seed request (default catalog) in the seed response shape', async () => {
    const defaults = await startSandbox(); // demo/catalog.json carries the seed's activity ids
    try {
      const res = await decide(defaults.url, SEED_BODY, {
        authorization: 'Bearer {ACCESS_TOKEN}', 'x-api-key': '{API_KEY}', 'x-gw-ims-org-id': '{IMS_ORG}', 'x-sandbox-name': '{SANDBOX_NAME}',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(DECISION_RESPONSE_TYPE);
      expect(Object.keys(res.json)).toEqual(['xdm:propositionId', 'xdm:propositions', 'ode:createDate']);
      expect(res.json['xdm:propositionId']).toMatch(UUID);
      expect(res.json['ode:createDate']).toBeGreaterThan(Date.now() - 60_000);
      const [first, second] = res.json['xdm:propositions'];
      expect(first['xdm:activity']).toMatchObject({ 'xdm:id': 'xcore:offer-activity:ffed0123', 'repo:etag': expect.any(Number) });
      expect(first['xdm:placement']).toMatchObject({ 'xdm:id': 'xcore:offer-placement:ffed0456', 'repo:etag': expect.any(Number) });
      expect(first['xdm:options']).toHaveLength(2); // xdm:itemCount 2
      for (const option of first['xdm:options']) {
        expect(option).toMatchObject({ 'xdm:id': expect.any(String), 'repo:etag': expect.any(Number), '@type': expect.stringContaining(TYPE), 'xdm:content': expect.any(String) });
        expect(option['xdm:name']).toEqual(expect.any(String)); // includeMetadata asked for names
      }
      // The unknown profile is a new guest: nothing targets it on the second activity.
      expect(second).not.toHaveProperty('xdm:options');
      expect(second['xdm:fallback']).toMatchObject({
        'xdm:id': expect.any(String), 'repo:etag': expect.any(Number), '@type': `${TYPE}imagelink`,
        'dc:format': expect.stringMatching(/^image\//), 'xdm:deliveryURL': expect.stringMatching(new RegExp(`^${defaults.url}/demo-assets/`)), 'xdm:content': expect.any(String),
      });

      // Answered, but the request log says the credentials should not have been sent (and hides them).
      const log = await (await fetch(`${defaults.url}/sandbox/requests`)).json();
      const entry = log.find((r: any) => r.path === '/decisions');
      expect(entry.headers.authorization).toBe('[hidden]');
      expect(entry.headers['x-api-key']).toBe('[hidden]');
      expect(entry.notes).toEqual([expect.stringContaining('authorization, x-api-key, x-gw-ims-org-id')]);
    } finally {
      await defaults.dispose();
    }
  });
});

describe('content type', () => {
  it('requires the decision-request type, tolerant of spacing, quotes and case', async () => {
    const body = JSON.stringify(decisionRequest([['act-1', 'pl-1']], 'x'));
    const schema = 'https://ns.adobe.com/experience/offer-management/decision-request;version=1.0';
    for (const type of [DECISION_REQUEST_TYPE, `application/vnd.adobe.xdm+json;schema=${schema}`, `Application/VND.adobe.xdm+json ; schema='${schema}'; charset=utf-8`]) {
      expect((await decide(server.url, body, { 'content-type': type })).status, type).toBe(200);
    }
    for (const type of ['application/json', 'text/plain', `application/vnd.adobe.xdm+json; schema="${schema.replace('request', 'response')}"`]) {
      const res = await decide(server.url, body, { 'content-type': type });
      expect(res.status, type).toBe(415);
      expect(res.json).toMatchObject({ status: 'error', field: 'content-type', message: expect.stringContaining('decision-request') });
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
      [{ ...good, 'xdm:propositionRequests': [{ 'xdm:placementId': 'pl-1', 'xdm:activityId': 'act-1', 'xdm:itemCount': '2' }] }, 'xdm:itemCount'],
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

  it('an unknown activity or placement is a 422', async () => {
    const activity = await decide(server.url, decisionRequest([['act-nope', 'pl-1']], 'x'));
    expect(activity.status).toBe(422);
    expect(activity.json.field).toContain('xdm:activityId');
    const placement = await decide(server.url, decisionRequest([['act-1', 'pl-2']], 'x'));
    expect(placement.status).toBe(422);
    expect(placement.json.field).toContain('xdm:placementId');
  });
});

describe('decisions', () => {
  const options = (res: { json: any }, i = 0) => res.json['xdm:propositions'][i]['xdm:options']?.map((o: any) => o['xdm:id']);

  it('ranks matching options by score, returns up to itemCount, with content and types', async () => {
    const res = await decide(server.url, decisionRequest([['act-1', 'pl-1', 30]], 'unknown'));
    expect(options(res)).toEqual(['o-shared', 'o-new', 'o-all']);
    const [shared, fresh, all] = res.json['xdm:propositions'][0]['xdm:options'];
    expect(shared).toEqual({
      'xdm:id': 'o-shared', 'repo:etag': 1, '@type': `${TYPE}imagelink`, 'dc:format': 'image/svg+xml',
      'xdm:deliveryURL': `${server.url}/demo-assets/promo-free-shipping.svg`, 'xdm:content': '/help/shipping', 'xdm:score': 50,
    });
    expect(fresh).toMatchObject({ '@type': `${TYPE}html-template`, 'xdm:content': '<div>Welcome</div>' });
    expect(fresh).not.toHaveProperty('xdm:name'); // no includeMetadata
    expect(all['@type']).toBe(`${TYPE}text`);
    expect(options(await decide(server.url, decisionRequest([['act-1', 'pl-1']], 'unknown')))).toEqual(['o-shared']); // default itemCount 1
  });

  it('answers the fallback when no option matches the guest', async () => {
    const res = await decide(server.url, decisionRequest([['act-3', 'pl-3']], 'unknown'));
    const [p] = res.json['xdm:propositions'];
    expect(p).not.toHaveProperty('xdm:options');
    expect(p['xdm:fallback']).toEqual({
      'xdm:id': 'fb-3', 'repo:etag': 1, '@type': `${TYPE}imagelink`, 'dc:format': 'image/svg+xml',
      'xdm:deliveryURL': `${server.url}/demo-assets/hero-new-arrivals.svg`, 'xdm:content': '/category/new',
    });
  });

  it('finds the guest by browser id or identity email in any namespace', async () => {
    const id = await newGuest(server.url);
    expect(options(await decide(server.url, decisionRequest([['act-1', 'pl-1', 3]], id)))).toContain('o-new');
    await identify(server.url, id, 'ann.adobe@example.com', 'Ann');
    await add(server.url, id, 'SNK-1', 20);
    const byBrowser = await decide(server.url, decisionRequest([['act-3', 'pl-3'], ['act-1', 'pl-1', 3]], id));
    expect(byBrowser.json['xdm:propositions'][0]['xdm:options']).toEqual([expect.objectContaining({ 'xdm:id': 'o-member', 'xdm:content': '<b>Hi Ann</b>' })]);
    expect(options(byBrowser, 1)).not.toContain('o-new'); // identified and has a cart: no longer new

    const byEmail = decisionRequest([['act-3', 'pl-3']], 'x');
    byEmail['xdm:profiles'][0]!['xdm:identityMap'] = { ECID: [{ 'xdm:id': 'not-a-guest' }], Email: [{ 'xdm:id': 'ann.adobe@example.com' }] };
    expect(options(await decide(server.url, byEmail))).toEqual(['o-member']);
  });

  it('honours allowDuplicatePropositions across activities and placements', async () => {
    const pair: Array<[string, string]> = [['act-1', 'pl-1'], ['act-2', 'pl-2']];
    const run = async (acrossActivities: boolean, acrossPlacements: boolean) => {
      const res = await decide(server.url, decisionRequest(pair, 'x', { 'xdm:allowDuplicatePropositions': { 'xdm:acrossActivities': acrossActivities, 'xdm:acrossPlacements': acrossPlacements } }));
      return [options(res, 0), options(res, 1)];
    };
    expect(await run(true, true)).toEqual([['o-shared'], ['o-shared']]);
    expect(await run(false, true)).toEqual([['o-shared'], ['o-two']]);
    expect(await run(true, false)).toEqual([['o-shared'], ['o-two']]);
    // Default: duplicates allowed.
    expect(options(await decide(server.url, decisionRequest(pair, 'x')), 1)).toEqual(['o-shared']);
  });

  it('leaves xdm:content out when includeContent is false, and adds names on request', async () => {
    const res = await decide(server.url, decisionRequest([['act-1', 'pl-1', 2]], 'x', {
      'xdm:responseFormat': { 'xdm:includeContent': false, 'xdm:includeMetadata': { 'xdm:activity': ['name'], 'xdm:option': ['name'], 'xdm:placement': ['name'] } },
    }));
    const [p] = res.json['xdm:propositions'];
    expect(p['xdm:activity']).toEqual({ 'xdm:id': 'act-1', 'repo:etag': 3, 'xdm:name': 'Activity one' });
    expect(p['xdm:placement']).toEqual({ 'xdm:id': 'pl-1', 'repo:etag': 3, 'xdm:name': 'Placement one' });
    for (const o of p['xdm:options']) expect(o).not.toHaveProperty('xdm:content');
    expect(p['xdm:options'][1]).toMatchObject({ 'xdm:id': 'o-new', 'xdm:name': 'For new guests' });
  });
});
