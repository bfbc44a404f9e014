// Anti-flicker, per slot: until a slot is decided it is `visibility: hidden`, which keeps its box
// (so nothing moves), and never the whole page. The snippet adds the same rule before the page
// paints; a slot is shown by making it visible again and giving it a state, on every path. The one
// owner of hiding and showing slots, and of how long they may stay hidden: the core uses it
// directly, the slot engine through CoreServices.
import type { SlotState } from '../types/decision';
import { CLOAK_CSS, SLOT_SELECTOR, STATE, TAG_RULE, stateOf } from '../shared/markup';

// Deliberately module-level: one rule per page, which the snippet creates before the library
// arrives and hands over (adoptCloak), and which the core and the engine's own file share through
// these functions. An object passed around would only be a second way to reach the same rule.
let rule: HTMLStyleElement | undefined;
let safetyNet: ReturnType<typeof setTimeout> | undefined;

/** The snippet's rule and its 1 s safety timer, handed over by the script-tag entry. */
export function adoptCloak(
  style: HTMLStyleElement | undefined,
  timer: ReturnType<typeof setTimeout> | undefined,
): void {
  rule = style;
  safetyNet = timer;
}

/**
The tag's rule: the snippet's, or one added now. Marked, so that a page's hideBeforePaint rule
hands its slots over to the tag from now on.
*/
function ownRule(nonce: string): HTMLStyleElement {
  if (!rule?.isConnected) {
    rule = document.createElement('style');
    rule.nonce = nonce;
    rule.textContent = CLOAK_CSS;
    document.head.append(rule);
  }
  rule.setAttribute(TAG_RULE, '');
  return rule;
}

/** Shows every slot the rule hides (the tag could not start, or may not decide). */
export const uncloak = (nonce: string) => (ownRule(nonce).media = 'x');

/**
The rule, from the snippet or added now (npm); the first pass's own timers replace the snippet's.
`liftAfter` (ms): a safety net of our own until those timers run, as the snippet's.
*/
export function cloak(nonce: string, liftAfter?: number): void {
  clearTimeout(safetyNet);
  if (liftAfter != null) safetyNet = setTimeout(uncloak, liftAfter, nonce);
  ownRule(nonce);
}

/** After the first pass: if the snippet had given up waiting, slots added later are hidden again. */
export const recloak = () => rule && (rule.media = '');

/** The snippet gave up waiting for the library (or the tag could not start) and showed every slot. */
export const isLifted = () => rule?.media === 'x';

export function reveal(el: HTMLElement, state: SlotState): void {
  el.setAttribute(STATE, state);
  // inherit, not visible: a slot inside a closed menu must stay as hidden as the menu.
  el.style.visibility = 'inherit';
  if (state === 'collapsed') el.style.display = 'none';
}

/** Hidden again, for a new decision (SPA route change). */
export function hide(el: HTMLElement): void {
  if (stateOf(el) === 'collapsed') el.style.display = '';
  el.removeAttribute(STATE);
  el.style.visibility = '';
}

/** Shows every slot that is not decided yet, with what it has, in `state`. */
export function showUndecided(state: SlotState): void {
  for (const el of document.querySelectorAll<HTMLElement>(SLOT_SELECTOR))
    if (!el.hasAttribute(STATE)) reveal(el, state);
}

/**
Milliseconds left before slots hidden now must show. The first pass counts from navigation start:
its slots were hidden (by the snippet's rule) since then, and that is when the reader began
waiting. A later pass (slots an SPA adds) gets the whole `revealAfterMs` from now.
*/
export const revealBudget = (revealAfterMs: number, first: boolean) =>
  Math.max(0, revealAfterMs - (first ? performance.now() : 0));
