// Parts of the tag that most pages never need, loaded on first use so the core stays small: the
// fallback sanitizer (browsers without Element.setHTML) and the debug overlay. npm builds import
// them; the script tag fetches its own chunk files instead (chunks-script.ts takes this module's
// place in that build).
import type { ShowOverlay } from './debug/overlay';

import type { Policy } from './render/trusted';

/** DOMPurify, parsing through our Trusted Types policy so it needs no policy of its own. */
export type Sanitize = (html: string, policy?: Policy) => string;

export async function loadSanitizer(_nonce?: string): Promise<Sanitize> {
  const { default: purify } = await import('dompurify');
  return (html, policy) => purify.sanitize(html, policy ? { TRUSTED_TYPES_POLICY: policy as never } : {});
}

export const loadOverlay = async (_nonce?: string): Promise<ShowOverlay> => (await import('./debug/overlay')).showOverlay;
