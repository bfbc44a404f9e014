// Shared setup for the decision API tests: a small catalog whose answers say which rule
// matched, clients for the three APIs, and the events that move a guest between audiences.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../../demo/server/sandbox.mjs';
import { afterAll, beforeAll } from 'vitest';
import { CLIENT_KEY, createBrowser, message, postEvent, startSandbox, type Started } from './helpers';

export const FIXTURE: Catalog = {
  // Deliberately not in lexicographic order: fuzzy matching must sort.
  flows: [
    {
      friendlyId: 'greeting',
      variants: [
        {
          id: 'greet-cart',
          name: 'Abandoned bag',
          when: { audience: 'abandoned-cart' },
          response: { html: '<p>You left {{abandonedCount}} items… {{currency}} {{abandonedValue}}</p>' },
        },
        {
          id: 'greet-member',
          name: 'Member',
          when: { audience: 'identified' },
          response: { html: '<p>Welcome back, {{firstname}}</p>', plain: 'Hi {{firstname|there}}' },
        },
        {
          id: 'greet-spring',
          name: 'Spring sale',
          when: { utmCampaign: 'spring_sale' },
          response: { html: '<p>Spring sale</p>' },
        },
        {
          id: 'greet-bag',
          name: 'Bag',
          when: { audience: 'has-cart' },
          response: { text: '{{cartCount}} items, {{currency}} {{cartValue}}' },
        },
        {
          id: 'greet-returning',
          name: 'Returning',
          when: { audience: 'returning' },
          response: { html: '<p>Good to see you again</p>' },
        },
        {
          id: 'greet-new',
          name: 'New visitor',
          when: { audience: 'new' },
          response: {
            html: '<p>Hello, new visitor</p>',
            image: '{{origin}}/demo-assets/hero-welcome.svg',
            typo: '{{firstnmae}}',
          },
        },
      ],
    },
    {
      friendlyId: 'product_recommender_2',
      live: true,
      variants: [
        { id: 'product-recommender-2', name: 'product_recommender_2', response: { from: 'product_recommender_2' } },
      ],
    },
    {
      friendlyId: 'product_recommender',
      live: true,
      variants: [{ id: 'product-recommender', name: 'product_recommender', response: { from: 'product_recommender' } }],
    },
    {
      friendlyId: 'retired_b',
      live: true,
      variants: [{ id: 'retired-b', name: 'retired_b', response: { from: 'retired_b' } }],
    },
    {
      friendlyId: 'retired_a',
      live: false,
      variants: [{ id: 'retired-a', name: 'retired_a', response: { from: 'retired_a' } }],
    },
    {
      friendlyId: 'targeted_b',
      variants: [{ id: 'targeted-b', name: 'targeted_b', response: { from: 'targeted_b' } }],
    },
    {
      friendlyId: 'targeted_a',
      variants: [
        { id: 'targeted-a', name: 'targeted_a', when: { audience: 'returning' }, response: { from: 'targeted_a' } },
      ],
    },
    {
      friendlyId: 'members_only',
      variants: [
        {
          id: 'members-only',
          name: 'members_only',
          when: { audience: 'identified' },
          response: { from: 'members_only' },
        },
      ],
    },
    {
      friendlyId: 'landing',
      variants: [
        { id: 'landing', name: 'Landing page', when: { pageType: 'landing' }, response: { from: 'landing' } },
        { id: 'other', name: 'Other pages', response: { from: 'other page' } },
      ],
    },
  ],
  placements: [
    {
      placement: 'home_page.promo_1',
      campaigns: [
        {
          id: 'default',
          campaign: 'Default',
          score: 1,
          creatives: [
            {
              id: 'd1',
              DESTINATION_URL: '/help/shipping',
              MEDIA_URL: '{{origin}}/demo-assets/promo-free-shipping.svg',
              ALT_TEXT: 'Free shipping',
              SIZE: 'two-by-one',
            },
          ],
        },
        {
          id: 'spring',
          campaign: 'Spring',
          when: { utmCampaign: 'spring_sale' },
          score: 50,
          html: '<div class="spring">Spring for {{firstname|you}}</div>',
          creatives: [
            {
              id: 's1',
              DESTINATION_URL: 'https://shop.example/sale',
              MEDIA_URL: '{{origin}}/demo-assets/hero-spring.svg',
              ALT_TEXT: 'Spring sale',
            },
          ],
        },
        {
          id: 'returning',
          campaign: 'Returning',
          when: { audience: ['returning', 'identified'] },
          score: 20,
          creatives: [
            {
              id: 'r1',
              score: 7.5,
              MEDIA_URL: '{{origin}}/demo-assets/hero-new-arrivals.svg',
              ALT_TEXT: 'New arrivals',
            },
          ],
        },
      ],
    },
    {
      placement: 'home_page.promo_2',
      campaigns: [
        {
          id: 'cart',
          campaign: 'Cart',
          when: { audience: 'has-cart' },
          creatives: [{ ALT_TEXT: '{{cartCount}} in your bag' }],
        },
      ],
    },
    {
      placement: 'item_page.recs',
      campaigns: [
        {
          id: 'also-like',
          campaign: 'Also like',
          excludeViewed: true,
          score: 10,
          creatives: ['P1', 'P2', 'P3'].map((p) => ({
            id: p,
            productId: p,
            DESTINATION_URL: `/products/${p}`,
            MEDIA_URL: '{{origin}}/demo-assets/sneaker-runner.svg',
            ALT_TEXT: p,
          })),
        },
        { id: 'socks', campaign: 'Socks', score: 1, creatives: [{ id: 'socks', ALT_TEXT: 'Socks' }] },
      ],
    },
    {
      placement: 'category_page.top',
      campaigns: [{ id: 'trail', campaign: 'Trail', creatives: [{ ALT_TEXT: 'Trail season' }] }],
    },
  ],
  offers: [
    {
      activityId: 'act-1',
      placementId: 'pl-1',
      name: 'Activity one',
      placementName: 'Placement one',
      etag: 3,
      options: [
        {
          id: 'o-shared',
          score: 50,
          type: 'imagelink',
          content: '/help/shipping',
          deliveryURL: '{{origin}}/demo-assets/promo-free-shipping.svg',
          format: 'image/svg+xml',
        },
        {
          id: 'o-new',
          name: 'For new guests',
          when: { audience: 'new' },
          score: 10,
          type: 'html',
          content: '<div>Welcome</div>',
        },
        { id: 'o-all', score: 5, type: 'text', content: 'For everyone' },
      ],
      fallback: { id: 'fb-1', type: 'text', content: 'Fallback one' },
    },
    {
      activityId: 'act-2',
      placementId: 'pl-2',
      options: [
        {
          id: 'o-shared',
          score: 50,
          type: 'imagelink',
          content: '/help/shipping',
          deliveryURL: '{{origin}}/demo-assets/promo-free-shipping.svg',
        },
        { id: 'o-two', score: 1, type: 'text', content: 'Second best' },
      ],
      fallback: { id: 'fb-2', type: 'text', content: 'Fallback two' },
    },
    {
      // No fallback: when nothing qualifies, the answer leaves this placement out.
      activityId: 'xcore:offer-activity:1a24df53cc90c386',
      placementId: 'xcore:offer-placement:1a24dc4342f2e21e',
      options: [
        {
          id: 'xcore:personalized-offer:json-1',
          name: 'Member perks',
          when: { audience: 'identified' },
          score: 2,
          type: 'json',
          content: { headline: 'Hi {{firstname}}', href: '/members' },
        },
        {
          id: 'xcore:personalized-offer:json-2',
          when: { audience: 'identified' },
          score: 1,
          type: 'json',
          content: '{"headline":"Second"}',
        },
      ],
    },
    {
      activityId: 'act-3',
      placementId: 'pl-3',
      options: [{ id: 'o-member', when: { audience: 'identified' }, type: 'html', content: '<b>Hi {{firstname}}</b>' }],
      fallback: {
        id: 'fb-3',
        type: 'imagelink',
        content: '/category/new',
        deliveryURL: '{{origin}}/demo-assets/hero-new-arrivals.svg',
        format: 'image/svg+xml',
      },
    },
  ],
};

const catalogDirs: string[] = [];
process.once('exit', () => catalogDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Writes a catalog to a fresh temp file (removed when the test process exits); returns its path. */
export function writeCatalog(catalog: unknown = FIXTURE): string {
  const dir = mkdtempSync(join(tmpdir(), 'slotwise-catalog-'));
  catalogDirs.push(dir);
  const file = join(dir, 'catalog.json');
  writeFileSync(file, typeof catalog === 'string' ? catalog : JSON.stringify(catalog, null, 2));
  return file;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  json: T;
}

async function asJson<T>(res: Response): Promise<JsonResponse<T>> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as T) : (null as T) };
}

// The answers' shapes, as far as the tests read them. Errors come back in the same bodies.
interface ErrorFields {
  status?: string;
  field?: string;
  message?: string;
}

/** A flow's answer: whatever the catalog's variant gives (an error body when refused). */
export type FlowAnswer = Record<string, unknown> & ErrorFields & { html?: string; creatives?: unknown[] };

/** Adobe's decision response (Adobe Journey Optimizer, Decisioning API). */
export interface DecisionAnswer extends ErrorFields {
  'xdm:propositionId'?: string;
  'xdm:propositions': Proposition[];
  'ode:createDate'?: number;
}
interface Proposition {
  'xdm:activity': DecisionRef;
  'xdm:placement': DecisionRef;
  'xdm:options'?: DecisionOption[];
  'xdm:fallback'?: DecisionOption;
}
interface DecisionRef {
  'xdm:id': string;
  'repo:etag'?: number;
  'xdm:name'?: string;
}
interface DecisionOption extends DecisionRef {
  '@type': string;
  'dc:format': string;
  'xdm:content'?: string;
}

/** Algonomy's personalize answer (Algonomy Personalization API, personalize endpoint). */
export interface PersonalizeAnswer extends ErrorFields {
  request?: Record<string, string>;
  rcs?: string;
  placements: Array<{ placement: string; html?: string; creatives: Creative[] }>;
}
interface Creative {
  productId?: string;
  campaign?: string;
  score?: number;
  trackingUrl: string;
  DESTINATION_URL?: string;
}

/** The required callFlows fields (Sitecore Personalize flow execution API); add friendlyId and one identity. */
export const FLOW_BASE = {
  clientKey: CLIENT_KEY,
  channel: 'WEB',
  language: 'EN',
  currencyCode: 'EUR',
  pointOfSale: 'sandbox/uk',
};

export async function callFlows(base: string, body: unknown, path = '/v2/callFlows') {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return asJson<FlowAnswer>(res);
}

/** callFlows for a browser id; resolves to the flow's answer (throws on a non-200). */
export async function flow(base: string, friendlyId: string, browserId: string, extra: Record<string, unknown> = {}) {
  const res = await callFlows(base, { ...FLOW_BASE, friendlyId, browserId, ...extra });
  if (res.status !== 200) throw new Error(`callFlows ${friendlyId}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

export async function personalize(base: string, params: Record<string, string>) {
  return asJson<PersonalizeAnswer>(await fetch(`${base}/rrserver/api/personalize?${new URLSearchParams(params)}`));
}

export const RR_KEYS = { apiKey: '4faeaf752ee40a0f', apiClientKey: 'b0126f995ac848159d' };

export const DECISION_REQUEST_TYPE =
  'application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-request;version=1.0"';
export const DECISION_RESPONSE_TYPE =
  'application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-response;version=1.0"';

/** The credentials the Decisioning API requires (a site's server or proxy sends them, never a browser). */
export const ADOBE_CREDENTIALS = {
  authorization: 'Bearer {ACCESS_TOKEN}',
  'x-api-key': '{API_KEY}',
  'x-gw-ims-org-id': '{IMS_ORG}',
  'x-sandbox-name': '{SANDBOX_NAME}',
};

/** POST a decision request through the site's proxy path (`/decisions`), or to `path`. */
export async function decide(base: string, body: unknown, headers: Record<string, string> = {}, path = '/decisions') {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': DECISION_REQUEST_TYPE, accept: DECISION_RESPONSE_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return asJson<DecisionAnswer>(res);
}

/** A decision request for one profile whose identity map holds `id`. */
export function decisionRequest(
  requests: Array<[activityId: string, placementId: string, itemCount?: number]>,
  id: string,
  extra: Record<string, unknown> = {},
) {
  return {
    'xdm:propositionRequests': requests.map(([a, p, n]) => ({
      'xdm:placementId': p,
      'xdm:activityId': a,
      ...(n === undefined ? {} : { 'xdm:itemCount': n }),
    })),
    'xdm:profiles': [
      {
        'xdm:identityMap': { ECID: [{ 'xdm:id': id }] } as Record<string, Array<{ 'xdm:id': string }>>,
        'xdm:decisionRequestId': 'req-1',
      },
    ],
    ...extra,
  };
}

/** A guest with one VIEW (first visit: audience "new"). */
export async function newGuest(base: string, view: Record<string, unknown> = {}) {
  const { json } = await createBrowser(base);
  await ok(postEvent(base, message(json.ref, 'VIEW', view)));
  return json.ref;
}

export async function add(base: string, browserId: string, item_id: string, price: number, quantity = 1) {
  await ok(
    postEvent(
      base,
      message(browserId, 'ADD', { product: { item_id, name: item_id, price, quantity, currency: 'EUR' } }),
    ),
  );
}

/** ADD then FORCE_CLOSE: the session closes with its cart abandoned. */
export async function abandon(base: string, browserId: string) {
  await add(base, browserId, 'SNK-1', 89, 2);
  await add(base, browserId, 'SOCK-1', 14.5);
  await ok(postEvent(base, message(browserId, 'FORCE_CLOSE')));
}

export async function identify(base: string, browserId: string, email: string, firstname: string) {
  await ok(
    postEvent(
      base,
      message(browserId, 'IDENTITY', { email, firstname, identifiers: [{ id: `crm-${firstname}`, provider: 'crm' }] }),
    ),
  );
}

async function ok(p: Promise<{ status: number; json: unknown }>) {
  const res = await p;
  if (res.status !== 200) throw new Error(`event refused: ${res.status} ${JSON.stringify(res.json)}`);
}

/** A sandbox on the fixture catalog for the calling test file: started before its tests, closed after. */
export function catalogSandbox(): { url: string; dataDir: string } {
  const server = { url: '', dataDir: '' };
  let sandbox: Started | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ catalog: writeCatalog() });
    Object.assign(server, { url: sandbox.url, dataDir: sandbox.dataDir });
  });
  afterAll(() => sandbox?.dispose());
  return server;
}
