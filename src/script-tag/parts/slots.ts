// dist/slotwise-slots.min.js: decisions and rendering for the script tag, loaded by pages with slots.
import { createEngine } from '../../engine/engine';
import type { PartGlobals } from '../../types/parts';

(window as PartGlobals).slotwiseSlots = createEngine;
