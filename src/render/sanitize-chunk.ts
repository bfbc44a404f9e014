// dist/slotwise-sanitize.min.js: DOMPurify for the script tag, loaded on demand only by browsers
// that lack Element.setHTML.
import purify from 'dompurify';

import type { Sanitize } from '../chunks';

(window as unknown as { slotwiseSanitize: Sanitize }).slotwiseSanitize = (html, policy) =>
  purify.sanitize(html, { FORBID_TAGS: ['style'], ...(policy ? { TRUSTED_TYPES_POLICY: policy as never } : {}) });
