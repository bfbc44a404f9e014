// Decision traces: for every decision request of the three APIs, each slot's decision is kept
// under the guest's browser id (however the API named the visitor), with the rule that chose and
// the reasons the others were skipped, for the preview's "Why this?".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionTrace } from '../../demo/server/sandbox.mjs';
import {
  TRACED_CHARS,
  TRACED_GUESTS,
  TRACE_CHARS,
  TRACES_PER_GUEST,
  createDecisionLog,
} from '../../demo/server/decisions.mjs';
import { startSandbox, type Started } from './helpers';
import {
  FLOW_BASE,
  RR_KEYS,
  callFlows,
  decide,
  decisionRequest,
  identify,
  newGuest,
  personalize,
  writeCatalog,
} from './decisions-fixture';

let sandbox: Started;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.dispose());

const traces = async (browserId: string): Promise<DecisionTrace[]> => {
  const res = await fetch(`${sandbox.url}/sandbox/decisions/${encodeURIComponent(browserId)}`);
  expect(res.status).toBe(200);
  return (await res.json()).decisions;
};
const preview = (value: string) => `?${new URLSearchParams({ slotwise_preview: value })}`;

describe('GET /sandbox/decisions/:browserId', () => {
  it('flows: the variant chosen by its rule, every one skipped and why, the answer, for a fuzzy slot', async () => {
    const id = await newGuest(sandbox.url);
    const res = await callFlows(sandbox.url, { ...FLOW_BASE, friendlyId: 'home_hero*', browserId: id });
    const [trace] = await traces(id);
    expect(trace).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      api: 'flows',
      slot: 'home_hero*',
      flow: 'home_hero',
      preview: null,
      as: { audiences: ['new'], utm: null, pageType: 'home' },
      forced: null,
      chosen: { id: 'hero-welcome', name: 'New here? 10% off', rule: 'audience is new' },
      skipped: expect.arrayContaining([
        {
          id: 'hero-cart',
          name: 'Abandoned bag reminder',
          reason: 'needs audience abandoned-cart; the visitor is new',
        },
        {
          id: 'hero-spring',
          name: 'Spring Sale: 20% off runners',
          reason: 'needs utm campaign spring_sale; the visitor has none',
        },
        { id: 'home_hero_2', name: 'Home page second hero', reason: 'flow home_hero answered first' },
      ]),
      answer: res.json,
      ms: expect.any(Number),
    });
    expect(trace!.skipped).toHaveLength(6);
  });

  it('flows: a forced variant of another flow of the fuzzy slot, and a forced id that is gone', async () => {
    const id = await newGuest(sandbox.url);
    await callFlows(
      sandbox.url,
      { ...FLOW_BASE, friendlyId: 'home_hero*', browserId: id },
      `/v2/callFlows${preview('audience=returning;home_hero_2=trail-season')}`,
    );
    await callFlows(
      sandbox.url,
      { ...FLOW_BASE, friendlyId: 'home_hero', browserId: id },
      `/v2/callFlows${preview('home_hero=hero-old')}`,
    );
    const [forced, gone] = await traces(id);
    expect(forced).toMatchObject({
      flow: 'home_hero_2',
      preview: 'audience=returning;home_hero_2=trail-season',
      as: { audiences: ['returning'] },
      forced: { id: 'trail-season', found: true },
      chosen: { id: 'trail-season', name: 'Trail season is here', rule: 'forced by the preview' },
      skipped: [
        { id: 'home_hero', name: 'Home page hero', reason: 'the preview forces a variant of home_hero_2' },
        {
          id: 'home-hero-2-default',
          name: 'Runner, court and slip-on picks',
          reason: 'the preview forces trail-season',
        },
      ],
    });
    expect(gone).toMatchObject({
      forced: { id: 'hero-old', found: false },
      chosen: { id: 'hero-welcome', rule: 'audience is new' },
    });
    expect(gone!.skipped.find((s) => s.id === 'hero-returning')!.reason).toBe(
      'needs audience returning; the visitor is new',
    );
  });

  it('placements: by score, keyed by the browser id even when userId is the identity email', async () => {
    const id = await newGuest(sandbox.url);
    await identify(sandbox.url, id, 'robin.traces@example.com', 'Robin');
    const { json } = await personalize(sandbox.url, {
      ...RR_KEYS,
      placements: 'home_page.promo_1|home_page.promo_2',
      userId: 'robin.traces@example.com',
    });
    const [promo1, promo2] = await traces(id);
    expect(promo1).toMatchObject({
      api: 'placements',
      slot: 'home_page.promo_1',
      as: { audiences: ['identified'], pageType: 'home_page' },
      chosen: {
        id: 'new-arrivals',
        name: 'New arrivals for returning shoppers',
        rule: 'audience is returning or identified',
        score: 50,
      },
      skipped: [
        {
          id: 'spring-sale-2025',
          name: 'Spring Sale 2025',
          reason: 'needs utm campaign spring_sale; the visitor has none',
        },
        { id: 'free-shipping', name: 'Free shipping over 75', reason: 'score 10 is below 50 (new-arrivals)' },
      ],
      answer: json.placements[0],
    });
    expect(promo2).toMatchObject({
      slot: 'home_page.promo_2',
      chosen: { id: 'socks-and-caps' },
      answer: json.placements[1],
    });
  });

  it('offers: by score, keyed by the identity map’s id, with the forced option', async () => {
    const id = await newGuest(sandbox.url);
    const body = decisionRequest([['xcore:offer-activity:ffed0123', 'xcore:offer-placement:ffed0456']], id);
    const { json } = await decide(sandbox.url, body);
    await decide(sandbox.url, body, {}, `/decisions${preview('ffed0123=member2x')}`);
    const [decided, forced] = await traces(id);
    expect(decided).toMatchObject({
      api: 'offers',
      slot: 'xcore:offer-activity:ffed0123',
      chosen: {
        id: 'xcore:personalized-option:welcome10',
        name: '10% off a first order',
        rule: 'audience is new',
        score: 60,
      },
      answer: json['xdm:propositions'][0],
    });
    expect(decided!.skipped).toEqual(
      expect.arrayContaining([
        {
          id: 'xcore:personalized-option:free-shipping',
          name: 'Free shipping over 75',
          reason: 'score 40 is below 60 (xcore:personalized-option:welcome10); 1 option asked for',
        },
        {
          id: 'xcore:personalized-option:member2x',
          name: 'Members earn double points',
          reason: 'needs audience identified; the visitor is new',
        },
      ]),
    );
    expect(forced).toMatchObject({
      forced: { id: 'xcore:personalized-option:member2x', found: true },
      chosen: { id: 'xcore:personalized-option:member2x', rule: 'forced by the preview' },
    });
  });

  it('keeps the newest 50 per guest, oldest first; a guest with none has an empty list', async () => {
    const id = await newGuest(sandbox.url);
    for (let i = 0; i < 53; i++) {
      await callFlows(
        sandbox.url,
        { ...FLOW_BASE, friendlyId: 'next_best_offer', browserId: id },
        `/v2/callFlows${preview(`utm=u${i}`)}`,
      );
    }
    const kept = await traces(id);
    expect(kept).toHaveLength(50);
    expect(kept[0]!.as.utm).toBe('u3');
    expect(kept.at(-1)!.as.utm).toBe('u52');
    expect(await traces('nobody-yet')).toEqual([]);
    await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' });
    expect(await traces(id)).toEqual([]);
  });

  it('flows named by email are kept under the guest’s browser id', async () => {
    const id = await newGuest(sandbox.url);
    await identify(sandbox.url, id, 'kim.traces@example.com', 'Kim');
    await callFlows(sandbox.url, { ...FLOW_BASE, friendlyId: 'home_hero', email: 'kim.traces@example.com' });
    expect(await traces(id)).toEqual([
      expect.objectContaining({ slot: 'home_hero', chosen: expect.objectContaining({ id: 'hero-member' }) }),
    ]);
  });
});

describe('the trace log', () => {
  it('keeps the guests decided for most recently, each to its newest traces', () => {
    expect([TRACES_PER_GUEST, TRACED_GUESTS]).toEqual([50, 200]);
    const log = createDecisionLog({ perGuest: 2, guests: 2 });
    const t = (slot: string) => ({ slot }) as DecisionTrace;
    log.record('a', [t('a1'), t('a2'), t('a3')]);
    log.record('b', [t('b1')]);
    log.record('a', [t('a4')]);
    log.record('c', [t('c1')]); // b was decided for longest ago: forgotten
    log.record(null, [t('nobody')]);
    expect(log.list('a').map((x) => x.slot)).toEqual(['a3', 'a4']);
    expect(log.list('b')).toEqual([]);
    expect(log.list('c').map((x) => x.slot)).toEqual(['c1']);
  });

  it('keeps what it holds small, however long the ids and answers a request sends', () => {
    expect([TRACE_CHARS, TRACED_CHARS]).toEqual([64 * 1024, 8 * 1024 * 1024]);
    const log = createDecisionLog({ chars: 1_000_000 });
    const huge = 'x'.repeat(300_000);
    const t = (i: number) =>
      ({ slot: `${huge}${i}`, preview: huge, answer: { message: huge }, skipped: [] }) as unknown as DecisionTrace;
    // One trace: its long texts are cut, and says how long they were.
    log.record('a', [t(0)]);
    const [kept] = log.list('a');
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(TRACE_CHARS);
    expect(kept!.slot).toMatch(/^x+… \(300001 characters\)$/);
    // Many: the oldest guests are forgotten once the whole log would pass its size.
    for (let i = 0; i < 100; i++) log.record(`${huge}${i}`, [t(i)]);
    const held = [...Array(100).keys()]
      .map((i) => `${huge}${i}`)
      .filter((key) => log.list(key).length)
      .map((key) => key.length + JSON.stringify(log.list(key)).length);
    expect(held.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1_000_000);
    expect(log.list(`${huge}99`)).toHaveLength(1);
  });
});

describe('a request with huge ids', () => {
  it('is traced, cut short, and the server keeps answering', async () => {
    const id = await newGuest(sandbox.url);
    const friendlyId = `nope_${'y'.repeat(900_000)}`;
    const res = await callFlows(sandbox.url, { ...FLOW_BASE, friendlyId, browserId: id });
    expect(res.status).toBe(404);
    const [trace] = await traces(id);
    expect(JSON.stringify(trace).length).toBeLessThanOrEqual(TRACE_CHARS);
    expect(trace).toMatchObject({ api: 'flows', slot: expect.stringMatching(/^nope_y+… \(900005 characters\)$/) });
  });
});

describe('offers of equal score', () => {
  it('the one listed after is skipped for coming after, not for a lower score', async () => {
    const tied = await startSandbox({
      catalog: writeCatalog({
        offers: [
          {
            activityId: 'act-tie',
            placementId: 'pl-tie',
            options: [
              { id: 'o-first', name: 'First', score: 10, type: 'text', content: 'First' },
              { id: 'o-second', name: 'Second', score: 10, type: 'text', content: 'Second' },
              { id: 'o-low', name: 'Low', score: 3, type: 'text', content: 'Low' },
            ],
          },
        ],
      }),
    });
    try {
      const id = await newGuest(tied.url);
      await decide(tied.url, decisionRequest([['act-tie', 'pl-tie']], id));
      const res = await fetch(`${tied.url}/sandbox/decisions/${id}`);
      const [trace] = (await res.json()).decisions as DecisionTrace[];
      expect(trace!.chosen).toMatchObject({ id: 'o-first' });
      expect(trace!.skipped).toEqual([
        { id: 'o-second', name: 'Second', reason: 'same score as o-first (10), listed after it; 1 option asked for' },
        { id: 'o-low', name: 'Low', reason: 'score 3 is below 10 (o-first); 1 option asked for' },
      ]);
    } finally {
      await tied.dispose();
    }
  });
});
