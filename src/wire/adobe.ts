// Adobe Offer Decisioning API (DESIGN.md §3, seed 002). Pure. The real API wants a bearer token,
// an API key and an IMS org, which must never ship to browsers: the tag calls a first-party proxy
// path that adds them, and the sandbox answers that path directly.
import { SlotwiseError } from '../errors';
import { creativeOf, isObject, offerSlot, type Content, type Creative, type Decision } from './model';
import type { WireRequest } from './sitecore';

const xdm = (kind: 'request' | 'response') =>
  `application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-${kind};version=1.0"`;

export interface OfferCall {
  placementId: string;
  activityId: string;
  /** How many options to return, 1–30. @default 1 */
  itemCount?: number;
}

export interface OfferIdentity {
  /** The identity namespace's integration code, e.g. 'ECID' or 'Email'. */
  namespace: string;
  id: string;
}


export function offersRequest(target: string, calls: readonly OfferCall[], identity: OfferIdentity, decisionRequestId: string): WireRequest {
  const propositionRequests = calls.map(({ placementId, activityId, itemCount = 1 }) => {
    if (!placementId || !activityId) throw new SlotwiseError('invalid', 'An offer needs a placementId and an activityId');
    if (!Number.isInteger(itemCount) || itemCount < 1 || itemCount > 30)
      throw new SlotwiseError('invalid', `xdm:itemCount must be a whole number from 1 to 30 (got ${itemCount})`);
    return { 'xdm:placementId': placementId, 'xdm:activityId': activityId, 'xdm:itemCount': itemCount };
  });
  return {
    method: 'POST',
    url: `${target}/decisions`,
    headers: { 'content-type': xdm('request'), accept: xdm('response') },
    body: JSON.stringify({
      'xdm:propositionRequests': propositionRequests,
      'xdm:profiles': [
        { 'xdm:identityMap': { [identity.namespace]: [{ 'xdm:id': identity.id }] }, 'xdm:decisionRequestId': decisionRequestId },
      ],
      // One page should not show the same offer twice.
      'xdm:allowDuplicatePropositions': { 'xdm:acrossActivities': false, 'xdm:acrossPlacements': false },
      'xdm:responseFormat': {
        'xdm:includeContent': true,
        'xdm:includeMetadata': { 'xdm:activity': ['name'], 'xdm:option': ['name'], 'xdm:placement': ['name'] },
      },
    }),
  };
}

/** Ids end the same even where their prefixes differ (`xcore:offer-placement:X` asked, `xcore:placement:X` answered). */
const tail = (id: unknown) => String(id).slice(String(id).lastIndexOf(':') + 1);
const idOf = (part: unknown) => (isObject(part) ? part['xdm:id'] : undefined);

function contentOf(options: Record<string, unknown>[]): Content | null {
  const html: string[] = [];
  const items: Creative[] = [];
  for (const option of options) {
    const type = String(option['@type'] ?? '');
    const content = option['xdm:content'];
    // JSON offers are data for the page's code, never text on screen.
    if (type.endsWith('json')) return { kind: 'json', data: content };
    if (typeof content != 'string') continue;
    if (type.endsWith('html-template')) html.push(content);
    else if (type.endsWith('imagelink')) items.push(creativeOf({ id: option['xdm:id'], imageUrl: option['xdm:deliveryURL'], href: content }));
    else if (type.endsWith('text')) items.push(creativeOf({ id: option['xdm:id'], text: content }));
  }
  return html.length ? { kind: 'html', html: html.join('') } : items.length ? { kind: 'creative', items } : null;
}

/** The decision for each call, matched by placement and activity ids, else by position. */
export function offerDecisions(json: unknown, calls: readonly OfferCall[]): Decision[] {
  const propositions = isObject(json) && Array.isArray(json['xdm:propositions']) ? json['xdm:propositions'].filter(isObject) : undefined;
  if (!propositions) throw new SlotwiseError('rejected', 'The decisioning API answered without xdm:propositions');
  const matches = (p: Record<string, unknown>, call: OfferCall) =>
    tail(idOf(p['xdm:placement'])) == tail(call.placementId) && tail(idOf(p['xdm:activity'])) == tail(call.activityId);
  // By position only among the propositions no call claims by id, so no two slots share one.
  const claimed = new Set(calls.map((call) => propositions.find((p) => matches(p, call))));
  return calls.map((call, index) => {
    const proposition = propositions.find((p) => matches(p, call)) ?? (claimed.has(propositions[index]) ? undefined : propositions[index]);
    const options = Array.isArray(proposition?.['xdm:options']) ? proposition['xdm:options'].filter(isObject) : [];
    const fallback = options.length ? undefined : proposition?.['xdm:fallback'];
    const shown = options.length ? options : isObject(fallback) ? [fallback] : [];
    const decision: Decision = { slot: offerSlot(call), source: 'offer', content: contentOf(shown) };
    const activity = idOf(proposition?.['xdm:activity']);
    if (typeof activity == 'string') decision.campaign = activity;
    if (typeof shown[0]?.['xdm:id'] == 'string') decision.creative = shown[0]['xdm:id'];
    if (typeof shown[0]?.['xdm:score'] == 'number') decision.score = shown[0]['xdm:score'];
    if (fallback) decision.fallback = true;
    return decision;
  });
}
