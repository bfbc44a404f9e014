// Anti-flicker, per slot: until a slot is decided it is `visibility: hidden`, which keeps its box
// (so nothing moves), and never the whole page. The snippet adds the same rule before the page
// paints; a slot is shown by making it visible again and giving it a state, on every path.
import type { SlotState } from '../types/decision';
import { CLOAK_CSS, STATE, stateOf } from '../shared/markup';

let rule: HTMLStyleElement | undefined;
let safetyNet: ReturnType<typeof setTimeout> | undefined;

/** The snippet's rule and its 1 s safety timer, handed over by the script-tag entry. */
export function adoptCloak(style: HTMLStyleElement | undefined, timer: ReturnType<typeof setTimeout> | undefined): void {
  rule = style;
  safetyNet = timer;
}

/** Shows every slot the rule hides (the tag could not start). */
export const uncloak = () => rule && (rule.media = 'x');

/** The rule, from the snippet or added now (npm); the first pass's own timers replace the snippet's. */
export function cloak(nonce: string): void {
  clearTimeout(safetyNet);
  if (rule?.isConnected) return;
  rule = document.createElement('style');
  rule.nonce = nonce;
  rule.textContent = CLOAK_CSS;
  document.head.append(rule);
}

/** After the first pass: if the snippet had given up waiting, slots added later are hidden again. */
export const recloak = () => rule && (rule.media = '');

/** The snippet gave up waiting for the library (or the tag could not start) and showed every slot. */
export const isLifted = () => rule?.media == 'x';

export function reveal(el: HTMLElement, state: SlotState): void {
  el.setAttribute(STATE, state);
  // inherit, not visible: a slot inside a closed menu must stay as hidden as the menu.
  el.style.visibility = 'inherit';
  if (state == 'collapsed') el.style.display = 'none';
}

/** Hidden again, for a new decision (SPA route change). */
export function hide(el: HTMLElement): void {
  if (stateOf(el) == 'collapsed') el.style.display = '';
  el.removeAttribute(STATE);
  el.style.visibility = '';
}
