// Script-tag build only: the on-demand parts are files beside dist/slotwise.min.js, loaded once
// with the page's nonce through the Trusted Types policy. Each puts what it carries in the one
// global the parts share (types/parts.ts, Parts).
import { couldNotLoad } from '../types/errors';
import { trustedScriptURL } from '../shared/trusted';
import type { Loader, Parts, PartsGlobal } from '../types/parts';

/** Where this script was loaded from: the parts are beside it. */
const base = (document.currentScript as HTMLScriptElement | null)?.src ?? '';
/** A file that could not load is asked for again after this long. */
const RETRY_AFTER_MS = 10_000;

/** The loader of part `name` (dist/slotwise-<name>.min.js): one request, shared, until it fails. */
function partLoader<K extends keyof Parts>(name: K): Loader<Parts[K]> {
  const file = `slotwise-${name}.min.js`;
  let chunk: Promise<Parts[K]> | undefined;
  const load = (nonce = '') =>
    new Promise<Parts[K]>((resolve, reject) => {
      const script = document.createElement('script');
      script.nonce = nonce;
      script.onload = () => {
        const value = (window as PartsGlobal).slotwiseParts?.[name];
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

export const loadEngine = /*#__PURE__*/ partLoader('slots');
export const loadSanitizer = /*#__PURE__*/ partLoader('sanitize');
export const loadFramer = /*#__PURE__*/ partLoader('frame');
export const loadOverlay = /*#__PURE__*/ partLoader('debug');
export const loadFlowsCodec = /*#__PURE__*/ partLoader('flows');
export const loadPlacementsCodec = /*#__PURE__*/ partLoader('placements');
export const loadOffersCodec = /*#__PURE__*/ partLoader('offers');
