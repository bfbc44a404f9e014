// Script-tag build only: the on-demand parts are files beside dist/slotwise.min.js, loaded once
// with the page's nonce through the Trusted Types policy. Each chunk sets one global.
import { couldNotLoad } from '../types/errors';
import { trustedScriptURL } from '../shared/trusted';
import type { Loader, PartGlobals } from '../types/parts';

/** Where this script was loaded from: the parts are beside it. */
const base = (document.currentScript as HTMLScriptElement | null)?.src ?? '';
/** A file that could not load is asked for again after this long. */
const RETRY_AFTER_MS = 10_000;

/** The loader of the part in `file`, which sets `global`: one request, shared, until it fails. */
function partLoader<K extends keyof PartGlobals>(file: string, global: K): Loader<NonNullable<PartGlobals[K]>> {
  let chunk: Promise<NonNullable<PartGlobals[K]>> | undefined;
  const load = (nonce = '') =>
    new Promise<NonNullable<PartGlobals[K]>>((resolve, reject) => {
      const script = document.createElement('script');
      script.nonce = nonce;
      script.onload = () => {
        const value = (window as PartGlobals)[global];
        if (value) resolve(value);
        else reject(new Error(`${file} did not load`));
      };
      script.onerror = () => {
        script.remove();
        reject(couldNotLoad(file));
      };
      script.src = trustedScriptURL(new URL(file, base || location.href).href);
      document.head.append(script);
    }).catch((error: unknown) => {
      // Tried again later (an SPA's next view, say), not by every caller of this moment.
      setTimeout(() => (chunk = undefined), RETRY_AFTER_MS);
      throw error;
    });
  return (nonce) => (chunk ??= load(nonce));
}

export const loadEngine = /*#__PURE__*/ partLoader('slotwise-slots.min.js', 'slotwiseSlots');
export const loadSanitizer = /*#__PURE__*/ partLoader('slotwise-sanitize.min.js', 'slotwiseSanitize');
export const loadFramer = /*#__PURE__*/ partLoader('slotwise-frame.min.js', 'slotwiseFrame');
export const loadOverlay = /*#__PURE__*/ partLoader('slotwise-debug.min.js', 'slotwiseDebug');
export const loadFlowsCodec = /*#__PURE__*/ partLoader('slotwise-flows.min.js', 'slotwiseFlows');
export const loadPlacementsCodec = /*#__PURE__*/ partLoader('slotwise-placements.min.js', 'slotwisePlacements');
export const loadOffersCodec = /*#__PURE__*/ partLoader('slotwise-offers.min.js', 'slotwiseOffers');
