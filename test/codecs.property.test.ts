// Every codec, given anything: request builders take the page's arguments as they come (getters
// that throw, cycles, BigInts, huge strings, odd numbers, prototype keys, wrong types), answer
// parsers take whatever JSON an API (or something posing as one) sends. Nothing but a
// SlotwiseError ever escapes, and its message names the problem; a parser never hands back a
// creative whose URL could run script, nor a tracking URL off the API's host.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotwiseError } from '../src/types/errors';
import { resolveOptions } from '../src/shared/options';
import { flowDecision, flowRequest } from '../src/codecs/sitecore-flows';
import { placementRequests, placementsAnswer } from '../src/codecs/algonomy';
import { offerDecisions, offersRequest } from '../src/codecs/adobe';
import type { Decision } from '../src/types/decision';
import type { OfferCall } from '../src/types/wire';

/** Runs with the attacks that once got through always among them. */
const runs = <T>(...examples: T[]) => ({ numRuns: 400, examples });
const settings = resolveOptions({ clientKey: 'k', target: 'https://api.example', pointOfSale: 'p', currency: 'EUR' });
const API = 'https://recs.example';

/** Keys that trip code which reads objects carelessly. */
const oddKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'then',
  'length',
  '',
);
const key = fc.oneof(fc.string({ maxLength: 8 }), oddKey);
const oddNumber = fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1, 0.5, 2 ** 53 + 1, 31, 1e7);
const thrown = fc.constantFrom<unknown>(
  null,
  undefined,
  'a string',
  42,
  new Error('boom'),
  new TypeError('type'),
  Symbol('thrown'),
  { message: 1 },
);

/** An object one of whose properties throws when read, or whose toString/valueOf/toJSON do. */
const throwing = fc
  .tuple(fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), key, thrown)
  .map(([base, name, value]) => {
    const object = { ...base } as Record<string, unknown>;
    Object.defineProperty(object, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        throw value;
      },
    });
    return object;
  });
const cyclic = fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }).map((base) => {
  const object: Record<string, unknown> = { ...base };
  object.self = object;
  object.list = [object];
  return object;
});
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    key,
    maxDepth: 2,
    withBigInt: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withDate: true,
  }),
  throwing,
  cyclic,
  oddNumber,
  fc.constant(Symbol('value')),
  fc.constant('x'.repeat(300_000)),
  fc.constant(Object.create(null)),
  fc.constant({ toString: 1, valueOf: 1 }),
  fc.constant(() => 'fn'),
);

/** URLs an answer may carry: fine ones, and every way to smuggle script. */
const url = fc.oneof(
  fc.constantFrom(
    'https://shop.example/a',
    'http://cdn.example/b.png',
    '/sale',
    'sale.html',
    '//cdn.example/c.png',
    '?q=1',
    'https://recs.example/rrserver/track?p=1',
    'https://recs.richrelevance.com/rrserver/apiclick?a=1',
    '/account/delete',
    'https://evil.example/t',
    'N/A',
    '',
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    '\u0001javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'vbscript:msgbox(1)',
    'blob:https://x/1',
    'file:///etc/passwd',
    'https://x" onerror="alert(1)',
    '\\\\evil.example\\x',
    'https:/\\evil.example',
  ),
  fc.webUrl(),
  fc.string({ maxLength: 30 }),
);
/** A field value in an answer: a URL-ish string most of the time, else any JSON. */
const field = fc.oneof({ weight: 3, arbitrary: url }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });

/** Runs a codec step: what it returns, or what it throws. */
function outcome<T>(step: () => T): { value: T; error?: undefined } | { value?: undefined; error: unknown } {
  try {
    return { value: step() };
  } catch (error) {
    return { error };
  }
}

/** A failure must be a SlotwiseError with the given reason and a message that says something. */
function expectClearFailure(error: unknown, reason: 'invalid' | 'rejected') {
  expect(error).toBeInstanceOf(SlotwiseError);
  expect((error as SlotwiseError).code).toBe(reason);
  expect((error as SlotwiseError).message).toMatch(/\w{3}/);
  expect((error as SlotwiseError).message.length).toBeLessThan(1000);
}

const isWeb = (value: string) => /^https?:$/.test(new URL(value, 'https://page.example/').protocol);
const CREATIVE_FIELDS = ['id', 'imageUrl', 'href', 'alt', 'text', 'size'];

/** What a parser hands back can only ever load http(s), and a tracking URL only on the API's host. */
function expectSafe(decisions: Decision[]) {
  for (const decision of decisions) {
    const content = decision.content;
    if (content?.kind == 'creative')
      for (const item of content.items) {
        expect(CREATIVE_FIELDS).toEqual(expect.arrayContaining(Object.keys(item)));
        for (const value of Object.values(item)) expect(typeof value).toBe('string');
        for (const link of [item.imageUrl, item.href]) if (link !== undefined) expect(isWeb(link), link).toBe(true);
      }
    if (content?.kind == 'html') expect(typeof content.html).toBe('string');
    if (decision.trackingUrl !== undefined)
      expect(
        decision.trackingUrl.startsWith(`${API}/`) ||
          /^https?:\/\/([\w-]+\.)*(richrelevance|algorecs)\.com\//.test(decision.trackingUrl),
        decision.trackingUrl,
      ).toBe(true);
  }
  // No answer reached the prototype of every object.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('Sitecore flows', { timeout: 20_000 }, () => {
  const call = fc.oneof(
    hostile,
    fc.record(
      {
        friendlyId: fc.oneof(fc.string(), hostile),
        params: hostile,
        email: fc.oneof(fc.string(), hostile),
        identifiers: hostile,
      },
      { requiredKeys: [] },
    ),
  );
  const pageUrl = fc.oneof(
    fc.constant('https://shop.example/?utm_source=x'),
    fc.webUrl(),
    fc.constantFrom('http://[', '', 'not a url'),
  );

  it('builds a request from any call, or refuses it as invalid, naming the problem', () => {
    fc.assert(
      fc.property(call, pageUrl, (given, page) => {
        const { value, error } = outcome(() => flowRequest(settings, given as never, 'browser-1', page));
        if (error !== undefined) return expectClearFailure(error, 'invalid');
        expect(value!.url).toBe('https://api.example/v2/callFlows');
        expect(JSON.parse(value!.body!).clientKey).toBe('k');
      }),
      runs<[unknown, string]>(
        [
          {
            params: (() => {
              const p: Record<string, unknown> = {};
              p.self = p;
              return p;
            })(),
          },
          'https://shop.example/',
        ],
        [{ params: { n: 10n } }, 'https://shop.example/'],
        [
          {
            get params() {
              throw null;
            },
          },
          'https://shop.example/',
        ],
        [{}, 'http://['],
      ),
    );
  });

  it('reads any answer as a decision, data included, and never a creative that can run script', () => {
    const item = fc.dictionary(
      fc.constantFrom(
        'imageUrl',
        'image',
        'href',
        'url',
        'link',
        'alt',
        'text',
        'title',
        'name',
        'id',
        'size',
        'onclick',
        '__proto__',
      ),
      field,
    );
    const answer = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          html: field,
          creatives: fc.array(item, { maxLength: 4 }),
          offers: fc.array(item, { maxLength: 4 }),
          campaign: field,
          id: field,
        },
        { requiredKeys: [] },
      ),
      fc.array(item, { maxLength: 4 }),
    );
    fc.assert(
      fc.property(answer, (json) => {
        const { value, error } = outcome(() => flowDecision('hero', JSON.parse(JSON.stringify(json))));
        if (error !== undefined) return expectClearFailure(error, 'rejected');
        expect(value!.slot).toBe('hero');
        expectSafe([value!]);
      }),
      runs<[unknown]>(
        [{ creatives: [{ imageUrl: 'java\nscript:alert(1)', text: 'x' }] }],
        [[{ href: 'javascript:alert(1)', text: 'x' }]],
      ),
    );
  });
});

describe('Algonomy placements', { timeout: 20_000 }, () => {
  const config = { target: API, apiKey: 'key', apiClientKey: 'client' };
  const names = fc.oneof(
    hostile,
    fc.array(fc.oneof(fc.constantFrom('home_page.a', 'item_page.b', 'nodot'), hostile), { maxLength: 4 }),
  );
  const context = fc.oneof(
    hostile,
    fc.dictionary(key, fc.oneof(hostile, fc.string(), fc.array(fc.oneof(fc.string(), hostile), { maxLength: 3 })), {
      maxKeys: 4,
    }),
  );

  it('builds requests from any names and context, or refuses them as invalid, naming the problem', () => {
    fc.assert(
      fc.property(names, context, (given, ctx) => {
        const { value, error } = outcome(() =>
          placementRequests(config, given as never, ctx as never, { sessionId: 's', userId: 'u' }),
        );
        if (error !== undefined) return expectClearFailure(error, 'invalid');
        for (const { wire } of value!) expect(wire.url.startsWith(`${API}/rrserver/api/personalize?`)).toBe(true);
      }),
      runs<[unknown, unknown]>(
        [5, {}],
        [null, {}],
        [[{ toString: 1 }], {}],
        [['home_page.a'], null],
        [
          ['home_page.a'],
          {
            productId: {
              toString: () => {
                throw new Error('no');
              },
            },
          },
        ],
      ),
    );
  });

  it('reads any answer as decisions for the slots asked, or a clear failure, never script or a foreign tracking URL', () => {
    const creative = fc.dictionary(
      fc.constantFrom(
        'MEDIA_URL',
        'DESTINATION_URL',
        'ALT_TEXT',
        'trackingUrl',
        'campaign',
        'score',
        'text',
        'id',
        'SIZE',
        '__proto__',
      ),
      field,
    );
    const placement = fc.record(
      {
        placement: fc.oneof(fc.constantFrom('home_page.a', 'home_page.b'), fc.jsonValue()),
        html: field,
        creatives: fc.oneof(fc.array(creative, { maxLength: 3 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const answer = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          status: fc.oneof(fc.constantFrom('ok', 'error'), fc.jsonValue()),
          placements: fc.oneof(fc.array(placement, { maxLength: 3 }), fc.jsonValue()),
          rcs: field,
          errormessage: field,
          message: field,
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(answer, (json) => {
        const requested = ['home_page.a', 'home_page.b'];
        const { value, error } = outcome(() => placementsAnswer(JSON.parse(JSON.stringify(json)), requested, API));
        if (error !== undefined) return expectClearFailure(error, 'rejected');
        expect(value!.decisions.map((d) => d.slot)).toEqual(requested);
        if (value!.rcs !== undefined) expect(typeof value!.rcs).toBe('string');
        for (const refused of value!.refused) expectClearFailure(refused, 'rejected');
        expectSafe(value!.decisions);
      }),
      runs<[unknown]>(
        [
          {
            placements: [
              {
                placement: 'home_page.a',
                creatives: [{ MEDIA_URL: 'javascript:alert(1)', DESTINATION_URL: 'data:text/html,x' }],
              },
            ],
          },
        ],
        [
          {
            placements: [
              { placement: 'home_page.a', html: '<p>x</p>', creatives: [{ trackingUrl: '/account/delete' }] },
            ],
          },
        ],
      ),
    );
  });
});

describe('Adobe offers', { timeout: 20_000 }, () => {
  const CALLS: OfferCall[] = [
    { placementId: 'xcore:offer-placement:p1', activityId: 'xcore:offer-activity:a1' },
    { placementId: 'xcore:offer-placement:p2', activityId: 'xcore:offer-activity:a2', itemCount: 3 },
  ];
  const calls = fc.oneof(
    hostile,
    fc.array(
      fc.oneof(
        fc.constantFrom(...CALLS),
        hostile,
        fc.record(
          {
            placementId: fc.oneof(fc.string(), hostile),
            activityId: fc.oneof(fc.string(), hostile),
            itemCount: fc.oneof(oddNumber, hostile),
          },
          { requiredKeys: [] },
        ),
      ),
      { maxLength: 3 },
    ),
  );

  it('builds a request from any calls, or refuses them as invalid, naming the problem', () => {
    fc.assert(
      fc.property(calls, (given) => {
        const { value, error } = outcome(() =>
          offersRequest('/adobe-offers', given as never, { namespace: 'ECID', id: 'b' }, 'r1'),
        );
        if (error !== undefined) return expectClearFailure(error, 'invalid');
        expect(value!.url).toBe('/adobe-offers/decisions');
        expect(JSON.parse(value!.body!)['xdm:propositionRequests']).toHaveLength((given as unknown[]).length);
      }),
      runs<[unknown]>(
        [null],
        ['x'.repeat(300_000)],
        [[{ placementId: 'p', activityId: 'a', itemCount: Symbol('n') }]],
        [[null]],
      ),
    );
  });

  it('reads any answer as one decision per call, or a clear failure, never a creative that can run script', () => {
    const TYPES = ['html', 'json', 'imagelink', 'text'].map(
      (t) => `https://ns.adobe.com/experience/offer-management/content-component-${t}`,
    );
    const option = fc.record(
      {
        // An object whose toString is no function cannot even be made a string.
        '@type': fc.oneof(
          fc.constantFrom(...TYPES, 'https://ns.adobe.com/experience/decisioning/content-component-html-template'),
          fc.jsonValue(),
          fc.constant({ toString: 1 }),
        ),
        'xdm:id': field,
        'xdm:content': field,
        'xdm:deliveryURL': field,
        'xdm:name': field,
        'xdm:score': fc.oneof(fc.double(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const id = (kind: string) =>
      fc.oneof(
        fc.constantFrom(`xcore:${kind}:p1`, `xcore:${kind}:a1`, `xcore:${kind}:p2`, `xcore:${kind}:a2`),
        fc.jsonValue(),
      );
    const proposition = fc.record(
      {
        'xdm:placement': fc.oneof(fc.record({ 'xdm:id': id('placement') }), fc.jsonValue()),
        'xdm:activity': fc.oneof(fc.record({ 'xdm:id': id('activity') }), fc.jsonValue()),
        'xdm:options': fc.oneof(fc.array(option, { maxLength: 3 }), fc.jsonValue()),
        'xdm:fallback': fc.oneof(option, fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const answer = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { 'xdm:propositions': fc.oneof(fc.array(proposition, { maxLength: 4 }), fc.jsonValue()) },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(answer, (json) => {
        const { value, error } = outcome(() => offerDecisions(JSON.parse(JSON.stringify(json)), CALLS));
        if (error !== undefined) return expectClearFailure(error, 'rejected');
        expect(value!.map((d) => d.slot)).toEqual(CALLS.map((c) => `${c.placementId}|${c.activityId}`));
        expectSafe(value!);
      }),
      runs<[unknown]>([
        {
          'xdm:propositions': [
            {
              'xdm:placement': { 'xdm:id': 'xcore:placement:p1' },
              'xdm:activity': { 'xdm:id': 'xcore:activity:a1' },
              'xdm:options': [{ '@type': { toString: 1 }, 'xdm:content': 'x' }],
            },
          ],
        },
      ]),
    );
  });
});
