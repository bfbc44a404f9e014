// dist/slotwise-sanitize.min.js: DOMPurify for the script tag, loaded on demand only by browsers
// that lack Element.setHTML.
import purify from 'dompurify';

import type { Sanitize } from '../../loaders/dynamic-import';
import { purifyWith } from '../../engine/purify';

(window as unknown as { slotwiseSanitize: Sanitize }).slotwiseSanitize = purifyWith(purify);
