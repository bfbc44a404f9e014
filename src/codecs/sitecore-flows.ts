// Sitecore Personalize flow execution wire format: the flows codec, loaded on demand (by import()
// in npm builds, as dist/slotwise-flows.min.js in the script tag) by pages that run a flow. Pure:
// builds requests and reads responses; no fetch, no cookies, no DOM.
import { isObject } from '../shared/is';
import { creativeOf, guarded } from './model';
import { jsonHeaders, utmParams } from './sitecore';
import type { Content, Decision } from '../types/decision';
import type { Settings } from '../types/options';
import type { FlowCall, WireRequest } from '../types/wire';

/**
`POST {target}/v2/callFlows` (Sitecore Personalize flow execution): exactly one of browserId, email or identifiers, and
`params.utm.{campaign,source,medium,content,…}` from the visitor's URL unless the caller gave it.
*/
export const flowRequest = /*#__PURE__*/ guarded(
  'invalid',
  'flow()',
  (settings: Settings, call: FlowCall, browserId: string, url: string): WireRequest => {
    const utm: Record<string, string> = {};
    for (const [name, value] of Object.entries(utmParams(url))) utm[name.slice(4)] = value;
    const params = { ...call.params };
    if (!params.utm && Object.keys(utm).length) params.utm = utm;
    const who = call.email
      ? { email: call.email }
      : call.identifiers
        ? { identifiers: call.identifiers }
        : { browserId };
    return {
      method: 'POST',
      url: `${settings.target}/v2/callFlows`,
      headers: jsonHeaders(),
      body: JSON.stringify({
        clientKey: settings.clientKey,
        channel: settings.channel,
        language: settings.language,
        currencyCode: settings.currency,
        pointOfSale: settings.pointOfSale,
        friendlyId: call.friendlyId,
        ...who,
        ...(Object.keys(params).length ? { params } : {}),
      }),
    };
  },
);

/**
A flow's answer is whatever its template returns. For slots: a string `html` is HTML, a list of
creatives or offers (or a list at the top) is creatives, anything else is data for your code.
*/
export const flowDecision = /*#__PURE__*/ guarded(
  'rejected',
  "The flow API's answer",
  (slot: string, json: unknown): Decision => {
    const answer = isObject(json) ? json : {};
    const list: unknown[] | undefined = Array.isArray(json)
      ? json
      : [answer.creatives, answer.offers].find(Array.isArray);
    let content: Content | null = { kind: 'json', data: json };
    if (typeof answer.html === 'string') content = answer.html.trim() ? { kind: 'html', html: answer.html } : null;
    else if (list) {
      // Only items with something to show are creatives; a list of data (skus, prices) stays data.
      const items = list
        .filter(isObject)
        .map(creativeOf)
        .filter((item) => item.imageUrl || item.text);
      if (items.length) content = { kind: 'creative', items };
    } else if (json == null || (isObject(json) && !Object.keys(json).length)) content = null;
    const decision: Decision = { slot, source: 'flow', content };
    if (typeof answer.campaign === 'string') decision.campaign = answer.campaign;
    // What impressions name as the creative: the first item shown, else the answer's own id.
    const creative = (content?.kind === 'creative' && content.items[0]?.id) || answer.id;
    if (typeof creative === 'string' && creative) decision.creative = creative;
    return decision;
  },
);
