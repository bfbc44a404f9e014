// dist/slotwise-sanitize.min.js: DOMPurify for the script tag, loaded on demand only by browsers
// that lack Element.setHTML.
import purify from 'dompurify';

import { purifyWith } from '../../engine/purify';
import type { PartsGlobal } from '../../types/parts';

((window as PartsGlobal).slotwiseParts ??= {}).sanitize = purifyWith(purify);
