// Script-tag build only: loads dist/slotwise-sanitize.min.js from beside dist/slotwise.min.js,
// with the page's nonce, once. The chunk defines window.slotwiseSanitize.
import { trustedScriptURL } from './trusted';

type Sanitize = (html: string) => string;
const base = (document.currentScript as HTMLScriptElement | null)?.src ?? '';
let loading: Promise<Sanitize> | undefined;

export function loadSanitizer(nonce = ''): Promise<Sanitize> {
  return (loading ??= new Promise<Sanitize>((resolve, reject) => {
    const script = document.createElement('script');
    script.nonce = nonce;
    script.onload = () => {
      const sanitize = (window as unknown as { slotwiseSanitize?: Sanitize }).slotwiseSanitize;
      if (sanitize) resolve(sanitize);
      else reject(new Error('the sanitizer chunk did not load'));
    };
    script.onerror = () => reject(new Error('the sanitizer chunk could not load'));
    script.src = trustedScriptURL(new URL('slotwise-sanitize.min.js', base || location.href).href);
    document.head.append(script);
  }).catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
}
