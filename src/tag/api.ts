// The tag's public face: what createTag returns and what its listeners hear (exported from
// src/index.ts as they are here).
import type { SlotwiseError } from '../types/errors';
import type { BrowserIdResult, EventResult, Failure, Result } from '../shared/result';
import type { Ext, Person, Product, ViewData } from '../events/messages';
import type { Decision } from '../types/decision';
import type { Consent } from '../types/options';
import type { FlowCall, OfferCall, PageContext } from '../types/wire';

export interface TagEvents {
  /** An event was refused by the API, ran out of attempts or was dropped; or an id could not be made. */
  error: {
    error: SlotwiseError;
    eventId?: string;
    /** When the event was given up on (out of attempts, or the queue was full): how many this browser has given up on so far. */
    dropped?: number;
  };
  /** The API confirmed an event. */
  delivered: { eventId: string; type: string };
}

export interface Tag {
  /** A page view (VIEW), with `utm_*` from the URL and, on the first view of a page load, the referrer. */
  view(data?: ViewData): Promise<EventResult>;
  /** A product added to the cart (ADD). */
  add(product: Product, ext?: Ext): Promise<EventResult>;
  /** Closes the visitor's session now (FORCE_CLOSE), so an abandoned cart shows at once. For QA, not production. */
  forceClose(): Promise<EventResult>;
  /** Tells who the visitor is (IDENTITY). */
  identity(person: Person): Promise<EventResult>;
  /** Any other event type. */
  event(type: string, data?: Record<string, unknown>, ext?: Ext): Promise<EventResult>;
  /** Sets consent; `'granted'` sends what waited, `'denied'` drops it. Calling twice changes nothing. */
  consent(state: Consent): Promise<Result>;
  /** The visitor's browser id, created if there is none yet. */
  browserId(): Promise<BrowserIdResult>;
  /** Sends what is queued now, skipping any backoff wait; resolves when this page's events are settled. */
  flush(): Promise<Result>;
  /** Runs a Sitecore flow (`name*` runs the first live match) and resolves to its answer as is, and as slot content. */
  flow(
    friendlyId: string,
    options?: Omit<FlowCall, 'friendlyId'>,
  ): Promise<{ ok: true; data: unknown; decision: Decision } | Failure>;
  /** Asks the placements API (one call per page type) for these placements. */
  placements(names: string[], context?: PageContext): Promise<{ ok: true; decisions: Decision[] } | Failure>;
  /** Asks Adobe Offer Decisioning for these propositions, in one call. */
  offers(calls: OfferCall[]): Promise<{ ok: true; decisions: Decision[] } | Failure>;
  /**
  A new SPA view at `url` (default: the current location), once the view is in the page: decides
  the slots not decided for it, each keeping what it shows until its decision replaces it. Once per
  URL: for the page just decided it does nothing, unless `{ again: true }` (say, after `identity()`).
  */
  page(url?: string, options?: { again?: boolean }): Promise<Result>;
  /**
  Decides the slots in `root` (default: the document; `root` itself may be a slot) that are not
  decided yet; with `{ again: true }`, all of them anew (one slot: `render(slotElement, { again: true })`).
  */
  render(root?: ParentNode, options?: { again?: boolean }): Promise<Result>;
  /** Listens to `error` or `delivered`; returns a function that stops listening. */
  on<K extends keyof TagEvents>(type: K, listener: (detail: TagEvents[K]) => void): () => void;
  /** Stops the tag: removes its listeners; queued events stay for the next page load. */
  destroy(): void;
}
