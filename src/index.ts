import type { Decision } from './types/decision';

export { createTag } from './tag/tag';
export type { Tag, TagEvents } from './tag/api';
export { SlotwiseError, isSlotwiseError } from './types/errors';
export type { FailReason } from './types/errors';
export type { EventResult, BrowserIdResult, Result, Failure } from './shared/result';
export type { Product, Person, Ext, ViewData } from './events/messages';
export type { Channel, Consent, TagOptions } from './types/options';
export type { Decision, Content, Creative, Source, SlotState } from './types/decision';

// The DOM event a slot with JSON content dispatches, typed for listeners on the slot and on the
// document (it bubbles).
declare global {
  interface HTMLElementEventMap {
    /** A slot's JSON content, before it is shown (cancelable): `detail` is the decision; call `preventDefault()` once you rendered it. */
    'slotwise:decision': CustomEvent<Decision>;
  }
  interface DocumentEventMap {
    /** A slot's JSON content, before it is shown (cancelable): `detail` is the decision; call `preventDefault()` once you rendered it. */
    'slotwise:decision': CustomEvent<Decision>;
  }
}
