// The parts that load on demand, as the core sees them: the slot engine, the preview overlay,
// the codec of each decision API, the sanitizer and the frame renderer. The core holds only these
// types; the code arrives through the loaders (an import() in npm builds, a file of its own in
// the script tag).
import type { SlotwiseError } from './errors';
import type { Decision, SlotReport, SlotState } from './decision';
import type { Settings } from './options';
import type { FlowCall, OfferCall, OfferIdentity, PageContext, PlacementsConfig, Visitor, WireRequest } from './wire';

export interface Decisions {
  flow(call: FlowCall, url: string): Promise<Decision & { data: unknown }>;
  placements(names: readonly string[], context: PageContext): Promise<Decision[]>;
  offers(calls: readonly OfferCall[]): Promise<Decision[]>;
}

export interface Renderer {
  /**
  The page's first pass: its slots have been hidden since navigation began, so their time to be
  revealed counts from then.
  */
  start(): Promise<void>;
  /** Decides the slots in `root` that are not decided for this page yet (`again`: all of them, anew). */
  render(root?: ParentNode, again?: boolean): Promise<void>;
  /**
  A new page (SPA route) at `url` (the current location by default): every slot not decided for it
  is decided, keeping what it shows until its decision replaces it. Once per URL: the page already
  shown, told again, changes nothing unless `again` (say, after identity()), which decides all its
  slots anew.
  */
  page(options?: { url?: string | undefined; again?: boolean }): Promise<void>;
  /** What the renderer knows about each slot, for impressions and the debug overlay. */
  reports: WeakMap<Element, SlotReport>;
  /** Stops observing; slots still waiting are shown with their defaults. */
  stop(): void;
}

/** A batch of changes to the page's elements (slots/watcher.ts): what a MutationObserver reports. */
export type PageChanges = (records: MutationRecord[]) => void;

/**
What the slot engine borrows from the core: the one anti-flicker rule, the one way to show or hide
a slot and the one reveal budget (slots/visibility.ts owns them), the one observer of the page's
slots (slots/watcher.ts), the one Trusted Types policy, the loaders of the other parts, and the
visitor's identity, consent and event tracking. In the script tag the engine
is a file of its own, and a second copy of any of these would not work: a second `slotwise`
policy is refused, and a second rule or loader would not know what the first has done.
*/
export interface CoreServices {
  /** Sends an event of `type` with these `ext` fields, through the queue like any other. */
  event(type: string, ext: Record<string, unknown>): void;
  /** Tells the page's `error` listeners of a problem that did not fail a call. */
  error(error: SlotwiseError): void;
  /** Hides every slot not decided yet (the snippet's rule, or one added now). */
  cloak(nonce: string): void;
  /** After a first pass: slots added later are hidden again, even after the snippet gave up waiting. */
  recloak(): void;
  /** Whether every slot was shown because the tag could not start in time. */
  isLifted(): boolean;
  /** Shows a slot, with the state it ends in. */
  reveal(el: HTMLElement, state: SlotState): void;
  /** Hides a slot again, for a new decision. */
  hide(el: HTMLElement): void;
  /** Shows every slot not decided yet, with what it has, in `state`. */
  showUndecided(state: SlotState): void;
  /**
  Milliseconds left before slots hidden now must show: `revealAfterMs`, counted on the `first`
  pass from navigation start (when the reader began waiting), otherwise from now.
  */
  revealBudget(revealAfterMs: number, first: boolean): number;
  /** Reports the page's changes to `changes` until the returned function is called: the one observer of the page. */
  watch(changes: PageChanges): () => void;
  trustedHTML(html: string): string;
  trustedTypesPolicy(): Policy | undefined;
  loadSanitizer(nonce?: string): Promise<Sanitize>;
  loadFramer(nonce?: string): Promise<Framer>;
  loadFlowsCodec(nonce?: string): Promise<FlowsCodec>;
  loadPlacementsCodec(nonce?: string): Promise<PlacementsCodec>;
  loadOffersCodec(nonce?: string): Promise<OffersCodec>;
  /** The browser id, created if need be; undefined when it could not be. */
  browserId(): Promise<string | undefined>;
  /** The Algonomy `rcs` token, kept exactly as served. */
  rcs: { get(): string | undefined; set(value: unknown): boolean };
  sessionId(): string;
  /** Whether decisions may be asked for now (consent, not destroyed). */
  allowed(): boolean;
  /** The marketer's preview in force, if any. */
  preview(): string | undefined;
}

export interface Engine {
  decisions: Decisions;
  renderer: Renderer;
  /** Every slot on the page with what the renderer knows of it, for the preview bar. */
  reports(): [HTMLElement, SlotReport | undefined][];
}

export type CreateEngine = (settings: Settings, core: CoreServices) => Engine;

/**
Loads one on-demand part, once. Both builds' loaders have this shape: the script tag's
(loaders/script-element.ts) gives the nonce to the script element it adds; npm builds' import()
needs none.
*/
export type Loader<T> = (nonce?: string) => Promise<T>;

export interface PreviewControl {
  /** The `slotwise_preview` value in force. */
  value: string;
  /** Leaves the preview: forgets it and reloads the page without it. */
  end(): void;
}

export type ShowOverlay = (
  slots: () => [HTMLElement, SlotReport | undefined][],
  nonce: string,
  preview?: PreviewControl | false,
) => () => void;

export type Policy = { createHTML(html: string): string; createScriptURL(url: string): string };

/** DOMPurify, parsing through our Trusted Types policy so it needs no policy of its own. */
export type Sanitize = (html: string, policy?: Policy) => string;

/** Renders HTML into a sandboxed frame that sizes itself to its content. */
export type Framer = (html: string, trustedHTML: (html: string) => string) => HTMLIFrameElement;

/**
The script tag's on-demand parts by name: `dist/slotwise-<name>.min.js` (src/script-tag/parts/)
puts what it carries at `window.slotwiseParts[<name>]`, where the script loader reads it.
*/
export interface Parts {
  slots: CreateEngine;
  sanitize: Sanitize;
  frame: Framer;
  debug: ShowOverlay;
  flows: FlowsCodec;
  placements: PlacementsCodec;
  offers: OffersCodec;
}

/** The one global the parts share. */
export type PartsGlobal = { slotwiseParts?: Partial<Parts> };

/** Sitecore Personalize flow execution. */
export interface FlowsCodec {
  flowRequest(settings: Settings, call: FlowCall, browserId: string, url: string): WireRequest;
  flowDecision(slot: string, json: unknown): Decision;
}

/** The Algonomy Personalize API: one request per page type. */
export interface PlacementsCodec {
  placementRequests(
    config: PlacementsConfig,
    names: readonly string[],
    context: PageContext,
    visitor: Visitor,
  ): { wire: WireRequest; placements: string[] }[];
  /** `refused`: tracking URLs that were not kept, to be reported. */
  placementsAnswer(
    json: unknown,
    requested: readonly string[],
    api: string,
  ): { rcs?: string; decisions: Decision[]; refused: SlotwiseError[] };
}

/** Adobe Offer Decisioning. */
export interface OffersCodec {
  offersRequest(
    target: string,
    calls: readonly OfferCall[],
    identity: OfferIdentity,
    decisionRequestId: string,
  ): WireRequest;
  offerDecisions(json: unknown, calls: readonly OfferCall[]): Decision[];
}
