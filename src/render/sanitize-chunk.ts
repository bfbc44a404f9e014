// dist/slotwise-sanitize.min.js: DOMPurify for the script tag, loaded on demand only by browsers
// that lack Element.setHTML.
import purify from 'dompurify';

(window as unknown as { slotwiseSanitize: (html: string) => string }).slotwiseSanitize = (html) => purify.sanitize(html);
