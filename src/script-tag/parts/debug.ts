// dist/slotwise-debug.min.js: the debug overlay for the script tag, loaded for ?slotwise_debug=1.
import { showOverlay } from '../../debug/overlay';

(window as unknown as { slotwiseDebug: typeof showOverlay }).slotwiseDebug = showOverlay;
