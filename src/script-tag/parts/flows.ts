// dist/slotwise-flows.min.js: the Sitecore flow execution codec for the script tag, loaded when a
// page first asks for a flow.
import { flowDecision, flowRequest } from '../../codecs/sitecore-flows';
import type { PartsGlobal } from '../../types/parts';

((window as PartsGlobal).slotwiseParts ??= {}).flows = { flowRequest, flowDecision };
