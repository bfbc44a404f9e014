// Anti-flicker, per slot: until a slot is decided it is `visibility: hidden`, which keeps its box
// (so nothing moves), and never the whole page. The snippet adds the same rule before the page
// paints; a slot is shown by making it visible again and giving it a state, on every path.

export type SlotState = 'decided' | 'default' | 'collapsed' | 'timeout' | 'error';

export const STATE = 'data-slotwise-state';
const CLOAK_CSS = '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]{visibility:hidden}';

let rule: HTMLStyleElement | undefined;

/** The snippet's rule, handed over by the script-tag entry. */
export const adoptCloak = (style: HTMLStyleElement | undefined) => (rule = style);

/** The rule, from the snippet or added now (npm). */
export function cloak(nonce: string): void {
  if (rule?.isConnected) return;
  rule = document.createElement('style');
  rule.nonce = nonce;
  rule.textContent = CLOAK_CSS;
  document.head.append(rule);
}

export const stateOf = (el: Element) => el.getAttribute(STATE) as SlotState | null;

/** Shown: revealed by us, or the snippet gave up waiting for the library and showed every slot. */
export const isShown = (el: Element) => stateOf(el) != null || rule?.media == 'x';

export function reveal(el: HTMLElement, state: SlotState): void {
  el.setAttribute(STATE, state);
  el.style.visibility = 'visible';
}

/** Hidden again, for a new decision (SPA route change). */
export function hide(el: HTMLElement): void {
  el.removeAttribute(STATE);
  el.style.visibility = '';
}

/** Whether any part of the element is on screen: content there is never swapped under the reader. */
export function inView(el: Element): boolean {
  const box = el.getBoundingClientRect();
  return box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth && box.height > 0;
}
