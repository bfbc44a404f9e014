// What the slot engine borrows from the script that loaded it: the one anti-flicker rule, the
// one Trusted Types policy and the one chunk loader. In the script tag the engine is a file of
// its own, and a second copy of any of these would not work: a second `slotwise` policy is
// refused, and a second rule or loader would not know what the first has done.
import { loadFlowsCodec, loadFramer, loadOffersCodec, loadPlacementsCodec, loadSanitizer } from '../loaders/dynamic-import';
import { cloak, isLifted, recloak } from './visibility';
import { trustedHTML, trustedTypesPolicy } from '../shared/trusted';

export const host = {
  cloak,
  recloak,
  isLifted,
  trustedHTML,
  trustedTypesPolicy,
  loadSanitizer,
  loadFramer,
  loadFlowsCodec,
  loadPlacementsCodec,
  loadOffersCodec,
};

export type Host = typeof host;
