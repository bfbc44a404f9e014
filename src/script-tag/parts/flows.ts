// dist/slotwise-flows.min.js: the Sitecore flow execution codec for the script tag, loaded when a
// page first asks for a flow.
import { flowDecision, flowRequest } from '../../codecs/sitecore';
import type { PartGlobals } from '../../types/parts';

(window as PartGlobals).slotwiseFlows = { flowRequest, flowDecision };
