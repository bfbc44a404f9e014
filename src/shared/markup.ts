// How slots are marked in the page's HTML, and how the tag marks a slot once it is shown: one home
// for these names, which the snippet, the core, the slot engine and the preview bar all read.
import type { SlotState } from '../types/decision';

/** Every kind of slot: a Sitecore flow, an Algonomy placement, an Adobe offer. */
export const SLOT_SELECTOR = '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]';

/** Hides the slots not decided yet, keeping their boxes: the snippet's rule and the tag's. */
export const CLOAK_CSS = `${SLOT_SELECTOR}{visibility:hidden}`;

/** Set on a slot when it is shown, to the state it ends in; absent while it waits. */
export const STATE = 'data-slotwise-state';

export const stateOf = (el: Element) => el.getAttribute(STATE) as SlotState | null;

/** Marks the tag's own rule (the snippet's, or the one the tag adds): the tag runs. */
export const TAG_RULE = 'data-slotwise';

/**
The rule for a server-rendered page's `<head>` (or a stylesheet of its own), before the tag
arrives: slots not decided yet are hidden, keeping their boxes, and shown anyway after 3 s (a CSS
animation, so it holds even when no script runs at all). Once the tag runs (its own rule, marked
TAG_RULE, is in the page), this rule stands down and the tag alone hides and shows slots: at once
without consent or when it cannot start, decided, or with their default after `revealAfterMs`.
Browsers without `:has()` skip the rule, and paint the defaults as they would without it.
*/
const waiting = `:not([${STATE}])`;
const untilTag = `:root:not(:has(style[${TAG_RULE}])) `;
export const hideBeforePaint = `${untilTag}[data-slotwise-flow]${waiting},${untilTag}[data-slotwise-placement]${waiting},${untilTag}[data-slotwise-offer]${waiting}{visibility:hidden;animation:slotwise-show 0s 3s forwards}@keyframes slotwise-show{to{visibility:visible}}`;

/** A size written `WxH` in pixels (a slot's `data-slotwise-size`, a creative's size). */
export function sizeOf(value: string | undefined): [width: number, height: number] | undefined {
  const size = /^(\d+)x(\d+)$/.exec(value ?? '');
  return size ? [Number(size[1]), Number(size[2])] : undefined;
}

// Slot ids, shared by the page's slots and the vendor codecs (which load only when configured).
/** A placement slot's id: `pageType.name`, as the Algonomy Personalize API names placements. */
export const isPlacementName = (name: unknown): name is string =>
  typeof name === 'string' && /^[\w-]+\.[\w-]+$/.test(name);
/** The slot id an offer decision is filed under. */
export const offerSlot = (call: { placementId: string; activityId: string }) =>
  `${call.placementId}|${call.activityId}`;
