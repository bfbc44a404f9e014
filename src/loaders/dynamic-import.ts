import type {
  CreateEngine,
  FlowsCodec,
  Framer,
  Loader,
  OffersCodec,
  PlacementsCodec,
  Sanitize,
  ShowOverlay,
} from '../types/parts';
// Parts of the tag that many pages never need, loaded on first use so the core stays small: the
// slot engine (decisions and rendering, for pages with slots), the fallback sanitizer (browsers without Element.setHTML), sandboxed frames for render 'iframe', the
// debug overlay, and the codec of each decision API (only pages that use an API load its codec).
// npm builds import them; the script tag fetches its own files instead (script-element.ts
// takes this module's place in that build, which is why these take a nonce they do not use).

export const loadSanitizer: Loader<Sanitize> = async () => {
  const [{ default: purify }, { purifyWith }] = await Promise.all([import('dompurify'), import('../engine/purify')]);
  return purifyWith(purify);
};

export const loadEngine: Loader<CreateEngine> = async () => (await import('../engine/engine')).createEngine;
export const loadFramer: Loader<Framer> = async () => (await import('../engine/frame')).frameElement;
export const loadOverlay: Loader<ShowOverlay> = async () => (await import('../debug/overlay')).showOverlay;
export const loadFlowsCodec: Loader<FlowsCodec> = () => import('../codecs/sitecore-flows');
export const loadPlacementsCodec: Loader<PlacementsCodec> = () => import('../codecs/algonomy');
export const loadOffersCodec: Loader<OffersCodec> = () => import('../codecs/adobe');
