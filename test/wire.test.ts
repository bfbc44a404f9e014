// The vendor codecs: what they send and how they read answers. The documentation's own examples,
// verbatim, and real-tenant answers are in test/conformance/.
import { offerSlot } from '../src/shared/markup';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/shared/options';
import { flowDecision, flowRequest } from '../src/codecs/sitecore-flows';
import { placementRequests, placementsAnswer } from '../src/codecs/algonomy';
import { offerDecisions, offersRequest } from '../src/codecs/adobe';

const settings = resolveOptions({
  clientKey: 'mhbWwbHYfhpheu86hp60oR76S4jQMmZr',
  target: 'https://api.example',
  pointOfSale: 'myretailsite.com',
  currency: 'EUR',
  language: 'EN',
});
const bodyOf = (request: { body?: string }) => JSON.parse(request.body!);

describe('Sitecore flow execution', () => {
  it('sends the documented fields with the browser id and nests utm from the URL', () => {
    const request = flowRequest(
      settings,
      { friendlyId: 'product_recommender*', params: { tags: ['a'] } },
      'bid-1',
      'https://shop.example/?utm_campaign=content_promotion&utm_source=bing&utm_medium=social&utm_content=call_to_action',
    );
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://api.example/v2/callFlows',
      headers: { 'content-type': 'application/json' },
    });
    expect(bodyOf(request)).toEqual({
      clientKey: 'mhbWwbHYfhpheu86hp60oR76S4jQMmZr',
      channel: 'WEB',
      language: 'EN',
      currencyCode: 'EUR',
      pointOfSale: 'myretailsite.com',
      friendlyId: 'product_recommender*',
      browserId: 'bid-1',
      params: {
        tags: ['a'],
        utm: { campaign: 'content_promotion', source: 'bing', medium: 'social', content: 'call_to_action' },
      },
    });
  });

  it('sends exactly one identity: email or identifiers instead of the browser id', () => {
    const byEmail = bodyOf(
      flowRequest(settings, { friendlyId: 'nbo', email: 'john.doe@gmail.com' }, 'bid-1', 'https://shop.example/'),
    );
    expect(byEmail).toMatchObject({ email: 'john.doe@gmail.com' });
    expect(byEmail).not.toHaveProperty('browserId');
    expect(byEmail).not.toHaveProperty('params');
    const byId = bodyOf(
      flowRequest(
        settings,
        { friendlyId: 'nbo', identifiers: { provider: 'ProfileSystem', id: 'B752' } },
        'bid-1',
        'https://shop.example/',
      ),
    );
    expect(byId.identifiers).toEqual({ provider: 'ProfileSystem', id: 'B752' });
    expect(byId).not.toHaveProperty('browserId');
  });

  it('keeps utm params the caller gave', () => {
    const body = bodyOf(
      flowRequest(
        settings,
        { friendlyId: 'x', params: { utm: { campaign: 'mine' } } },
        'b',
        'https://shop.example/?utm_campaign=url',
      ),
    );
    expect(body.params.utm).toEqual({ campaign: 'mine' });
  });

  it('normalizes answers for slots: html, creatives, data, nothing', () => {
    expect(flowDecision('hero', { html: '<b>Hi</b>', campaign: 'spring' })).toEqual({
      slot: 'hero',
      source: 'flow',
      content: { kind: 'html', html: '<b>Hi</b>' },
      campaign: 'spring',
    });
    expect(
      flowDecision('hero', { offers: [{ image: '/a.png', url: '/sale', name: 'Sale', price: 3 }] }).content,
    ).toEqual({ kind: 'creative', items: [{ imageUrl: '/a.png', href: '/sale', text: 'Sale' }] });
    expect(flowDecision('nbo', { offer: { code: 'X' } }).content).toEqual({
      kind: 'json',
      data: { offer: { code: 'X' } },
    });
    expect(flowDecision('hero', {}).content).toBeNull();
    expect(flowDecision('hero', { html: '  ' }).content).toBeNull();
  });
});

describe('Algonomy Personalize API', () => {
  const config = { target: 'https://recs.example', apiKey: '4faeaf752ee40a0f', apiClientKey: 'b0126f995ac848159d' };
  const visitor = {
    sessionId: '93484',
    userId: '0982347',
    rcs: 'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ',
  };

  it('sends one call per page type, with the case-sensitive parameters and pipe-joined lists', () => {
    const requests = placementRequests(
      config,
      ['item_page.horizontal', 'home_page.promo_1', 'item_page.vertical'],
      { productId: ['uv2345', 'xt1234'], excludeHtml: true, cv: 9550, categoryId: undefined },
      visitor,
    ).map(({ wire, placements }) => ({ ...wire, placements }));
    expect(requests).toHaveLength(2);
    const first = new URL(requests[0]!.url);
    expect(first.origin + first.pathname).toBe('https://recs.example/rrserver/api/personalize');
    expect(Object.fromEntries(first.searchParams)).toEqual({
      apiKey: '4faeaf752ee40a0f',
      apiClientKey: 'b0126f995ac848159d',
      placements: 'item_page.horizontal|item_page.vertical',
      sessionId: '93484',
      userId: '0982347',
      rcs: visitor.rcs,
      includeRcs: 'true',
      productId: 'uv2345|xt1234',
      excludeHtml: 'true',
      cv: '9550',
    });
    expect(new URL(requests[1]!.url).searchParams.get('placements')).toBe('home_page.promo_1');
    expect(requests.map((r) => r.placements)).toEqual([
      ['item_page.horizontal', 'item_page.vertical'],
      ['home_page.promo_1'],
    ]);
  });

  it('refuses a placement name without a page type', () => {
    expect(() => placementRequests(config, ['promo'], {}, visitor)).toThrow(/not a placement name/);
  });

  const API = 'https://recs.example';
  const documentedAnswer = {
    request: {
      apiKey: 'abcd09875',
      clientKey: 'f54ea54cb24',
      placements: ['home_page.promotion_top_01'],
      sessionId: 'null',
      userId: 'null',
    },
    rcs: 'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ',
    placements: [
      {
        creatives: [
          {
            DESTINATION_URL: 'https://shop.example/xmas',
            START_TIME: '00:00',
            END_TIME: '00:00',
            MEDIA_URL: 'https://cdn.example/xmas.jpg',
            trackingUrl: 'N/A',
            SIZE: 'six-by-one',
            campaign: 'Joululahjaideat 2018 6x1',
            ALT_TEXT: 'Joululahjaideat. Tilaa kätevästi netistä',
            R_RECOMMEND: 'true',
          },
        ],
        html: '',
        placement: 'home_page.promotion_top_01',
      },
    ],
    message: '',
    status: 'ok',
  };

  it('turns a documented-shape answer into a creative decision and hands back the rcs', () => {
    expect(placementsAnswer(documentedAnswer, ['home_page.promotion_top_01', 'home_page.missing'], API)).toEqual({
      rcs: 'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ',
      decisions: [
        {
          slot: 'home_page.promotion_top_01',
          source: 'placement',
          campaign: 'Joululahjaideat 2018 6x1',
          creative: 'https://cdn.example/xmas.jpg', // the API's creatives have no id: the image names it
          content: {
            kind: 'creative',
            items: [
              {
                imageUrl: 'https://cdn.example/xmas.jpg',
                href: 'https://shop.example/xmas',
                alt: 'Joululahjaideat. Tilaa kätevästi netistä',
                size: 'six-by-one',
              },
            ],
          },
        },
        { slot: 'home_page.missing', source: 'placement', content: null },
      ],
      refused: [],
    });
  });

  it('describes the first creative shown: campaign, score and tracking come from the same one', () => {
    const answer = {
      ...documentedAnswer,
      placements: [
        {
          placement: 'p.a',
          html: '',
          creatives: [
            {
              campaign: 'nothing to show',
              MEDIA_URL: '',
              DESTINATION_URL: '',
              score: 1,
              trackingUrl: 'https://recs.example/t/1',
            },
            {
              campaign: 'shown',
              MEDIA_URL: 'https://cdn.example/b.png',
              score: 2,
              trackingUrl: 'https://recs.example/t/2',
            },
          ],
        },
      ],
    };
    expect(placementsAnswer(answer, ['p.a'], API).decisions[0]).toMatchObject({
      campaign: 'shown',
      score: 2,
      trackingUrl: 'https://recs.example/t/2',
    });
  });

  it('prefers the placement html, and keeps a tracking URL only when there is one', () => {
    const answer = {
      ...documentedAnswer,
      placements: [
        {
          ...documentedAnswer.placements[0],
          html: '<div>recs</div>',
          creatives: [
            { ...documentedAnswer.placements[0]!.creatives[0], trackingUrl: 'https://recs.example/t?x=1', score: 0.8 },
          ],
        },
      ],
    };
    expect(placementsAnswer(answer, ['home_page.promotion_top_01'], API).decisions[0]).toMatchObject({
      content: { kind: 'html', html: '<div>recs</div>' },
      trackingUrl: 'https://recs.example/t?x=1',
      score: 0.8,
    });
  });

  it('pings only absolute http(s) tracking URLs under the API or on RichRelevance hosts, and lists the others as refused', () => {
    const tracked = (trackingUrl: string, api = API) => {
      const { decisions, refused } = placementsAnswer(
        { placements: [{ placement: 'p.a', html: '<p>x</p>', creatives: [{ trackingUrl }] }] },
        ['p.a'],
        api,
      );
      return [decisions[0]!.trackingUrl, refused.map((e) => [e.code, e.message.includes(trackingUrl)])];
    };
    const refused = [undefined, [['rejected', true]]];
    // A relative URL is a GET on the site's own paths, with the visitor's cookies.
    for (const url of [
      '/account/delete?id=1',
      'account/delete',
      '//evil.example/t',
      '\\\\evil.example/t',
      'https://evil.example/t',
      'https://recs.example.evil.example/t',
      'https://recs.example@evil.example/t',
      'https://evilrichrelevance.com/t',
      'https://recs.richrelevance.com.evil.example/t',
      'javascript:alert(1)',
      'data:text/html,x',
      'ftp://recs.example/t',
      ' https://evil.example/t',
    ])
      expect(tracked(url), url).toEqual(refused);
    // Under a first-party proxy path, the site's other paths are not the API's.
    expect(tracked('https://shop.example/account/delete', 'https://shop.example/recs')).toEqual(refused);
    expect(tracked('https://shop.example/recs/../account/delete', 'https://shop.example/recs')).toEqual(refused);
    expect(tracked('https://shop.example/recs/rrserver/track?u=1', 'https://shop.example/recs')).toEqual([
      'https://shop.example/recs/rrserver/track?u=1',
      [],
    ]);
    // The API's own host, and the hosts RichRelevance documents its click and tracking URLs on.
    for (const url of [
      'https://recs.example/rrserver/track?u=1&p=a',
      'https://recs.richrelevance.com/rrserver/apiclick?a=1',
      'https://integration.richrelevance.com/rrserver/click?a=1',
      'https://recs.algorecs.com/rrserver/apiclick?a=1',
    ])
      expect(tracked(url), url).toEqual([url, []]);
    // None at all is not a problem.
    expect(tracked('N/A')).toEqual([undefined, []]);
    expect(tracked('')).toEqual([undefined, []]);
  });

  it('turns status "error" into a typed error with the errormessage the API documents (or a message)', () => {
    expect(() => placementsAnswer({ status: 'error', errormessage: 'Invalid apiKey' }, ['a.b'], API)).toThrow(
      'The placements API says: Invalid apiKey',
    );
    expect(() =>
      placementsAnswer({ status: 'error', message: 'All placements must share a page type' }, ['a.b'], API),
    ).toThrow(/share a page type/);
    expect(() => placementsAnswer({ status: 'error', errormessage: '', message: '' }, ['a.b'], API)).toThrow(
      'The placements API says: error',
    );
    expect(() => placementsAnswer('<html>', ['a.b'], API)).toThrow(/did not answer with JSON/);
  });

  it("sends the site's own user and session ids when the call's context gives them, the visitor's otherwise", () => {
    const query = (context: Record<string, string | number>) =>
      new URL(placementRequests(config, ['home_page.a'], context, visitor)[0]!.wire.url).searchParams;
    expect(Object.fromEntries(query({ userId: 'crm-42', sessionId: 's-9', productId: 'P1' }))).toMatchObject({
      userId: 'crm-42',
      sessionId: 's-9',
      productId: 'P1',
    });
    expect(query({ userId: 12345 }).get('userId')).toBe('12345');
    // Blank or not a value: the visitor's ids, and the parameter only once.
    const blank = query({ userId: '  ', sessionId: '' });
    expect([blank.getAll('userId'), blank.getAll('sessionId')]).toEqual([['0982347'], ['93484']]);
  });

  it('shows a creative that has only ALT_TEXT as its text', () => {
    const answer = {
      ...documentedAnswer,
      placements: [
        {
          placement: 'p.a',
          html: '',
          creatives: [
            {
              ALT_TEXT: 'Joululahjaideat',
              MEDIA_URL: '',
              DESTINATION_URL: 'https://shop.example/x',
              campaign: 'C',
              trackingUrl: 'N/A',
            },
          ],
        },
      ],
    };
    expect(placementsAnswer(answer, ['p.a'], API).decisions[0]).toEqual({
      slot: 'p.a',
      source: 'placement',
      campaign: 'C',
      creative: 'Joululahjaideat',
      content: {
        kind: 'creative',
        items: [{ href: 'https://shop.example/x', alt: 'Joululahjaideat', text: 'Joululahjaideat' }],
      },
    });
  });
});

describe('Adobe Offer Decisioning', () => {
  const calls = [
    { placementId: 'xcore:offer-placement:ffed0456', activityId: 'xcore:offer-activity:ffed0123', itemCount: 2 },
    { placementId: 'xcore:offer-placement:ffed0012', activityId: 'xcore:offer-activity:fffc0789' },
  ];

  it('builds the documented request with the xdm media types', () => {
    const request = offersRequest(
      '/offers',
      calls,
      { namespace: 'SWCUSTID', id: '123@abc.com' },
      '0AA00002-0000-1224-c0de-cjf98Csj43',
    );
    expect(request.url).toBe('/offers/decisions');
    expect(request.headers).toEqual({
      'content-type':
        'application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-request;version=1.0"',
      accept:
        'application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-response;version=1.0"',
    });
    expect(bodyOf(request)).toMatchObject({
      'xdm:propositionRequests': [
        {
          'xdm:placementId': 'xcore:offer-placement:ffed0456',
          'xdm:activityId': 'xcore:offer-activity:ffed0123',
          'xdm:itemCount': 2,
        },
        {
          'xdm:placementId': 'xcore:offer-placement:ffed0012',
          'xdm:activityId': 'xcore:offer-activity:fffc0789',
          'xdm:itemCount': 1,
        },
      ],
      'xdm:profiles': [
        {
          'xdm:identityMap': { SWCUSTID: [{ 'xdm:id': '123@abc.com' }] },
          'xdm:decisionRequestId': '0AA00002-0000-1224-c0de-cjf98Csj43',
        },
      ],
      'xdm:allowDuplicatePropositions': { 'xdm:acrossActivities': false, 'xdm:acrossPlacements': false },
      'xdm:responseFormat': { 'xdm:includeContent': true },
    });
  });

  it.each([0, 31, 2.5])('refuses xdm:itemCount %s', (itemCount) => {
    expect(() => offersRequest('/o', [{ ...calls[0]!, itemCount }], { namespace: 'E', id: 'x' }, 'r')).toThrow(
      /1 to 30/,
    );
  });

  const T = 'https://ns.adobe.com/experience/offer-management/content-component-';
  const proposition = (activity: string, placement: string, part: Record<string, unknown>) => ({
    'xdm:activity': { 'xdm:id': activity, 'repo:etag': 1 },
    'xdm:placement': { 'xdm:id': placement, 'repo:etag': 1 },
    ...part,
  });
  const option = (id: string, type: string, content: unknown, extra: Record<string, unknown> = {}) => ({
    'xdm:id': id,
    'repo:etag': 1,
    '@type': T + type,
    'xdm:content': content,
    ...extra,
  });

  it('matches by id only, in any order: the answer form drops `offer-`, a left-out placement keeps its default', () => {
    const answer = {
      'xdm:propositions': [
        proposition('xcore:activity:fffc0789', 'xcore:placement:ffed0012', {
          'xdm:options': [option('o-cart', 'text', 'Cart offer')],
        }),
        proposition('xcore:activity:ffed0123', 'xcore:placement:ffed0456', {
          'xdm:options': [option('o-home', 'html', '<b>Home</b>')],
        }),
      ],
    };
    const three = [...calls, { placementId: 'xcore:offer-placement:0ther', activityId: 'xcore:offer-activity:0ther' }];
    expect(offerDecisions(answer, three).map((d) => [d.slot, d.campaign, d.content])).toEqual([
      [offerSlot(calls[0]!), 'xcore:activity:ffed0123', { kind: 'html', html: '<b>Home</b>' }],
      [
        offerSlot(calls[1]!),
        'xcore:activity:fffc0789',
        { kind: 'creative', items: [{ id: 'o-cart', text: 'Cart offer' }] },
      ],
      [offerSlot(three[2]!), undefined, null],
    ]);
    // A proposition no call asked for is never given to a slot by position.
    const stray = {
      'xdm:propositions': [
        proposition('xcore:activity:9999', 'xcore:placement:9999', {
          'xdm:options': [option('o-x', 'text', 'Not yours')],
        }),
      ],
    };
    expect(offerDecisions(stray, calls).map((d) => d.content)).toEqual([null, null]);
    // The repository prefix is part of the id: dps:… answers dps:… requests only.
    const dps = {
      'xdm:propositions': [
        proposition('dps:activity:ffed0123', 'dps:placement:ffed0456', { 'xdm:options': [option('o', 'text', 'x')] }),
      ],
    };
    expect(offerDecisions(dps, calls)[0]!.content).toBeNull();
    expect(
      offerDecisions(dps, [
        { placementId: 'dps:offer-placement:ffed0456', activityId: 'dps:offer-activity:ffed0123' },
      ])[0]!.content,
    ).not.toBeNull();
    // Plain ids (a proxy of one's own) compare as they are.
    const plain = { 'xdm:propositions': [proposition('act-1', 'pl-1', { 'xdm:options': [option('o', 'text', 'x')] })] };
    expect(offerDecisions(plain, [{ placementId: 'pl-1', activityId: 'act-1' }])[0]!.content).not.toBeNull();
  });

  it('reads every offer-management type: HTML, JSON parsed for the page, text as text, imagelink as a safe image', () => {
    const one = (...options: Record<string, unknown>[]) =>
      offerDecisions({ 'xdm:propositions': [proposition('a', 'p', { 'xdm:options': options })] }, [
        { placementId: 'p', activityId: 'a' },
      ])[0]!;
    expect(one(option('h', 'html', '<p>Hi</p>', { 'xdm:score': 3 }))).toMatchObject({
      content: { kind: 'html', html: '<p>Hi</p>' },
      creative: 'h',
      score: 3,
    });
    expect(one(option('j', 'json', '{"headline":"Hi","n":2}')).content).toEqual({
      kind: 'json',
      data: { headline: 'Hi', n: 2 },
    });
    expect(one(option('t', 'text', '<img src=x onerror=alert(1)>')).content).toEqual({
      kind: 'creative',
      items: [{ id: 't', text: '<img src=x onerror=alert(1)>' }],
    });
    expect(
      one(
        option('i', 'imagelink', 'https://shop.example/sale', {
          'xdm:deliveryURL': 'https://cdn.example/a.png',
          'xdm:name': 'Summer sale',
        }),
      ).content,
    ).toEqual({
      kind: 'creative',
      items: [
        { id: 'i', imageUrl: 'https://cdn.example/a.png', href: 'https://shop.example/sale', alt: 'Summer sale' },
      ],
    });
    // http(s) or a site path only; an image without a usable URL is nothing to show.
    expect(one(option('i', 'imagelink', 'javascript:alert(1)', { 'xdm:deliveryURL': '/img/a.png' })).content).toEqual({
      kind: 'creative',
      items: [{ id: 'i', imageUrl: '/img/a.png' }],
    });
    expect(one(option('i', 'imagelink', '/x', { 'xdm:deliveryURL': 'data:image/png;base64,AAAA' })).content).toBeNull();
    // Unknown types and broken JSON are skipped, not shown raw; the next usable option speaks.
    expect(
      one({
        ...option('v', 'html', 'x'),
        '@type': 'https://ns.adobe.com/experience/offer-management/content-component-video',
      }).content,
    ).toBeNull();
    expect(one(option('t', 'text-template', 'x')).content).toBeNull();
    expect(
      one({
        ...option('h', 'html', '<p>older namespace</p>'),
        '@type': 'https://ns.adobe.com/experience/decisioning/content-component-html-template',
      }).content,
    ).toEqual({ kind: 'html', html: '<p>older namespace</p>' });
    expect(one(option('bad', 'json', '{not json'), option('ok', 'json', '[1]'))).toMatchObject({
      content: { kind: 'json', data: [1] },
      creative: 'ok',
    });
  });

  it('gives JSON as a list when the call asked for several items, and never mixes kinds', () => {
    const answer = {
      'xdm:propositions': [
        proposition('a', 'p', {
          'xdm:options': [option('j1', 'json', '{"a":1}'), option('t', 'text', 'x'), option('j2', 'json', '{"a":2}')],
        }),
      ],
    };
    expect(offerDecisions(answer, [{ placementId: 'p', activityId: 'a', itemCount: 3 }])[0]!.content).toEqual({
      kind: 'json',
      data: [{ a: 1 }, { a: 2 }],
    });
    expect(offerDecisions(answer, [{ placementId: 'p', activityId: 'a' }])[0]!.content).toEqual({
      kind: 'json',
      data: { a: 1 },
    });
  });

  it('shows the fallback when there are no options, marked as such', () => {
    const answer = {
      'xdm:propositions': [proposition('a', 'p', { 'xdm:fallback': option('fb', 'text', 'For everyone') })],
    };
    expect(offerDecisions(answer, [{ placementId: 'p', activityId: 'a' }])[0]).toEqual({
      slot: 'p|a',
      source: 'offer',
      campaign: 'a',
      creative: 'fb',
      fallback: true,
      content: { kind: 'creative', items: [{ id: 'fb', text: 'For everyone' }] },
    });
  });

  it('says so when the answer has no propositions', () => {
    expect(() => offerDecisions({ error: 'x' }, calls)).toThrow(/xdm:propositions/);
  });
});
