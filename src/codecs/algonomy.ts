// RichRelevance / Algonomy Personalize API. Pure. Parameters are
// case-sensitive, lists are pipe-separated, and one call serves one page type (the part of
// the placement name before the dot), so a page with several page types needs several calls.
import { SlotwiseError } from '../types/errors';
import { isHttp, isObject, isText } from '../shared/is';
import { isPlacementName } from '../shared/markup';
import { creativeOf, guarded, shown } from './model';
import type { Creative, Decision } from '../types/decision';
import type { WireRequest } from '../types/wire';
import type { PageContext, PlacementsConfig, Visitor } from '../types/wire';

const OWN = ['apiKey', 'apiClientKey', 'placements', 'sessionId', 'userId', 'rcs', 'includeRcs'];

/** A context value that names someone: a non-empty string or a number. */
const given = (value: PageContext[string]) =>
  isText(value) || (typeof value === 'number' && Number.isFinite(value)) ? String(value) : undefined;

/** One request per page type, in the order the page types first appear, with the placements each asks for. */
export const placementRequests = /*#__PURE__*/ guarded(
  'invalid',
  'placements()',
  (
    config: PlacementsConfig,
    placements: readonly string[],
    context: PageContext,
    visitor: Visitor,
  ): { wire: WireRequest; placements: string[] }[] => {
    if (!Array.isArray(placements) || !isObject(context))
      throw new SlotwiseError('invalid', 'placements(names, context): names must be an array and context an object');
    const byPageType = new Map<string, string[]>();
    for (const name of placements) {
      if (!isPlacementName(name))
        throw new SlotwiseError('invalid', `"${shown(name)}" is not a placement name (pageType.name)`);
      const pageType = name.slice(0, name.indexOf('.'));
      byPageType.set(pageType, [...(byPageType.get(pageType) ?? []), name]);
    }
    return [...byPageType.values()].map((group) => {
      const query = new URLSearchParams({
        apiKey: config.apiKey,
        apiClientKey: config.apiClientKey,
        placements: group.join('|'),
        // The site's own ids, where it gives them: the API wants the user id its other integrations send.
        sessionId: given(context.sessionId) ?? visitor.sessionId,
        userId: given(context.userId) ?? visitor.userId,
        ...(visitor.rcs ? { rcs: visitor.rcs } : {}),
        includeRcs: 'true',
      });
      for (const [name, value] of Object.entries(context))
        if (value !== undefined && value !== '' && !OWN.includes(name))
          query.set(name, Array.isArray(value) ? value.join('|') : String(value));
      return { wire: { method: 'GET', url: `${config.target}/rrserver/api/personalize?${query}` }, placements: group };
    });
  },
);

/** RichRelevance's own hosts, where its documented tracking and click-through URLs point. */
const TRACKING_HOSTS = /(^|\.)(richrelevance|algorecs)\.com$/;

/** Where the answer's tracking URLs may point, and where those that may not are listed. */
interface Tracking {
  /** The placements API as an absolute URL. */
  api: string;
  /** Tracking URLs refused, as errors to report. */
  refused: SlotwiseError[];
}

/**
The tracking URL to ping, when it is one we may: absolute http(s), under the API's own URL or on
RichRelevance's hosts. A relative or foreign URL would have the visitor's browser GET, with its
cookies, whatever the answer names: it is refused and reported. "N/A" or nothing means none.
*/
function trackingUrlOf(value: unknown, { api, refused }: Tracking): string | undefined {
  if (!isText(value) || value === 'N/A') return;
  try {
    const url = new URL(value);
    if (isHttp(url) && (url.href.startsWith(api.replace(/\/?$/, '/')) || TRACKING_HOSTS.test(url.hostname)))
      return url.href;
  } catch {
    // not a URL
  }
  refused.push(
    new SlotwiseError('rejected', `Not pinged: trackingUrl ${shown(value)} is not an http(s) URL on the API's host`),
  );
}

function placementDecision(slot: string, placement: Record<string, unknown> | undefined, tracking: Tracking): Decision {
  const raw = (Array.isArray(placement?.creatives) ? placement.creatives : []).filter(isObject);
  // Each creative with what it shows; campaign, score and tracking all describe the first one shown.
  // A creative with only ALT_TEXT (no image) shows that text.
  const shown = raw
    .map((c) => ({
      raw: c,
      item: creativeOf({
        id: c.id,
        imageUrl: c.MEDIA_URL,
        href: c.DESTINATION_URL,
        alt: c.ALT_TEXT,
        text: c.text || (isText(c.MEDIA_URL) ? '' : c.ALT_TEXT),
        size: c.SIZE,
      }),
    }))
    .filter(({ item }) => item.imageUrl || item.text);
  const html = isText(placement?.html) ? placement.html : '';
  const items: Creative[] = shown.map(({ item }) => item);
  const decision: Decision = {
    slot,
    source: 'placement',
    content: html ? { kind: 'html', html } : items.length ? { kind: 'creative', items } : null,
  };
  const first = shown[0]?.raw ?? raw[0] ?? {};
  if (typeof first.campaign === 'string') decision.campaign = first.campaign;
  // The API's creatives carry no id: the image (or text) they show names them in impressions.
  const creative = items[0]?.id ?? items[0]?.imageUrl ?? items[0]?.text;
  if (creative) decision.creative = creative;
  if (typeof first.score === 'number') decision.score = first.score;
  const trackingUrl = trackingUrlOf(first.trackingUrl, tracking);
  if (trackingUrl) decision.trackingUrl = trackingUrl;
  return decision;
}

/**
The decisions for the requested placements (in request order, a missing one as null content)
and the rcs to keep. `status: "error"` becomes a SlotwiseError carrying the server's
`errormessage` (the field the Personalize API documents for it). `api` is the placements target as
an absolute URL: tracking URLs elsewhere are left out, and listed in `refused`.
*/
export const placementsAnswer = /*#__PURE__*/ guarded(
  'rejected',
  "The placements API's answer",
  (
    json: unknown,
    requested: readonly string[],
    api: string,
  ): { rcs?: string; decisions: Decision[]; refused: SlotwiseError[] } => {
    const listed = isObject(json) ? (json.placements ?? []) : undefined;
    if (!isObject(json) || !Array.isArray(listed))
      throw new SlotwiseError('rejected', 'The placements API did not answer with JSON');
    if (json.status === 'error')
      throw new SlotwiseError(
        'rejected',
        `The placements API says: ${[json.errormessage, json.message].find(isText) ?? 'error'}`,
      );
    const placements = listed.filter(isObject);
    const refused: SlotwiseError[] = [];
    const tracking: Tracking = { api, refused };
    const decisions = requested.map((slot) =>
      placementDecision(
        slot,
        placements.find((p) => p.placement === slot),
        tracking,
      ),
    );
    return typeof json.rcs === 'string' ? { rcs: json.rcs, decisions, refused } : { decisions, refused };
  },
);
