// dist/slotwise-placements.min.js: the Algonomy placements codec for the script tag, loaded only
// by sites that configure `placements`.
import { placementRequests, placementsAnswer } from '../../codecs/algonomy';
import type { PartGlobals } from '../../types/parts';

(window as PartGlobals).slotwisePlacements = { placementRequests, placementsAnswer };
