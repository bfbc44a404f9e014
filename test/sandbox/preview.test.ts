// The marketer preview in the sandbox: a decision request carrying `slotwise_preview` is answered
// for the chosen audience, with forced campaigns, flows and options; anything else is ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forced, previewed, previewOf } from '../../demo/server/preview.mjs';
import { startSandbox, type Started } from './helpers';
import {
  DECISION_REQUEST_TYPE,
  DECISION_RESPONSE_TYPE,
  FLOW_BASE,
  RR_KEYS,
  abandon,
  callFlows,
  decisionRequest,
  newGuest,
} from './decisions-fixture';

const q = (value: unknown) =>
  new URLSearchParams({ slotwise_preview: typeof value == 'string' ? value : JSON.stringify(value) });

describe('previewOf', () => {
  it('reads the audience, the UTM campaign and the forced choices', () => {
    expect(
      previewOf(
        q({ audience: 'identified', utm: 'spring_sale', force: { home_hero: 1, 'home_page.promo_1': 'X', bad: {} } }),
      ),
    ).toEqual({
      audience: 'identified',
      utm: 'spring_sale',
      force: { home_hero: 1, 'home_page.promo_1': 'X' },
    });
  });
  it('is no preview when absent, empty or not JSON', () => {
    expect(previewOf(new URLSearchParams())).toBeNull();
    expect(previewOf(q(''))).toBeNull();
    expect(previewOf(q('{oops'))).toBeNull();
    expect(previewOf(q('"text"'))).toBeNull();
  });
  it('shows the guest as the chosen audience, with sample values where theirs are empty', () => {
    const guest = {
      audiences: new Set(['new']),
      utmCampaign: null,
      pageType: null,
      vars: { firstname: '', cartCount: 0, cartValue: '0.00', abandonedCount: 0, abandonedValue: '0.00', currency: '' },
    };
    const seen = previewed(guest, { audience: 'abandoned-cart', force: {} });
    expect([...seen.audiences]).toEqual(['abandoned-cart']);
    expect(seen.vars).toMatchObject({ abandonedCount: 2, abandonedValue: '164.80', currency: 'EUR' });
    expect(previewed(guest, null)).toBe(guest);
    expect(forced({ force: { a: 0 } }, 'a')).toBe(0);
    expect(forced({ force: {} }, 'toString')).toBeUndefined();
  });
});

describe('decision routes under a preview (demo catalog)', () => {
  let sandbox: Started;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.dispose());

  const flowHtml = async (browserId: string, preview: unknown) => {
    const res = await callFlows(
      `${sandbox.url}`,
      { ...FLOW_BASE, friendlyId: 'home_hero*', browserId },
      `/v2/callFlows?${q(preview)}`,
    );
    return String(res.json.html);
  };

  it('flows: the chosen audience, or the forced variant, whoever the guest is', async () => {
    const id = await newGuest(sandbox.url);
    expect(await flowHtml(id, { audience: 'identified' })).toContain('Welcome back, Alex');
    expect(await flowHtml(id, { force: { home_hero: 2 } })).toContain('Spring Sale');
    await abandon(sandbox.url, id);
    // Their own values win over the samples.
    expect(await flowHtml(id, { audience: 'abandoned-cart' })).toContain('You left 3 items');
    expect(await flowHtml(id, '{not json')).toContain('You left 3 items');
  });

  it('placements: the forced campaign, even one that targets someone else', async () => {
    const id = await newGuest(sandbox.url);
    const params = {
      ...RR_KEYS,
      placements: 'home_page.promo_1',
      userId: id,
      slotwise_preview: JSON.stringify({ force: { 'home_page.promo_1': 'Spring Sale 2025' } }),
    };
    const answer = await (await fetch(`${sandbox.url}/rrserver/api/personalize?${new URLSearchParams(params)}`)).json();
    expect(answer.placements[0].creatives[0]).toMatchObject({ campaign: 'Spring Sale 2025' });
  });

  it('offers: the forced option only', async () => {
    const id = await newGuest(sandbox.url);
    const body = decisionRequest([['xcore:offer-activity:ffed0123', 'xcore:offer-placement:ffed0456', 2]], id);
    const preview = { force: { 'xcore:offer-activity:ffed0123': 'xcore:personalized-option:member2x' } };
    const res = await fetch(`${sandbox.url}/decisions?${q(preview)}`, {
      method: 'POST',
      headers: { 'content-type': DECISION_REQUEST_TYPE, accept: DECISION_RESPONSE_TYPE },
      body: JSON.stringify(body),
    });
    const options = (await res.json())['xdm:propositions'][0]['xdm:options'];
    expect(options.map((o: { 'xdm:id': string }) => o['xdm:id'])).toEqual(['xcore:personalized-option:member2x']);
  });
});
