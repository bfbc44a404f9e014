// dist/slotwise-frame.min.js: sandboxed-frame rendering for the script tag, loaded only for slots
// with render 'iframe'.
import { frameElement } from '../../engine/frame';

(window as unknown as { slotwiseFrame: typeof frameElement }).slotwiseFrame = frameElement;
