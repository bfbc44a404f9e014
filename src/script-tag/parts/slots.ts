// dist/slotwise-slots.min.js: decisions and rendering for the script tag, loaded by pages with slots.
import { createEngine } from '../../engine/engine';
import type { CreateEngine } from '../../types/parts';

(window as unknown as { slotwiseSlots: CreateEngine }).slotwiseSlots = createEngine;
