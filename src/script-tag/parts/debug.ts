// dist/slotwise-debug.min.js: the debug overlay for the script tag, loaded for ?slotwise_debug=1.
import { showOverlay } from '../../debug/overlay';
import type { PartsGlobal } from '../../types/parts';

((window as PartsGlobal).slotwiseParts ??= {}).debug = showOverlay;
