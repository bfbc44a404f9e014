// dist/slotwise-offers.min.js: the Adobe Offer Decisioning codec for the script tag, loaded only
// by sites that configure `offers`.
import { offerDecisions, offersRequest } from '../../codecs/adobe';
import type { PartGlobals } from '../../types/parts';

(window as PartGlobals).slotwiseOffers = { offersRequest, offerDecisions };
