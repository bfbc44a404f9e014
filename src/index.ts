import type { Decision } from './types/decision';

export { createTag } from './tag/tag';
export type { Tag, TagEvents } from './tag/api';
export { SlotwiseError, isSlotwiseError } from './types/errors';
export type { FailReason } from './types/errors';
export type { EventResult, BrowserIdResult, Result, Failure } from './shared/result';
export type { Product, Person, Ext, ViewData } from './events/messages';
export type { Channel, Consent, TagOptions } from './types/options';
export { hideBeforePaint } from './shared/markup';
export type { Decision, Content, Creative, Source, SlotState } from './types/decision';

// The DOM event every slot dispatches just before its decision changes it, typed for listeners on
// the slot and on the document (it bubbles).
declare global {
  interface HTMLElementEventMap {
    /** A slot's decision, before the slot changes (cancelable): `detail` is the decision (`content` null when there is none); call `preventDefault()` to show it yourself. */
    'slotwise:decision': CustomEvent<Decision>;
  }
  interface DocumentEventMap {
    /** A slot's decision, before the slot changes (cancelable): `detail` is the decision (`content` null when there is none); call `preventDefault()` to show it yourself. */
    'slotwise:decision': CustomEvent<Decision>;
  }
}
