// The core's half of the services the slot engine borrows (types/parts.ts, CoreServices): the
// visibility of slots and the observer of the page's slots, the Trusted Types policy and the
// loaders. The tag adds the visitor's half.
import type { CoreServices } from '../types/parts';
import {
  loadFlowsCodec,
  loadFramer,
  loadOffersCodec,
  loadPlacementsCodec,
  loadSanitizer,
} from '../loaders/dynamic-import';
import { trustedHTML, trustedTypesPolicy } from '../shared/trusted';
import { cloak, hide, isLifted, recloak, reveal, revealBudget, showUndecided } from './visibility';
import { watchPage } from './watcher';

export type SlotServices = Pick<
  CoreServices,
  | 'cloak'
  | 'recloak'
  | 'isLifted'
  | 'reveal'
  | 'hide'
  | 'showUndecided'
  | 'revealBudget'
  | 'watch'
  | 'trustedHTML'
  | 'trustedTypesPolicy'
  | 'loadSanitizer'
  | 'loadFramer'
  | 'loadFlowsCodec'
  | 'loadPlacementsCodec'
  | 'loadOffersCodec'
>;

export const slotServices: SlotServices = {
  cloak,
  recloak,
  isLifted,
  reveal,
  hide,
  showUndecided,
  revealBudget,
  watch: watchPage,
  trustedHTML,
  trustedTypesPolicy,
  loadSanitizer,
  loadFramer,
  loadFlowsCodec,
  loadPlacementsCodec,
  loadOffersCodec,
};
