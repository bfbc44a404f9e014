import type { CreateEngine, Policy, ShowOverlay } from '../types/parts';
import type { FlowsCodec, Framer, OffersCodec, PlacementsCodec, Sanitize } from '../types/parts';
// Parts of the tag that many pages never need, loaded on first use so the core stays small: the
// slot engine (decisions and rendering, for pages with slots), the fallback sanitizer (browsers without Element.setHTML), sandboxed frames for render 'iframe', the
// debug overlay, and the codec of each decision API (only pages that use an API load its codec).
// npm builds import them; the script tag fetches its own files instead (script-element.ts
// takes this module's place in that build).

export async function loadSanitizer(_nonce?: string): Promise<Sanitize> {
  const [{ default: purify }, { purifyWith }] = await Promise.all([import('dompurify'), import('../engine/purify')]);
  return purifyWith(purify);
}

export const loadEngine = async (_nonce?: string): Promise<CreateEngine> => (await import('../engine/engine')).createEngine;
export const loadFramer = async (_nonce?: string): Promise<Framer> => (await import('../engine/frame')).frameElement;
export const loadOverlay = async (_nonce?: string): Promise<ShowOverlay> => (await import('../debug/overlay')).showOverlay;
export const loadFlowsCodec = (_nonce?: string): Promise<FlowsCodec> => import('../codecs/sitecore');
export const loadPlacementsCodec = (_nonce?: string): Promise<PlacementsCodec> => import('../codecs/algonomy');
export const loadOffersCodec = (_nonce?: string): Promise<OffersCodec> => import('../codecs/adobe');
