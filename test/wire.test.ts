// The vendor codecs against the examples in the seeds (../shared/seeds/000, 001, 002).
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options';
import { flowDecision, flowRequest } from '../src/wire/sitecore';
import { placementRequests, placementsAnswer } from '../src/wire/algonomy';
import { offerDecisions, offersRequest } from '../src/wire/adobe';

const settings = resolveOptions({ clientKey: 'mhbWwbHYfhpheu86hp60oR76S4jQMmZr', target: 'https://api.example', pointOfSale: 'myretailsite.com', currency: 'EUR', language: 'EN' });
const bodyOf = (request: { body?: string }) => JSON.parse(request.body!);

describe('Sitecore flow execution (seed 000)', () => {
  it('sends the documented fields with the browser id and nests utm from the URL', () => {
    const request = flowRequest(settings, { friendlyId: 'product_recommender*', params: { tags: ['a'] } }, 'bid-1', 'https://shop.example/?utm_campaign=content_promotion&utm_source=bing&utm_medium=social&utm_content=call_to_action');
    expect(request).toMatchObject({ method: 'POST', url: 'https://api.example/v2/callFlows', headers: { 'content-type': 'application/json' } });
    expect(bodyOf(request)).toEqual({
      clientKey: 'mhbWwbHYfhpheu86hp60oR76S4jQMmZr', channel: 'WEB', language: 'EN', currencyCode: 'EUR',
      pointOfSale: 'myretailsite.com', friendlyId: 'product_recommender*', browserId: 'bid-1',
      params: { tags: ['a'], utm: { campaign: 'content_promotion', source: 'bing', medium: 'social', content: 'call_to_action' } },
    });
  });

  it('sends exactly one identity: email or identifiers instead of the browser id', () => {
    const byEmail = bodyOf(flowRequest(settings, { friendlyId: 'nbo', email: 'john.doe@gmail.com' }, 'bid-1', 'https://shop.example/'));
    expect(byEmail).toMatchObject({ email: 'john.doe@gmail.com' });
    expect(byEmail).not.toHaveProperty('browserId');
    expect(byEmail).not.toHaveProperty('params');
    const byId = bodyOf(flowRequest(settings, { friendlyId: 'nbo', identifiers: { provider: 'ProfileSystem', id: 'B752' } }, 'bid-1', 'https://shop.example/'));
    expect(byId.identifiers).toEqual({ provider: 'ProfileSystem', id: 'B752' });
    expect(byId).not.toHaveProperty('browserId');
  });

  it('keeps utm params the caller gave', () => {
    const body = bodyOf(flowRequest(settings, { friendlyId: 'x', params: { utm: { campaign: 'mine' } } }, 'b', 'https://shop.example/?utm_campaign=url'));
    expect(body.params.utm).toEqual({ campaign: 'mine' });
  });

  it('normalizes answers for slots: html, creatives, data, nothing', () => {
    expect(flowDecision('hero', { html: '<b>Hi</b>', campaign: 'spring' })).toEqual({ slot: 'hero', source: 'flow', content: { kind: 'html', html: '<b>Hi</b>' }, campaign: 'spring' });
    expect(flowDecision('hero', { offers: [{ image: '/a.png', url: '/sale', name: 'Sale', price: 3 }] }).content)
      .toEqual({ kind: 'creative', items: [{ imageUrl: '/a.png', href: '/sale', text: 'Sale' }] });
    expect(flowDecision('nbo', { offer: { code: 'X' } }).content).toEqual({ kind: 'json', data: { offer: { code: 'X' } } });
    expect(flowDecision('hero', {}).content).toBeNull();
    expect(flowDecision('hero', { html: '  ' }).content).toBeNull();
  });
});

describe('Algonomy Personalize API (seed 001)', () => {
  const config = { target: 'https://recs.example', apiKey: '4faeaf752ee40a0f', apiClientKey: 'b0126f995ac848159d' };
  const visitor = { sessionId: '93484', userId: '0982347', rcs: 'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ' };

  it('sends one call per page type, with the case-sensitive parameters and pipe-joined lists', () => {
    const requests = placementRequests(config, ['item_page.horizontal', 'home_page.promo_1', 'item_page.vertical'], { productId: ['uv2345', 'xt1234'], excludeHtml: true, cv: 9550, categoryId: undefined }, visitor)
      .map(({ wire, placements }) => ({ ...wire, placements }));
    expect(requests).toHaveLength(2);
    const first = new URL(requests[0]!.url);
    expect(first.origin + first.pathname).toBe('https://recs.example/rrserver/api/personalize');
    expect(Object.fromEntries(first.searchParams)).toEqual({
      apiKey: '4faeaf752ee40a0f', apiClientKey: 'b0126f995ac848159d', placements: 'item_page.horizontal|item_page.vertical',
      sessionId: '93484', userId: '0982347', rcs: visitor.rcs, includeRcs: 'true', productId: 'uv2345|xt1234', excludeHtml: 'true', cv: '9550',
    });
    expect(new URL(requests[1]!.url).searchParams.get('placements')).toBe('home_page.promo_1');
    expect(requests.map((r) => r.placements)).toEqual([['item_page.horizontal', 'item_page.vertical'], ['home_page.promo_1']]);
  });

  it('refuses a placement name without a page type', () => {
    expect(() => placementRequests(config, ['promo'], {}, visitor)).toThrow(/not a placement name/);
  });

  const seedAnswer = {
    request: { apiKey: 'abcd09875', clientKey: 'f54ea54cb24', placements: ['home_page.promotion_top_01'], sessionId: 'null', userId: 'null' },
    rcs: 'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ',
    placements: [{
      creatives: [{ DESTINATION_URL: 'https://shop.example/xmas', START_TIME: '00:00', END_TIME: '00:00', MEDIA_URL: 'https://cdn.example/xmas.jpg', trackingUrl: 'N/A', SIZE: 'six-by-one', campaign: 'Joululahjaideat 2018 6x1', ALT_TEXT: 'Joululahjaideat. Tilaa kätevästi netistä', R_RECOMMEND: 'true' }],
      html: '',
      placement: 'home_page.promotion_top_01',
    }],
    message: '',
    status: 'ok',
  };

  it('turns the seed answer into a creative decision and hands back the rcs', () => {
    expect(placementsAnswer(seedAnswer, ['home_page.promotion_top_01', 'home_page.missing'])).toEqual({
      rcs: 'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ',
      decisions: [
        {
          slot: 'home_page.promotion_top_01', source: 'placement', campaign: 'Joululahjaideat 2018 6x1',
          creative: 'https://cdn.example/xmas.jpg', // the seed's creatives have no id: the image names it
          content: { kind: 'creative', items: [{ imageUrl: 'https://cdn.example/xmas.jpg', href: 'https://shop.example/xmas', alt: 'Joululahjaideat. Tilaa kätevästi netistä', size: 'six-by-one' }] },
        },
        { slot: 'home_page.missing', source: 'placement', content: null },
      ],
    });
  });

  it('describes the first creative shown: campaign, score and tracking come from the same one', () => {
    const answer = { ...seedAnswer, placements: [{ placement: 'p.a', html: '', creatives: [
      { campaign: 'nothing to show', MEDIA_URL: '', DESTINATION_URL: '', score: 1, trackingUrl: 'https://t.example/1' },
      { campaign: 'shown', MEDIA_URL: 'https://cdn.example/b.png', score: 2, trackingUrl: 'https://t.example/2' },
    ] }] };
    expect(placementsAnswer(answer, ['p.a']).decisions[0]).toMatchObject({ campaign: 'shown', score: 2, trackingUrl: 'https://t.example/2' });
  });

  it('prefers the placement html, and keeps a tracking URL only when there is one', () => {
    const answer = { ...seedAnswer, placements: [{ ...seedAnswer.placements[0], html: '<div>recs</div>', creatives: [{ ...seedAnswer.placements[0]!.creatives[0], trackingUrl: 'https://recs.example/t?x=1', score: 0.8 }] }] };
    expect(placementsAnswer(answer, ['home_page.promotion_top_01']).decisions[0]).toMatchObject({
      content: { kind: 'html', html: '<div>recs</div>' }, trackingUrl: 'https://recs.example/t?x=1', score: 0.8,
    });
  });

  it('turns status "error" into a typed error with the server message', () => {
    expect(() => placementsAnswer({ status: 'error', message: 'All placements must share a page type' }, ['a.b'])).toThrow(/share a page type/);
    expect(() => placementsAnswer('<html>', ['a.b'])).toThrow(/did not answer with JSON/);
  });
});

describe('Adobe Offer Decisioning (seed 002)', () => {
  const calls = [
    { placementId: 'xcore:offer-placement:ffed0456', activityId: 'xcore:offer-activity:ffed0123', itemCount: 2 },
    { placementId: 'xcore:offer-placement:ffed0012', activityId: 'xcore:offer-activity:fffc0789' },
  ];

  it('builds the documented request with the xdm media types', () => {
    const request = offersRequest('/offers', calls, { namespace: 'SWCUSTID', id: '123@abc.com' }, '0AA00002-0000-1224-c0de-cjf98Csj43');
    expect(request.url).toBe('/offers/decisions');
    expect(request.headers).toEqual({
      'content-type': 'application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-request;version=1.0"',
      accept: 'application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-response;version=1.0"',
    });
    expect(bodyOf(request)).toMatchObject({
      'xdm:propositionRequests': [
        { 'xdm:placementId': 'xcore:offer-placement:ffed0456', 'xdm:activityId': 'xcore:offer-activity:ffed0123', 'xdm:itemCount': 2 },
        { 'xdm:placementId': 'xcore:offer-placement:ffed0012', 'xdm:activityId': 'xcore:offer-activity:fffc0789', 'xdm:itemCount': 1 },
      ],
      'xdm:profiles': [{ 'xdm:identityMap': { SWCUSTID: [{ 'xdm:id': '123@abc.com' }] }, 'xdm:decisionRequestId': '0AA00002-0000-1224-c0de-cjf98Csj43' }],
      'xdm:allowDuplicatePropositions': { 'xdm:acrossActivities': false, 'xdm:acrossPlacements': false },
      'xdm:responseFormat': { 'xdm:includeContent': true },
    });
  });

  it.each([0, 31, 2.5])('refuses xdm:itemCount %s', (itemCount) => {
    expect(() => offersRequest('/o', [{ ...calls[0]!, itemCount }], { namespace: 'E', id: 'x' }, 'r')).toThrow(/1 to 30/);
  });

  it('turns the seed answer into decisions: options as HTML, a fallback as an image link', () => {
    const seedAnswer = {
      'xdm:propositionId': '5d0ffb5e-dfc6-4280-99b6-0bf3131cb8b8',
      'xdm:propositions': [
        {
          'xdm:activity': { 'xdm:id': 'xcore:activity:ffed0123', 'repo:etag': 4 },
          'xdm:placement': { 'xdm:id': 'xcore:placement:ffed0456', 'repo:etag': 1 },
          'xdm:options': [
            { 'xdm:id': 'xcore:personalized-option:ccc0111', 'repo:etag': 3, '@type': 'https://ns.adobe.com/experience/decisioning/content-component-html-template', 'xdm:content': '<html>some html</html>' },
            { 'xdm:id': 'xcore:personalized-option:ccc0222', 'repo:etag': 5, '@type': 'https://ns.adobe.com/experience/decisioning/content-component-html-template', 'xdm:content': '<html>hello, world</html>', 'xdm:score': 45.65 },
          ],
        },
        {
          'xdm:activity': { 'xdm:id': 'xcore:activity:ffed0123', 'repo:etag': 4 },
          'xdm:placement': { 'xdm:id': 'xcore:placement:ffed0789', 'repo:etag': 2 },
          'xdm:fallback': { 'xdm:id': 'xcore:fallback:ccc0222', 'repo:etag': 5, '@type': 'https://ns.adobe.com/experience/decisioning/content-component-imagelink', 'dc:format': 'image/png', 'xdm:deliveryURL': 'https://cdn.adobe.com/content/1445323-1134331.png', 'xdm:content': 'https://www.adobe.com/index2.html' },
        },
      ],
      'ode:createDate': 1566497582038,
    };
    expect(offerDecisions(seedAnswer, calls)).toEqual([
      { slot: 'xcore:offer-placement:ffed0456|xcore:offer-activity:ffed0123', source: 'offer', campaign: 'xcore:activity:ffed0123', creative: 'xcore:personalized-option:ccc0111', content: { kind: 'html', html: '<html>some html</html><html>hello, world</html>' } },
      { slot: 'xcore:offer-placement:ffed0012|xcore:offer-activity:fffc0789', source: 'offer', campaign: 'xcore:activity:ffed0123', creative: 'xcore:fallback:ccc0222', fallback: true, content: { kind: 'creative', items: [{ id: 'xcore:fallback:ccc0222', imageUrl: 'https://cdn.adobe.com/content/1445323-1134331.png', href: 'https://www.adobe.com/index2.html' }] } },
    ]);
  });

  it('says so when the answer has no propositions', () => {
    expect(() => offerDecisions({ error: 'x' }, calls)).toThrow(/xdm:propositions/);
  });
});
