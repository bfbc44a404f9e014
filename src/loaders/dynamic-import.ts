// Parts of the tag that many pages never need, loaded on first use so the core stays small: the
// slot engine (decisions and rendering, for pages with slots), the fallback sanitizer (browsers without Element.setHTML), sandboxed frames for render 'iframe', the
// debug overlay, and the codec of each decision API (only pages that use an API load its codec).
// npm builds import them; the script tag fetches its own files instead (script-element.ts
// takes this module's place in that build).
import type { ShowOverlay } from '../debug/overlay';
import type { CreateEngine } from '../engine/engine';
import type { Policy } from '../shared/trusted';

/** DOMPurify, parsing through our Trusted Types policy so it needs no policy of its own. */
export type Sanitize = (html: string, policy?: Policy) => string;
export type FlowsCodec = Pick<typeof import('../codecs/sitecore'), 'flowRequest' | 'flowDecision'>;
export type PlacementsCodec = Pick<typeof import('../codecs/algonomy'), 'placementRequests' | 'placementsAnswer'>;
export type Framer = typeof import('../engine/frame').frameElement;
export type OffersCodec = Pick<typeof import('../codecs/adobe'), 'offersRequest' | 'offerDecisions'>;

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
