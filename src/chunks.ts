// Parts of the tag that most pages never need, loaded on first use so the core stays small: the
// fallback sanitizer (browsers without Element.setHTML) and the debug overlay. npm builds import
// them; the script tag fetches its own chunk files instead (chunks-script.ts takes this module's
// place in that build).
import type { ShowOverlay } from './debug/overlay';

export type Sanitize = (html: string) => string;

export async function loadSanitizer(_nonce?: string): Promise<Sanitize> {
  const { default: purify } = await import('dompurify');
  return (html) => purify.sanitize(html);
}

export const loadOverlay = async (_nonce?: string): Promise<ShowOverlay> => (await import('./debug/overlay')).showOverlay;
