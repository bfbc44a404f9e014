// Script-tag build only: the on-demand parts are files beside dist/slotwise.min.js, loaded once
// with the page's nonce through the Trusted Types policy. Each chunk sets one global.
import { couldNotLoad } from '../types/errors';
import { trustedScriptURL } from '../shared/trusted';
import type { CreateEngine, FlowsCodec, Framer, Loader, OffersCodec, PlacementsCodec, Sanitize, ShowOverlay } from '../types/parts';

const base = (document.currentScript as HTMLScriptElement | null)?.src ?? '';
const loading = new Map<string, Promise<unknown>>();
/** A file that could not load is asked for again after this long. */
const RETRY_AFTER_MS = 10_000;

function loadChunk<T>(file: string, global: string, nonce = ''): Promise<T> {
  let chunk = loading.get(file);
  if (!chunk) {
    chunk = new Promise<T>((resolve, reject) => {
      const script = document.createElement('script');
      script.nonce = nonce;
      script.onload = () => {
        const value = (window as unknown as Record<string, T | undefined>)[global];
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
      setTimeout(() => loading.delete(file), RETRY_AFTER_MS);
      throw error;
    });
    loading.set(file, chunk);
  }
  return chunk as Promise<T>;
}

export const loadEngine: Loader<CreateEngine> = (nonce) => loadChunk('slotwise-slots.min.js', 'slotwiseSlots', nonce);
export const loadSanitizer: Loader<Sanitize> = (nonce) => loadChunk('slotwise-sanitize.min.js', 'slotwiseSanitize', nonce);
export const loadFramer: Loader<Framer> = (nonce) => loadChunk('slotwise-frame.min.js', 'slotwiseFrame', nonce);
export const loadOverlay: Loader<ShowOverlay> = (nonce) => loadChunk('slotwise-debug.min.js', 'slotwiseDebug', nonce);
export const loadFlowsCodec: Loader<FlowsCodec> = (nonce) => loadChunk('slotwise-flows.min.js', 'slotwiseFlows', nonce);
export const loadPlacementsCodec: Loader<PlacementsCodec> = (nonce) => loadChunk('slotwise-placements.min.js', 'slotwisePlacements', nonce);
export const loadOffersCodec: Loader<OffersCodec> = (nonce) => loadChunk('slotwise-offers.min.js', 'slotwiseOffers', nonce);
