// Requests and calls as data: what the codecs build and read, and what the core sends.

/** An HTTP request as data, sent by `http.ts`. */
export interface WireRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** `'error'`: a redirect is a failure, not an answer (the API itself never redirects). */
  redirect?: 'error';
}

/** A Sitecore event message: base fields, the event's own fields and `ext`. */
export type Message = { type: string; ext: Record<string, unknown> } & Record<string, unknown>;

/** What to run: a flow by friendlyId (`name*` runs the first live match), for whom, with what. */
export interface FlowCall {
  friendlyId: string;
  /** Nested as given; `params.utm` is filled from the page URL unless you set it. */
  params?: Record<string, unknown>;
  /** Run for a known person instead of this browser (one of the two, never both). */
  email?: string;
  identifiers?: { provider: string; id: string };
}

export interface PlacementsConfig {
  target: string;
  apiKey: string;
  apiClientKey: string;
}

/**
Page context, sent as is: `productId`, `categoryId`, `atcid`, `cv` (cents), `pref`, `excludeHtml`, …
Lists become pipe-joined. `userId` and `sessionId` here take the place of the visitor's for this call.
*/
export type PageContext = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

export interface Visitor {
  sessionId: string;
  userId: string;
  /** The rcs token exactly as last served, if any. */
  rcs?: string | undefined;
}

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
