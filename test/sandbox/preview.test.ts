// The marketer preview in the sandbox: a decision request carrying `slotwise_preview` is answered
// for the chosen audiences, with choices forced by stable id, and the same sample values for
// whoever opens the link; what a value says is checked at GET /sandbox/preview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePreview, previewed } from '../../demo/server/preview.mjs';
import { message, postEvent, startSandbox, type Started } from './helpers';
import {
  DECISION_REQUEST_TYPE,
  DECISION_RESPONSE_TYPE,
  FLOW_BASE,
  RR_KEYS,
  abandon,
  add,
  callFlows,
  decisionRequest,
  identify,
  newGuest,
} from './decisions-fixture';

const q = (value: string) => new URLSearchParams({ slotwise_preview: value });

describe('parsePreview', () => {
  it('reads combined audiences, the UTM campaign and the forced choices', () => {
    expect(
      parsePreview('audience=abandoned-cart,identified;utm=spring_sale;home_hero=hero-cart;ffed0123=welcome10'),
    ).toEqual({
      value: 'audience=abandoned-cart,identified;utm=spring_sale;home_hero=hero-cart;ffed0123=welcome10',
      audiences: ['abandoned-cart', 'identified'],
      utm: 'spring_sale',
      force: [
        { slot: 'home_hero', id: 'hero-cart' },
        { slot: 'ffed0123', id: 'welcome10' },
      ],
      problems: [],
    });
  });

  it('ignores what it cannot read, and says so', () => {
    const preview = parsePreview('audience=identified,vip;oops;utm=;home_hero=hero-cart;home_hero=hero-bag;');
    expect(preview.audiences).toEqual(['identified']);
    expect(preview.utm).toBeNull();
    expect(preview.force).toEqual([{ slot: 'home_hero', id: 'hero-cart' }]);
    expect(preview.problems).toEqual([
      expect.stringContaining('"vip" is not an audience'),
      expect.stringContaining('oops: not a part a preview has'),
      expect.stringContaining('utm=: names no UTM campaign'),
      expect.stringContaining('home_hero is given twice; the first one counts'),
    ]);
    // A link from before: still a preview (sample values), nothing forced, and the reason shown.
    const old = parsePreview('{"audience":"new"}');
    expect(old.audiences).toEqual([]);
    expect(old.problems[0]).toContain('the old JSON form is no longer read');
  });

  it('shows the chosen audiences with sample values, never the guest’s own', () => {
    const guest = {
      audiences: new Set(['has-cart']),
      utmCampaign: null,
      pageType: 'home',
      vars: {
        firstname: 'Sam',
        cartCount: 5,
        cartValue: '218.90',
        abandonedCount: 0,
        abandonedValue: '0.00',
        currency: 'GBP',
      },
    };
    const seen = previewed(guest, parsePreview('audience=abandoned-cart,identified'));
    expect([...seen.audiences]).toEqual(['abandoned-cart', 'identified']);
    expect(seen.vars).toEqual({
      firstname: 'Alex',
      cartCount: 2,
      cartValue: '164.80',
      abandonedCount: 2,
      abandonedValue: '164.80',
      currency: 'EUR',
    });
    // No audience chosen: the guest's own audiences decide, the values are still the samples.
    expect([...previewed(guest, parsePreview('home_hero=hero-bag')).audiences]).toEqual(['has-cart']);
    expect(previewed(guest, parsePreview('home_hero=hero-bag')).vars.cartValue).toBe('164.80');
    expect(previewed(guest, null)).toBe(guest);
  });
});

describe('decision routes under a preview (demo catalog)', () => {
  let sandbox: Started;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.dispose());

  const flowAnswer = async (browserId: string, preview: string, friendlyId = 'home_hero*') => {
    const res = await callFlows(sandbox.url, { ...FLOW_BASE, friendlyId, browserId }, `/v2/callFlows?${q(preview)}`);
    expect(res.status).toBe(200);
    return res.json;
  };
  const flowHtml = async (browserId: string, preview: string) => String((await flowAnswer(browserId, preview)).html);

  it('flows: the chosen audience, or the variant forced by its id, whoever the guest is', async () => {
    const id = await newGuest(sandbox.url);
    expect(await flowHtml(id, 'audience=identified')).toContain('Welcome back, Alex');
    expect(await flowHtml(id, 'home_hero=hero-spring')).toContain('Spring Sale');
  });

  it('the same link shows the same values to two guests with different bags', async () => {
    const sender = await newGuest(sandbox.url);
    await abandon(sandbox.url, sender); // 3 items, 192.50 left behind
    const colleague = await newGuest(sandbox.url);
    await add(sandbox.url, colleague, 'SNK-9', 218.9);
    await identify(sandbox.url, colleague, 'pat@example.com', 'Pat');
    const link = 'audience=abandoned-cart';
    const seenBySender = await flowHtml(sender, link);
    expect(seenBySender).toContain('You left 2 items in your bag');
    expect(seenBySender).toContain('EUR 164.80');
    expect(await flowHtml(colleague, link)).toBe(seenBySender);
  });

  it('the same link shows the same recommendations whatever the guest bought or viewed', async () => {
    const sender = await newGuest(sandbox.url);
    await add(sandbox.url, sender, 'ACC-SOCK-05', 14.5);
    await postEvent(sandbox.url, message(sender, 'CONFIRM')); // bought the socks
    const colleague = await newGuest(sandbox.url);
    const recs = async (userId: string, extra: Record<string, string>) => {
      const params = { ...RR_KEYS, userId, includeRcs: 'true', ...extra };
      const answer = await (
        await fetch(`${sandbox.url}/rrserver/api/personalize?${new URLSearchParams(params)}`)
      ).json();
      return answer;
    };
    const names = (answer: { placements: Array<{ creatives: Array<{ ALT_TEXT: string }> }> }) =>
      answer.placements[0]!.creatives.map((c) => c.ALT_TEXT);
    // Without a preview the socks are never offered again to the one who bought them.
    const promo = { placements: 'home_page.promo_2' };
    expect(names(await recs(sender, promo))).toEqual(['Logo Cap in indigo']);
    const link = { ...promo, slotwise_preview: 'home_page.promo_2=socks-and-caps' };
    expect(names(await recs(sender, link))).toEqual(names(await recs(colleague, link)));
    expect(names(await recs(colleague, link))).toEqual(['Crew Socks 3-pack', 'Logo Cap in indigo']);

    // What the sender viewed before (rcs) is theirs too; the product on the page is the page's.
    const item = { placements: 'item_page.recs', productId: 'SNK-CRT-02' };
    const { rcs } = await recs(sender, { ...item, productId: 'SNK-RUN-01' });
    const itemLink = { ...item, slotwise_preview: 'audience=new' };
    const seen = names(await recs(sender, { ...itemLink, rcs }));
    expect(seen).toEqual(names(await recs(colleague, itemLink)));
    expect(seen).not.toContainEqual(expect.stringMatching(/court/i));
  });

  it('forcing a variant of the second flow in a fuzzy slot (home_hero*) shows it', async () => {
    const id = await newGuest(sandbox.url);
    const answer = await flowAnswer(id, 'home_hero_2=trail-season');
    expect(answer.creatives).toEqual([
      expect.objectContaining({ text: 'Trail season is here' }),
      expect.objectContaining({ text: 'Trail Grip · 119.00' }),
    ]);
  });

  it('a forced variant whose rule needs an audience shows sample values when none is chosen', async () => {
    const id = await newGuest(sandbox.url);
    const html = await flowHtml(id, 'home_hero=hero-bag');
    expect(html).toContain('2 items in your bag');
    expect(html).toContain('EUR 164.80 so far');
  });

  it('a forced id the catalog no longer has decides as if not forced', async () => {
    const id = await newGuest(sandbox.url);
    expect(await flowHtml(id, 'home_hero=hero-old')).toContain('New here?');
  });

  it('placements: the campaign forced by id, or one of its creatives, even one that targets someone else', async () => {
    const id = await newGuest(sandbox.url);
    const placement = async (preview: string, name = 'home_page.promo_1') => {
      const params = { ...RR_KEYS, placements: name, userId: id, slotwise_preview: preview };
      const answer = await (
        await fetch(`${sandbox.url}/rrserver/api/personalize?${new URLSearchParams(params)}`)
      ).json();
      return answer.placements[0].creatives as Array<{ campaign: string; ALT_TEXT: string }>;
    };
    expect(await placement('home_page.promo_1=spring-sale-2025')).toEqual([
      expect.objectContaining({ campaign: 'Spring Sale 2025' }),
    ]);
    expect(await placement('home_page.promo_2=socks-and-caps/acc-cap-06', 'home_page.promo_2')).toEqual([
      expect.objectContaining({ campaign: 'Socks and caps', ALT_TEXT: 'Logo Cap in indigo' }),
    ]);
    // Without the preview: the campaign for everyone.
    expect(await placement('home_page.promo_1=gone')).toEqual([
      expect.objectContaining({ campaign: 'Free shipping over 75' }),
    ]);
  });

  const offers = async (id: string, preview: string, itemCount = 1) => {
    const body = decisionRequest([['xcore:offer-activity:ffed0123', 'xcore:offer-placement:ffed0456', itemCount]], id);
    const res = await fetch(`${sandbox.url}/decisions?${q(preview)}`, {
      method: 'POST',
      headers: { 'content-type': DECISION_REQUEST_TYPE, accept: DECISION_RESPONSE_TYPE },
      body: JSON.stringify(body),
    });
    const options = (await res.json())['xdm:propositions'][0]['xdm:options'] as Array<{ 'xdm:id': string }>;
    return options.map((o) => o['xdm:id']);
  };

  it('offers: the option forced by its full id or by the last part of both ids', async () => {
    const id = await newGuest(sandbox.url);
    expect(await offers(id, 'xcore:offer-activity:ffed0123=xcore:personalized-option:member2x', 2)).toEqual([
      'xcore:personalized-option:member2x',
    ]);
    expect(await offers(id, 'ffed0123=member2x', 2)).toEqual(['xcore:personalized-option:member2x']);
  });

  it('combined audiences: the visitor is in all of them at once', async () => {
    const id = await newGuest(sandbox.url);
    expect(await offers(id, 'audience=abandoned-cart,identified', 3)).toEqual([
      'xcore:personalized-option:comeback15',
      'xcore:personalized-option:member2x',
      'xcore:personalized-option:free-shipping',
    ]);
  });
});

describe('GET /sandbox/preview', () => {
  let sandbox: Started;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.dispose());

  const read = async (value: string) =>
    (await fetch(`${sandbox.url}/sandbox/preview?${new URLSearchParams({ value })}`)).json();

  it('names each forced choice, with Adobe ids in full and their human names', async () => {
    expect(
      await read(
        'audience=abandoned-cart,identified;home_hero=hero-cart;home_page.promo_1=spring-sale-2025;ffed0123=comeback15',
      ),
    ).toEqual({
      value:
        'audience=abandoned-cart,identified;home_hero=hero-cart;home_page.promo_1=spring-sale-2025;ffed0123=comeback15',
      audiences: ['abandoned-cart', 'identified'],
      utm: null,
      force: [
        { slot: 'home_hero', id: 'hero-cart', found: true, label: 'Abandoned bag reminder', kind: 'flow' },
        {
          slot: 'home_page.promo_1',
          id: 'spring-sale-2025',
          found: true,
          label: 'Spring Sale 2025',
          kind: 'placement',
        },
        {
          slot: 'xcore:offer-activity:ffed0123',
          id: 'xcore:personalized-option:comeback15',
          found: true,
          label: '15% off the bag you left',
          kind: 'offer',
        },
      ],
      problems: [],
    });
  });

  it('says when a link names a variant, campaign or slot that no longer exists', async () => {
    const report = await read('home_hero=hero-old;home_page.promo_1=spring-sale-2024;nowhere=x;audience=vip');
    expect(report.force).toEqual([
      { slot: 'home_hero', id: 'hero-old', found: false, kind: 'flow' },
      { slot: 'home_page.promo_1', id: 'spring-sale-2024', found: false, kind: 'placement' },
      { slot: 'nowhere', id: 'x', found: false, kind: null },
    ]);
    expect(report.problems).toEqual([
      expect.stringContaining('"vip" is not an audience'),
      'home_hero=hero-old: no variant "hero-old" in flow home_hero any more',
      'home_page.promo_1=spring-sale-2024: no campaign "spring-sale-2024" in placement home_page.promo_1 any more',
      'nowhere=x: no flow, placement or offer activity "nowhere" in the catalog',
    ]);
  });

  it('an activity named twice, by its short and its full id: the first one counts, and it says so', async () => {
    const value = 'ffed0123=comeback15;xcore:offer-activity:ffed0123=member2x';
    const report = await read(value);
    expect(report.force).toEqual([
      expect.objectContaining({ id: 'xcore:personalized-option:comeback15', found: true }),
      { slot: 'xcore:offer-activity:ffed0123', id: 'member2x', found: false, kind: 'offer' },
    ]);
    expect(report.problems).toEqual([
      'xcore:offer-activity:ffed0123=member2x: xcore:offer-activity:ffed0123 is given twice; the first one counts',
    ]);
    // As the decision does.
    const id = await newGuest(sandbox.url);
    const body = decisionRequest([['xcore:offer-activity:ffed0123', 'xcore:offer-placement:ffed0456']], id);
    const res = await fetch(`${sandbox.url}/decisions?${q(value)}`, {
      method: 'POST',
      headers: { 'content-type': DECISION_REQUEST_TYPE, accept: DECISION_RESPONSE_TYPE },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    expect(json['xdm:propositions'][0]['xdm:options'][0]['xdm:id']).toBe('xcore:personalized-option:comeback15');
  });

  it('needs a value', async () => {
    expect((await fetch(`${sandbox.url}/sandbox/preview`)).status).toBe(400);
  });
});
