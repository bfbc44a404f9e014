// dist/slotwise-frame.min.js: sandboxed-frame rendering for the script tag, loaded only for slots
// with render 'iframe'.
import { frameElement } from '../../engine/frame';
import type { PartsGlobal } from '../../types/parts';

((window as PartsGlobal).slotwiseParts ??= {}).frame = frameElement;
