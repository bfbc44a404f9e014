// @vitest-environment happy-dom
// How one pass groups its slots into decision API calls (src/engine/calls.ts): one call per flow,
// one placements call per page type with that page type's context, one offers call for every offer.
import { describe, expect, it } from 'vitest';
import { callsFor } from '../src/engine/calls';
import { findSlots } from '../src/engine/slots';
import type { Decisions } from '../src/types/parts';

/** Decision APIs that answer nothing and say what they were asked. */
function recordingApis() {
  const asked: unknown[] = [];
  const decisions: Decisions = {
    flow: async (call, url) => (
      asked.push(['flow', call, url]),
      { slot: call.friendlyId, source: 'flow', content: null, data: {} }
    ),
    placements: async (names, context) => (asked.push(['placements', names, context]), []),
    offers: async (calls) => (asked.push(['offers', calls]), []),
  };
  return { asked, decisions };
}

const slotsOf = (html: string) => {
  document.body.innerHTML = html;
  return findSlots(document);
};
const ids = (slots: { id: string }[]) => slots.map((slot) => slot.id);

describe('callsFor', () => {
  it('asks once per flow, per placements page type and for all offers, in that order', async () => {
    const slots = slotsOf(`
      <div data-slotwise-offer="p1" data-slotwise-activity="a1"></div>
      <div data-slotwise-placement="item_page.recs" data-slotwise-context='{"productId":"P1"}'></div>
      <div data-slotwise-flow="hero"></div>
      <div data-slotwise-placement="home_page.top"></div>
      <div data-slotwise-placement="item_page.more" data-slotwise-context='{"productId":"P2","category":"C"}'></div>
      <div data-slotwise-flow="hero"></div>
      <div data-slotwise-offer="p1" data-slotwise-activity="a1"></div>
      <div data-slotwise-placement="item_page.recs"></div>
      <div data-slotwise-offer="p2" data-slotwise-activity="a2" data-slotwise-items="3"></div>`);
    const calls = callsFor(slots);
    // Every slot is filled by exactly one call.
    expect(calls.map((call) => ids(call.slots))).toEqual([
      ['hero', 'hero'],
      ['item_page.recs', 'item_page.more', 'item_page.recs'],
      ['home_page.top'],
      ['p1|a1', 'p1|a1', 'p2|a2'],
    ]);
    const { asked, decisions } = recordingApis();
    await Promise.all(calls.map((call) => call.ask(decisions, 'https://shop.example/p')));
    expect(asked).toEqual([
      ['flow', { friendlyId: 'hero' }, 'https://shop.example/p'],
      // A page type's names once each, its slots' contexts merged (a later slot's keys win).
      ['placements', ['item_page.recs', 'item_page.more'], { productId: 'P2', category: 'C' }],
      ['placements', ['home_page.top'], {}],
      // An offer shown in two slots is asked for once.
      [
        'offers',
        [
          { placementId: 'p1', activityId: 'a1', itemCount: 1 },
          { placementId: 'p2', activityId: 'a2', itemCount: 3 },
        ],
      ],
    ]);
  });

  it('makes no call for an API the slots do not use', () => {
    expect(callsFor([])).toEqual([]);
    expect(
      callsFor(slotsOf('<div data-slotwise-flow="a"></div><div data-slotwise-flow="b"></div>')).map((call) =>
        ids(call.slots),
      ),
    ).toEqual([['a'], ['b']]);
  });

  it('answers a flow call with its one decision, as a list like the others', async () => {
    const [call] = callsFor(slotsOf('<div data-slotwise-flow="hero"></div>'));
    expect(await call!.ask(recordingApis().decisions, '/')).toEqual([
      { slot: 'hero', source: 'flow', content: null, data: {} },
    ]);
  });
});
