// Conformance: the vendors' own documentation examples, verbatim, and answers in the shapes real
// tenants send (fixtures/), against both sides: the tag's codecs must read every response, and the
// sandbox must accept every request and answer in shapes the codecs read. A fixture's `differs`
// says where a real API answers differently from what our sandbox once did.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerDecisions, offersRequest } from '../../src/codecs/adobe';
import { placementRequests, placementsAnswer } from '../../src/codecs/algonomy';
import { isRcs } from '../../src/identity/rcs';
import { ADOBE_CREDENTIALS } from '../sandbox/decisions-fixture';
import { startSandbox, type Started } from '../sandbox/helpers';
import type { OfferCall } from '../../src/types/wire';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const named = (prefix: string) => readdirSync(FIXTURES).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));

const OFFER_TYPES =
  /^https:\/\/ns\.adobe\.com\/experience\/offer-management\/content-component-(html|json|imagelink|text)$/;

let sandbox: Started;
beforeAll(async () => {
  sandbox = await startSandbox(); // the demo catalog: the documentation's activity ids and keys
});
afterAll(() => sandbox?.dispose());

describe('Adobe Offer Decisioning', () => {
  const responses = named('adobe-').filter((f) => 'expect' in fixture(f));

  it('has the documentation examples and the real-tenant shapes', () => {
    expect(responses).toEqual(
      expect.arrayContaining(['adobe-response.json', 'adobe-response-dps.json', 'adobe-real-tenant.json']),
    );
  });

  it.each(responses)('the codec reads %s', (name) => {
    const { body, calls, expect: decisions } = fixture(name);
    expect(offerDecisions(JSON.parse(body), calls)).toEqual(decisions);
  });

  it('the sandbox accepts the documented request, verbatim, and answers in shapes the codec reads', async () => {
    const { method, path, headers, body } = fixture('adobe-request.json');
    const res = await fetch(`${sandbox.url}${path}`, { method, headers, body });
    expect(res.status).toBe(200);
    const answer = await res.json();
    for (const p of answer['xdm:propositions'])
      for (const option of p['xdm:options'] ?? [p['xdm:fallback']]) expect(option['@type']).toMatch(OFFER_TYPES);
    const calls: OfferCall[] = JSON.parse(body)['xdm:propositionRequests'].map((r: Record<string, unknown>) => ({
      placementId: r['xdm:placementId'],
      activityId: r['xdm:activityId'],
      itemCount: r['xdm:itemCount'] ?? 1,
    }));
    const decisions = offerDecisions(answer, calls);
    expect(decisions.map((d) => [d.slot, d.content?.kind])).toEqual([
      ['xcore:offer-placement:ffed0456|xcore:offer-activity:ffed0123', 'html'],
      ['xcore:offer-placement:ffed0012|xcore:offer-activity:fffc0789', 'creative'], // the fallback
    ]);
  });

  it('the sandbox accepts what the codec sends, on the API (with credentials) and through the proxy path', async () => {
    const calls = [
      { placementId: 'xcore:offer-placement:ffed0012', activityId: 'xcore:offer-activity:fffc0789' },
      { placementId: 'xcore:offer-placement:ffed0456', activityId: 'xcore:offer-activity:ffed0123', itemCount: 2 },
    ];
    for (const [target, extra] of [
      [`${sandbox.url}/data/core/ods`, ADOBE_CREDENTIALS],
      [sandbox.url, {}],
    ] as const) {
      const wire = offersRequest(target, calls, { namespace: 'Slotwise', id: 'someone-new' }, 'request-1');
      const res = await fetch(wire.url, {
        method: wire.method,
        headers: { ...wire.headers, ...extra },
        body: wire.body!,
      });
      expect(res.status, target).toBe(200);
      const decisions = offerDecisions(await res.json(), calls);
      expect(
        decisions.map((d) => [d.campaign, d.content?.kind]),
        target,
      ).toEqual([
        ['xcore:activity:fffc0789', 'creative'],
        ['xcore:activity:ffed0123', 'html'],
      ]);
    }
  });
});

describe('Algonomy Personalize API', () => {
  const { examples } = fixture('algonomy-request-params.json') as { examples: string[] };
  /** An example as parameters: the page puts a note after a no-break space, and one example holds two parameters. */
  const paramsOf = (example: string) =>
    example
      .split('\u00a0')[0]!
      .split(/&(?=[A-Za-z_]+=)/)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const);
  const documented = (name: string) => paramsOf(examples.find((e) => e.startsWith(`${name}=`))!)[0]![1];
  // A complete request from the examples: item_page placements require a productId.
  const base = () => ({
    apiKey: documented('apiKey'),
    apiClientKey: documented('apiClientKey'),
    placements: documented('placements'),
    productId: documented('productId'),
  });

  it('the codec reads the documented response example (its values, as JSON) and keeps its rcs as served', () => {
    const { verbatim, json, requested, expect: expected } = fixture('algonomy-response.json');
    // The JSON holds the example's values and no others.
    const leaves = (value: unknown): string[] =>
      typeof value == 'string'
        ? [value]
        : value && typeof value == 'object'
          ? Object.values(value).flatMap(leaves)
          : [];
    for (const value of leaves(json)) expect(verbatim, value).toContain(`"${value}"`);
    const { refused, ...answer } = placementsAnswer(json, requested, 'https://recs.richrelevance.com');
    expect(answer).toEqual(expected);
    expect(refused).toEqual([]); // "N/A" is no tracking URL, not a wrong one
    expect(isRcs(answer.rcs)).toBe(true);
  });

  it('the codec surfaces the errormessage of an error answer', () => {
    const { json, requested, expectError } = fixture('algonomy-error.json');
    expect(() => placementsAnswer(json, requested, 'https://recs.richrelevance.com')).toThrow(expectError);
  });

  it.each(examples)('the sandbox accepts the documented example %s', async (example) => {
    const query = new URLSearchParams(base());
    for (const [name, value] of paramsOf(example)) query.set(name, value);
    const res = await fetch(`${sandbox.url}/rrserver/api/personalize?${query}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    // JSONP: the answer comes wrapped in the page's function.
    const json = JSON.parse(query.has('callback') ? /^products_returned\((.*)\);$/s.exec(text)![1]! : text);
    expect(json.status).toBe('ok');
    expect(placementsAnswer(json, base().placements.split('|'), sandbox.url).refused).toEqual([]);
  });

  it('the sandbox accepts what the codec sends, and answers a token the tag keeps', async () => {
    const config = { target: sandbox.url, apiKey: documented('apiKey'), apiClientKey: documented('apiClientKey') };
    const context = {
      productId: ['uv2345', 'xt1234'],
      cv: 9550,
      userId: documented('userId'),
      sessionId: documented('sessionId'),
    };
    const requests = placementRequests(config, ['item_page.recs', 'home_page.promo_1'], context, {
      sessionId: 'ours',
      userId: 'browser-id',
    });
    for (const { wire, placements } of requests) {
      const res = await fetch(wire.url);
      expect(res.status).toBe(200);
      const json = await res.json();
      expect(json.request).toMatchObject({ userId: '0982347', sessionId: '93484' });
      const answer = placementsAnswer(json, placements, sandbox.url);
      expect(answer.decisions.map((d) => d.slot)).toEqual(placements);
      // Its tracking URLs are on the API's own host: pinged, none refused.
      expect(answer.refused).toEqual([]);
      expect(
        answer.decisions.filter((d) => d.content).every((d) => d.trackingUrl?.startsWith(`${sandbox.url}/rrserver/`)),
      ).toBe(true);
      expect(isRcs(answer.rcs), answer.rcs).toBe(true);
    }
  });
});
