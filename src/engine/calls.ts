// What one pass asks the decision APIs for its slots: one call per flow, however many slots show
// it; one placements call per page type, with that page type's context; one offers call for every
// offer slot. Grouping only: nothing is asked until the renderer makes the calls (renderer.ts).
import type { Decision } from '../types/decision';
import type { Decisions } from '../types/parts';
import type { PageContext } from '../types/wire';
import type { Slot } from './slots';

/** One call to a decision API, and the slots its answer fills. */
export interface Call {
  slots: Slot[];
  /** Asks the API for the decisions of `slots`, on the page at `url`. */
  ask(decisions: Decisions, url: string): Promise<Decision[]>;
}

/** The items with the same key, in order of first appearance; every group has at least one item. */
const groupBy = <T>(items: T[], key: (item: T) => string) => {
  const groups = new Map<string, [T, ...T[]]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups.values()];
};

/** The calls for these slots (valid ones: a slot with broken attributes is not asked for). */
export function callsFor(slots: Slot[]): Call[] {
  const of = (source: Slot['source']) => slots.filter((slot) => slot.source === source);
  const offers = of('offer');
  const calls = [
    ...groupBy(of('flow'), (slot) => slot.id).map((group): Call => ({
      slots: group,
      ask: (decisions, url) => decisions.flow({ friendlyId: group[0].id }, url).then((decision) => [decision]),
    })),
    ...groupBy(of('placement'), (slot) => slot.id.split('.')[0] ?? '').map((group): Call => {
      const names = [...new Set(group.map((slot) => slot.id))];
      // The page type's slots share one context: a later slot's keys win.
      const context = Object.assign({}, ...group.map((slot) => slot.context)) as PageContext;
      return { slots: group, ask: (decisions) => decisions.placements(names, context) };
    }),
  ];
  // An offer shown in several slots is asked for once.
  const unique = groupBy(offers, (slot) => slot.id).flatMap(([slot]) => slot.offer ?? []);
  if (offers.length) calls.push({ slots: offers, ask: (decisions) => decisions.offers(unique) });
  return calls;
}
