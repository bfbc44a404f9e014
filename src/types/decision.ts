// The decision model: what every vendor's answer becomes, so the renderer and SPA code never see
// a vendor format; and what the renderer knows of each slot.

/** An image-and-link creative, built as DOM from these fields, never parsed as HTML. */
export interface Creative {
  id?: string;
  imageUrl?: string;
  href?: string;
  alt?: string;
  text?: string;
  size?: string;
}

/** What goes into a slot. `T`: the shape of `json` data, as the caller knows it (it is not checked). */
export type Content<T = unknown> =
  { kind: 'html'; html: string } | { kind: 'creative'; items: Creative[] } | { kind: 'json'; data: T };

export type Source = 'flow' | 'placement' | 'offer';

/**
A decision API's answer for one slot, in one model whatever the vendor. `T`: the shape of `json`
content, as the caller knows it (it is not checked).
*/
export interface Decision<T = unknown> {
  /** The slot's id: the flow's friendlyId, the placement name, or `placementId|activityId`. */
  slot: string;
  source: Source;
  /** null: nothing to show; the slot keeps its default content or collapses. */
  content: Content<T> | null;
  campaign?: string;
  /** The campaign's human name, when the answer carries one apart from its id (an Adobe activity's `xdm:name`). */
  campaignName?: string;
  /** The creative or option shown, for impressions. */
  creative?: string;
  /** The creative's human name, when the answer carries one apart from its id (an Adobe option's `xdm:name`). */
  creativeName?: string;
  score?: number;
  /** A URL to ping when the content is rendered (RichRelevance). */
  trackingUrl?: string;
  /** The vendor's fallback, not a personalized choice (Adobe). */
  fallback?: boolean;
}

/** What the renderer knows about a slot. */
export interface SlotReport {
  source: Source;
  id: string;
  /** Milliseconds from asking to showing. */
  ms?: number;
  decision?: Decision;
}

/** A slot's `data-slotwise-state` once it is shown. */
export type SlotState = 'decided' | 'default' | 'collapsed' | 'timeout' | 'error';
