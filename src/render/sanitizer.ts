// The fallback sanitizer (DOMPurify) for browsers without Element.setHTML, loaded only when first
// needed so the core stays small. npm builds import it; the script tag loads its own chunk
// (sanitizer-script.ts takes this module's place in that build).
export async function loadSanitizer(_nonce?: string): Promise<(html: string) => string> {
  const { default: purify } = await import('dompurify');
  return (html) => purify.sanitize(html);
}
