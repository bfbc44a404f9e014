// Adobe Offer Decisioning API (its Decisioning API, POST /decisions). Pure. The real API wants a
// bearer token, an API key and an IMS org, which must never ship to browsers: the tag calls a
// first-party proxy path that adds them and passes the request on as it is.
import { SlotwiseError } from '../types/errors';
import { isObject, isText } from '../shared/is';
import { offerSlot } from '../shared/markup';
import { creativeOf, guarded, shown } from './model';
import type { Content, Decision } from '../types/decision';
import type { WireRequest } from '../types/wire';
import type { OfferCall, OfferIdentity } from '../types/wire';

const xdm = (kind: 'request' | 'response') =>
  `application/vnd.adobe.xdm+json; schema="https://ns.adobe.com/experience/offer-management/decision-${kind};version=1.0"`;

export const offersRequest = /*#__PURE__*/ guarded(
  'invalid',
  'offers()',
  (target: string, calls: readonly OfferCall[], identity: OfferIdentity, decisionRequestId: string): WireRequest => {
    if (!Array.isArray(calls))
      throw new SlotwiseError(
        'invalid',
        'offers(calls): calls must be an array of { placementId, activityId, itemCount }',
      );
    // The parameter's type is spelled out: Array.isArray narrows `calls` to any[].
    const propositionRequests = calls.map(({ placementId, activityId, itemCount = 1 }: OfferCall) => {
      if (!isText(placementId) || !isText(activityId))
        throw new SlotwiseError('invalid', 'An offer needs a placementId and an activityId');
      if (!Number.isInteger(itemCount) || itemCount < 1 || itemCount > 30)
        throw new SlotwiseError(
          'invalid',
          `xdm:itemCount must be a whole number from 1 to 30 (got ${shown(itemCount)})`,
        );
      return { 'xdm:placementId': placementId, 'xdm:activityId': activityId, 'xdm:itemCount': itemCount };
    });
    return {
      method: 'POST',
      url: `${target}/decisions`,
      headers: { 'content-type': xdm('request'), accept: xdm('response') },
      body: JSON.stringify({
        'xdm:propositionRequests': propositionRequests,
        'xdm:profiles': [
          {
            'xdm:identityMap': { [identity.namespace]: [{ 'xdm:id': identity.id }] },
            'xdm:decisionRequestId': decisionRequestId,
          },
        ],
        // One page should not show the same offer twice.
        'xdm:allowDuplicatePropositions': { 'xdm:acrossActivities': false, 'xdm:acrossPlacements': false },
        'xdm:responseFormat': {
          'xdm:includeContent': true,
          'xdm:includeMetadata': { 'xdm:activity': ['name'], 'xdm:option': ['name'], 'xdm:placement': ['name'] },
        },
      }),
    };
  },
);

/**
An id in the form the answer uses. The Adobe Offer Decisioning API answers a request for
`xcore:offer-activity:X` with `xcore:activity:X` (and `dps:offer-placement:X` with
`dps:placement:X`): the same entity, without `offer-`. The repository prefix is kept, and ids in
any other form are compared as they are.
*/
const canonical = (id: unknown) =>
  typeof id === 'string' ? id.replace(/^(\w+):offer-(activity|placement):/, '$1:$2:') : undefined;
const idOf = (part: unknown) => (isObject(part) ? part['xdm:id'] : undefined);

/** The component types a page can show, under offer management's namespace or the older decisioning one. */
const kindOf = (type: unknown) =>
  typeof type === 'string'
    ? /^https:\/\/ns\.adobe\.com\/experience\/(offer-management|decisioning)\/content-component-(html|json|imagelink|text)(?:(?<=html)-template)?$/.exec(
        type,
      )?.[2]
    : undefined;
/** A link or image an offer may carry: absolute http(s), or a path on the site. */
const link = (value: unknown) =>
  typeof value === 'string' && /^(https?:\/\/[^/]|\/(?![/\\]))/i.test(value) ? value : undefined;

/** What one option shows, or nothing when its type is unknown or its content unusable. */
function partOf(option: Record<string, unknown>): Content | undefined {
  const kind = kindOf(option['@type']);
  const content = option['xdm:content'];
  const creative = (fields: Record<string, unknown>): Content => ({
    kind: 'creative',
    items: [creativeOf({ id: option['xdm:id'], ...fields })],
  });
  if (kind === 'json' && content !== undefined)
    try {
      // Real tenants send the offer's JSON as a string; parsed here, so the page gets data.
      return { kind, data: typeof content === 'string' ? (JSON.parse(content) as unknown) : content };
    } catch {
      return undefined;
    }
  // The image's accessible name: the option's name, when the answer carries one.
  if (kind === 'imagelink')
    return link(option['xdm:deliveryURL'])
      ? creative({ imageUrl: option['xdm:deliveryURL'], href: link(content), alt: option['xdm:name'] })
      : undefined;
  if (!isText(content)) return undefined;
  // Text is shown as text, never parsed as HTML.
  return kind === 'text' ? creative({ text: content }) : kind === 'html' ? { kind, html: content } : undefined;
}

type Of<K extends Content['kind']> = Extract<Content, { kind: K }>;

/**
The content of a proposition's options, and the option that speaks for it. A placement has one
content type, so the first usable option's kind decides and options of another kind are left out.
JSON is data for the page: one value, or a list when the call asked for several items (`asList`).
*/
function contentOf(
  options: Record<string, unknown>[],
  { asList }: { asList: boolean },
): [Content | null, Record<string, unknown> | undefined] {
  const parts = options.map(partOf);
  const first = parts.findIndex(Boolean);
  const lead = parts[first];
  const all = <K extends Content['kind']>(kind: K) => parts.filter((part): part is Of<K> => part?.kind === kind);
  return [
    lead?.kind === 'html'
      ? {
          kind: 'html',
          html: all('html')
            .map((p) => p.html)
            .join(''),
        }
      : lead?.kind === 'creative'
        ? { kind: 'creative', items: all('creative').flatMap((p) => p.items) }
        : lead?.kind === 'json'
          ? { kind: 'json', data: asList ? all('json').map((p) => p.data) : lead.data }
          : null,
    options[first],
  ];
}

/**
The decision for each call, matched by placement and activity ids only: answers come in any order
and may leave a placement out (nothing qualified), and a proposition that matches no call is never
given to a slot, which then keeps its default content.
*/
export const offerDecisions = /*#__PURE__*/ guarded(
  'rejected',
  "The decisioning API's answer",
  (json: unknown, calls: readonly OfferCall[]): Decision[] => {
    const propositions =
      isObject(json) && Array.isArray(json['xdm:propositions']) ? json['xdm:propositions'].filter(isObject) : undefined;
    if (!propositions) throw new SlotwiseError('rejected', 'The decisioning API answered without xdm:propositions');
    const matches = (p: Record<string, unknown>, call: OfferCall) =>
      canonical(idOf(p['xdm:placement'])) === canonical(call.placementId) &&
      canonical(idOf(p['xdm:activity'])) === canonical(call.activityId);
    return calls.map((call) => {
      const proposition = propositions.find((p) => matches(p, call));
      const options = Array.isArray(proposition?.['xdm:options']) ? proposition['xdm:options'].filter(isObject) : [];
      const fallback = isObject(proposition?.['xdm:fallback']) ? proposition['xdm:fallback'] : undefined;
      // Options when there are any (never empty when present), else the activity's fallback.
      const offered = options.length ? options : fallback ? [fallback] : [];
      const [content, chosen] = contentOf(offered, { asList: (call.itemCount ?? 1) > 1 });
      const decision: Decision = { slot: offerSlot(call), source: 'offer', content };
      const activity = idOf(proposition?.['xdm:activity']);
      const activityName = isObject(proposition?.['xdm:activity'])
        ? proposition['xdm:activity']['xdm:name']
        : undefined;
      if (typeof activity === 'string') decision.campaign = activity;
      // Names come with the answer when the request asks for them (includeMetadata): for people, beside the ids.
      if (isText(activityName)) decision.campaignName = activityName;
      if (typeof chosen?.['xdm:id'] === 'string') decision.creative = chosen['xdm:id'];
      if (isText(chosen?.['xdm:name'])) decision.creativeName = chosen['xdm:name'];
      if (typeof chosen?.['xdm:score'] === 'number') decision.score = chosen['xdm:score'];
      if (!options.length && fallback) decision.fallback = true;
      return decision;
    });
  },
);
