// dist/slotwise-slots.min.js: decisions and rendering for the script tag, loaded by pages with slots.
import { createEngine } from '../../engine/engine';
import type { PartsGlobal } from '../../types/parts';

((window as PartsGlobal).slotwiseParts ??= {}).slots = createEngine;
