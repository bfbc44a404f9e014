// dist/slotwise-placements.min.js: the Algonomy placements codec for the script tag, loaded only
// by sites that configure `placements`.
import { placementRequests, placementsAnswer } from '../../codecs/algonomy';
import type { PartsGlobal } from '../../types/parts';

((window as PartsGlobal).slotwiseParts ??= {}).placements = { placementRequests, placementsAnswer };
