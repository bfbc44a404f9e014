// dist/slotwise-slots.min.js: decisions and rendering for the script tag, loaded by pages with slots.
import { createEngine, type CreateEngine } from '../../engine/engine';

(window as unknown as { slotwiseSlots: CreateEngine }).slotwiseSlots = createEngine;
