// Adobe Offer Decisioning API (its Decisioning API, POST /decisions). Pure. The real API wants a
// bearer token, an API key and an IMS org, which must never ship to browsers: the tag calls a
// first-party proxy path that adds them and passes the request on as it is.
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

/**
An id in the form the answer uses. The Adobe Offer Decisioning API answers a request for
`xcore:offer-activity:X` with `xcore:activity:X` (and `dps:offer-placement:X` with
`dps:placement:X`): the same entity, without `offer-`. The repository prefix is kept, and ids in
any other form are compared as they are.
*/
const canonical = (id: unknown) => (typeof id == 'string' ? id.replace(/^(\w+):offer-(activity|placement):/, '$1:$2:') : undefined);
const idOf = (part: unknown) => (isObject(part) ? part['xdm:id'] : undefined);

/** The component types a page can show: offer management's, and the older decisioning namespace. */
const TYPE = /^https:\/\/ns\.adobe\.com\/experience\/(?:offer-management|decisioning)\/content-component-(html|html-template|json|imagelink|text)$/;
/** A link or image an offer may carry: absolute http(s), or a path on the site. */
const link = (value: unknown) => (typeof value == 'string' && /^(https?:\/\/[^/]|\/(?![/\\]))/i.test(value.trim()) ? value.trim() : undefined);

type Part = { kind: 'html'; html: string } | { kind: 'creative'; item: Creative } | { kind: 'json'; data: unknown };

/** What one option shows, or nothing when its type is unknown or its content unusable. */
function partOf(option: Record<string, unknown>): Part | undefined {
  const kind = TYPE.exec(String(option['@type']))?.[1];
  const content = option['xdm:content'];
  const id = option['xdm:id'];
  if (kind == 'json') {
    // Real tenants send the offer's JSON as a string; parsed here, so the page gets data.
    if (typeof content != 'string') return content === undefined ? undefined : { kind, data: content };
    try {
      return { kind, data: JSON.parse(content) as unknown };
    } catch {
      return undefined;
    }
  }
  if (kind == 'imagelink') {
    const imageUrl = link(option['xdm:deliveryURL']);
    // The image's accessible name: the option's name, when the answer carries one.
    return imageUrl ? { kind: 'creative', item: creativeOf({ id, imageUrl, href: link(content), alt: option['xdm:name'] }) } : undefined;
  }
  if (typeof content != 'string' || !content.trim()) return undefined;
  // Text is shown as text, never parsed as HTML.
  if (kind == 'text') return { kind: 'creative', item: creativeOf({ id, text: content }) };
  return kind ? { kind: 'html', html: content } : undefined;
}

/**
The content of a proposition's options. A placement has one content type, so the first usable
option's kind decides and options of another kind are left out. JSON is data for the page: one
value, or a list when the call asked for several items.
*/
function contentOf(options: Record<string, unknown>[], many: boolean): { content: Content | null; shown: Record<string, unknown> | undefined } {
  const parts = options.flatMap((option) => {
    const part = partOf(option);
    return part ? [{ option, part }] : [];
  });
  const kind = parts[0]?.part.kind;
  const same = parts.map(({ part }) => part).filter((part) => part.kind == kind);
  const shown = parts[0]?.option;
  const content: Content | null =
    kind == 'html' ? { kind, html: same.map((p) => (p.kind == 'html' ? p.html : '')).join('') }
    : kind == 'creative' ? { kind, items: same.flatMap((p) => (p.kind == 'creative' ? [p.item] : [])) }
    : kind == 'json' ? { kind, data: many ? same.map((p) => (p.kind == 'json' ? p.data : null)) : (same[0] as { data: unknown }).data }
    : null;
  return { content, shown };
}

/**
The decision for each call, matched by placement and activity ids only: answers come in any order
and may leave a placement out (nothing qualified), and a proposition that matches no call is never
given to a slot, which then keeps its default content.
*/
export function offerDecisions(json: unknown, calls: readonly OfferCall[]): Decision[] {
  const propositions = isObject(json) && Array.isArray(json['xdm:propositions']) ? json['xdm:propositions'].filter(isObject) : undefined;
  if (!propositions) throw new SlotwiseError('rejected', 'The decisioning API answered without xdm:propositions');
  const matches = (p: Record<string, unknown>, call: OfferCall) =>
    canonical(idOf(p['xdm:placement'])) == canonical(call.placementId) && canonical(idOf(p['xdm:activity'])) == canonical(call.activityId);
  return calls.map((call) => {
    const proposition = propositions.find((p) => matches(p, call));
    const options = Array.isArray(proposition?.['xdm:options']) ? proposition['xdm:options'].filter(isObject) : [];
    const fallback = isObject(proposition?.['xdm:fallback']) ? proposition['xdm:fallback'] : undefined;
    // Options when there are any (never empty when present), else the activity's fallback.
    const { content, shown } = contentOf(options.length ? options : fallback ? [fallback] : [], (call.itemCount ?? 1) > 1);
    const decision: Decision = { slot: offerSlot(call), source: 'offer', content };
    const activity = idOf(proposition?.['xdm:activity']);
    if (typeof activity == 'string') decision.campaign = activity;
    if (typeof shown?.['xdm:id'] == 'string') decision.creative = shown['xdm:id'];
    if (typeof shown?.['xdm:score'] == 'number') decision.score = shown['xdm:score'];
    if (!options.length && fallback) decision.fallback = true;
    return decision;
  });
}
