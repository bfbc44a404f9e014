// dist/slotwise-offers.min.js: the Adobe Offer Decisioning codec for the script tag, loaded only
// by sites that configure `offers`.
import { offerDecisions, offersRequest } from '../../codecs/adobe';
import type { PartsGlobal } from '../../types/parts';

((window as PartsGlobal).slotwiseParts ??= {}).offers = { offersRequest, offerDecisions };
