// Types of the sandbox server, shared by its JSDoc (`@typedef {import('./types.js').X}`)
// and by TypeScript callers (tests, the Playwright fixture) through sandbox.d.mts.

/** URL prefix → absolute directory. The longest matching prefix wins. */
export type StaticMounts = Record<string, string>;

export interface SandboxOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Directory of the durable event log (`events.ndjson`). Created if missing. */
  dataDir: string;
  /** e.g. `{ '/dist/': '/abs/dist', '/': '/abs/demo/site' }` */
  static?: StaticMounts;
  /** Inactivity after which an open session counts as closed. @default 1_200_000 (20 min) */
  sessionTimeoutMs?: number;
  /** Delay added to every vendor API request (not static, not /sandbox). @default 0 */
  latencyMs?: number;
  /** true: one line per request on stdout; a function receives the line instead. @default false */
  log?: boolean | ((line: string) => void);
  /** The campaign catalog the decision APIs answer from; re-read when it changes. @default demo/catalog.json */
  catalog?: string;
  /**
   * The authentication header value offline orders must carry (in `Authorization` or `x-api-key`);
   * without it, any value is accepted. @default undefined
   */
  orderAuth?: string;
  /**
   * Keep one event per `ext.eventId` and answer a repeat with the first ref. No vendor documents
   * this, so it is off: by default every request is stored, as the real event API does, and a
   * repeat is marked (`duplicateOf`) and counted on the guest's timeline. @default false
   */
  dedupeEvents?: boolean;
  /**
   * Keep one Optimizely offline order per `order.refCode` and answer a repeat without storing it,
   * for an endpoint known to dedupe. Optimizely documents no such thing, so it is off: by default
   * every order is stored, and a repeat is marked (`duplicateOf`). @default false
   */
  dedupeOrders?: boolean;
  /**
   * Accept an event body sent as `text/plain` (what `navigator.sendBeacon` sends with a string).
   * Sitecore documents JSON only and its SDKs send `application/json`, so by default anything
   * else is refused with 415. @default false
   */
  textPlainEvents?: boolean;
  /**
   * Origins, besides the sandbox's own, whose pages may use the `/sandbox/` control routes (the
   * demo storefront's, for its preview drawer), exactly as a browser sends them in `Origin`:
   * `http://127.0.0.1:8787`. Any other origin gets no CORS grant there, and its requests are
   * refused (403). The vendor routes answer every origin regardless. More can be added once
   * known with `sandbox.controlOrigins.add(…)`. @default []
   */
  controlOrigins?: string[];
  /** More routes, after the vendor APIs and before static files: a site's own pages (the demo shop). */
  routes?: import('./http.mjs').Route[];
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT` (no trailing slash: Sitecore SDKs concatenate paths to it). */
  url: string;
  port: number;
  /** Stops listening and ends open keep-alive sockets. */
  close(): Promise<void>;
  store: Store;
  /** The `controlOrigins` in force; add one (a storefront that listens after the sandbox) and it counts at once. */
  controlOrigins: Set<string>;
}

export interface CartItem {
  item_id: string;
  name: string | null;
  quantity: number;
  price: number;
  currency: string | null;
}

export interface Identity {
  email: string | null;
  firstname: string | null;
  lastname: string | null;
  identifiers: Array<{ id: string; provider: string; expiry_date?: string }>;
}

export interface TimelineEvent {
  /** Store-wide arrival counter: increasing, gaps between guests. */
  seq: number;
  /** The ref the API answered with. */
  ref: string;
  /** ISO time the sandbox accepted it. */
  receivedAt: string;
  /** `ext.eventId`, or null (Engage sends none). */
  eventId: string | null;
  /** The ref of the first stored event with the same `ext.eventId`: this one arrived twice. */
  duplicateOf: string | null;
  type: string;
  /** id of the session the event belongs to. */
  sessionId: number;
  /** The message exactly as received. */
  message: Record<string, unknown>;
}

export interface Session {
  /** 1, 2, … per guest. */
  id: number;
  status: 'OPEN' | 'CLOSED';
  startedAt: string;
  lastEventAt: string;
  closedAt: string | null;
  closedBy: 'FORCE_CLOSE' | 'TIMEOUT' | null;
  /** A CONFIRM, CHECKOUT or PAYMENT event was seen in this session. */
  purchased: boolean;
  cart: CartItem[];
  /** null while open; on close, the cart's value if it was not purchased (else 0). */
  abandonedValue: number | null;
}

export interface Timeline {
  browserId: string;
  guestRef: string;
  clientKey: string;
  createdAt: string;
  identity: Identity | null;
  /** Events stored again under an `ext.eventId` already seen: what a real API would count twice. */
  duplicates: number;
  events: TimelineEvent[];
  sessions: Session[];
  /** The open session's cart, or []. */
  cart: CartItem[];
  /** Sum over closed sessions. */
  abandonedValue: number;
  /** Algonomy impressions and clicks recorded through `/rrserver/track` and `/rrserver/click`. */
  impressions: ImpressionCount[];
  /** Optimizely offline orders attached to this guest, in the order received, repeats included. */
  offlineOrders: OfflineOrderEntry[];
}

/** An Optimizely offline order as the sandbox stored it (`POST /tracker/smart-api/orders/offline`). */
export interface OfflineOrderEntry {
  /** The sandbox's own id of this stored order. */
  id: string;
  /** `order.refCode`. */
  refCode: string;
  /** The id of the first order stored with the same refCode: this sale would be counted twice. */
  duplicateOf: string | null;
  /** ISO time the sandbox accepted it. */
  receivedAt: string;
  /** The guest `user.id` or `user.email` named when it arrived; null: no known guest (unattached). */
  browserId: string | null;
  /** The JSON body exactly as received: `{ lang?, user?, order }`. */
  body: OfflineOrderBody;
}

/** The documented offline order body, as far as the sandbox checks it; other fields are kept as sent. */
export interface OfflineOrderBody {
  lang?: string;
  user?: { id?: string; email?: string; info?: Record<string, unknown> };
  order: {
    refCode: string;
    items: Array<
      { refCode: string; qty: number; price: number; attributes?: Record<string, unknown> } & Record<string, unknown>
    >;
  } & Record<string, unknown>;
  [field: string]: unknown;
}

export interface ImpressionCount {
  placement: string;
  campaign: string;
  /** Impressions recorded. */
  count: number;
  clicks: number;
}

/** How a decision API names a guest; every form answers the guest's browser id. */
export type GuestQuery =
  | { browserId: string }
  | { guestRef: string }
  /** IDENTITY email, or an identifier with provider "email". Case-insensitive. */
  | { email: string }
  /** An IDENTITY identifier; any provider when `provider` is absent. */
  | { identifier: { id: string; provider?: string } };

export interface GuestSummary {
  browserId: string;
  guestRef: string;
  clientKey: string;
  createdAt: string;
  events: number;
  /** Of `events`, how many repeat an `ext.eventId` already stored. */
  duplicates: number;
  sessions: number;
}

export interface RecordResult {
  ref: string;
  /** true when `ext.eventId` was already stored for this client key (stored again unless deduping). */
  duplicate: boolean;
}

export interface Store {
  /** Creates a guest with a new browser ref (what create.json does). */
  createGuest(clientKey: string): { browserId: string; guestRef: string };
  /** Looks a guest up without settling sessions. */
  hasGuest(browserId: string): boolean;
  guestRef(browserId: string): string | null;
  /** Stores a validated event (durably, then in memory). */
  recordEvent(clientKey: string, message: Record<string, unknown>): RecordResult;
  /** The guest's timeline, with timed-out sessions closed as of now; null if unknown. */
  timeline(browserId: string): Timeline | null;
  guests(): GuestSummary[];
  /** The matching guest's browser id (the most recently active one if several match), or null. */
  findGuest(query: GuestQuery): string | null;
  /**
   * Stores a validated offline order (durably), attached to `browserId` or to nobody (null); a
   * repeated refCode is stored and marked, or with `dedupe` not stored (`stored: false`, `id` of the first).
   */
  recordOrder(
    body: OfflineOrderBody,
    browserId: string | null,
    dedupe?: boolean,
  ): { id: string; duplicateOf: string | null; stored: boolean };
  /** Every offline order, oldest first. */
  orders(): OfflineOrderEntry[];
  /** Counts an Algonomy impression or click for a known guest (durably). false: unknown guest. */
  recordTracking(browserId: string, kind: 'impression' | 'click', placement: string, campaign: string): boolean;
  /** Forgets everything and truncates the log. */
  reset(): void;
  /** Absolute path of the NDJSON log. */
  logPath: string;
}

export interface FaultSpec {
  /** Path prefix, e.g. '/v1.2/events'. */
  path: string;
  /** Only this method (any when absent). */
  method?: string;
  status?: number;
  /** Sent as the Retry-After header. */
  retryAfter?: string | number;
  delayMs?: number;
  /** Matching requests affected before the fault is used up; -1 = until cleared. @default 1 */
  count?: number;
  /** 'malformed' sends `{"ref":`; any other string is sent as is. */
  body?: string;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /**
   * The API stores the request first and only then answers with the fault (its status, body,
   * reset or delay): a gateway timing out, or a connection lost, after the event was stored.
   */
  stored?: boolean;
}

export interface Fault extends FaultSpec {
  id: string;
  count: number;
  /** Requests it will still affect (-1: until cleared, 0: used up). */
  remaining: number;
}

export interface RequestEntry {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** null while in flight; 0 when the socket closed without an answer (reset fault, client abort). */
  status: number | null;
  bodyBytes: number;
  /** id of the fault applied to this request, if any. */
  fault?: string;
  /** What the sandbox noticed about the request, e.g. credentials a browser tag must never send. */
  notes?: string[];
  /** A marketer's preview (`slotwise_preview` in the query): answered, but not real traffic. */
  preview?: true;
}

export interface ErrorBody {
  status: 'error';
  field?: string;
  message: string;
}

// ── The campaign catalog (demo/catalog.json) ────────────────────────────────────────────────

export type Audience = 'new' | 'returning' | 'has-cart' | 'abandoned-cart' | 'identified';

/** All given conditions must hold; an audience list matches if the guest is in any of them. */
export interface Rule {
  audience?: Audience | Audience[];
  /** Case-insensitive. From the request (callFlows `params.utm.campaign`) or the guest's latest VIEW. */
  utmCampaign?: string;
  /** Case-insensitive. Algonomy: the placements' page type; callFlows: `params.pageType`; else the latest VIEW's `page`. */
  pageType?: string;
}

export interface Catalog {
  flows?: Flow[];
  placements?: Placement[];
  offers?: OfferActivity[];
  /** The keys the Algonomy API accepts (one each, or lists). @default the documentation's example keys */
  algonomy?: { apiKey: string | string[]; apiClientKey: string | string[] };
}

/**
 * Ids a preview names (`slotwise_preview=home_hero=hero-cart`) are slugs: unique where they are
 * listed, no whitespace, `;`, `=` or `,` (placement campaign and creative ids: no `/` either).
 */
export interface Flow {
  friendlyId: string;
  /** What marketers call it. */
  name?: string;
  /** @default true */
  live?: boolean;
  /** The first variant whose rule matches answers; its `response` is returned with `{{placeholders}}` filled. */
  variants: FlowVariant[];
}

export interface FlowVariant {
  /** Stable: preview links name it, so edits that move a variant keep old links right. */
  id: string;
  /** What marketers read, e.g. "Abandoned bag reminder". Never sent. */
  name: string;
  when?: Rule;
  response: unknown;
}

export interface Placement {
  /** `pageType.name`, e.g. `home_page.promo_1`. */
  placement: string;
  /** Among matching campaigns the highest score wins, then the first listed. */
  campaigns: Campaign[];
}

export interface Campaign {
  /** Stable: preview links name it (`home_page.promo_1=spring-sale-2025`). Never sent. */
  id: string;
  /** The human name, which the API sends (`campaign` on each creative, `c` in tracking URLs). */
  campaign: string;
  when?: Rule;
  /** @default 0 */
  score?: number;
  /** The placement's HTML; generated from the creatives when absent. */
  html?: string;
  /** Drop creatives whose `productId` the guest viewed (rcs) or is viewing; no creative left → campaign skipped. */
  excludeViewed?: boolean;
  creatives: RrCreative[];
}

export interface RrCreative {
  /** Names the creative in tracking URLs and preview links; required when its campaign has several. */
  id?: string;
  DESTINATION_URL?: string;
  MEDIA_URL?: string;
  ALT_TEXT?: string;
  SIZE?: string;
  START_TIME?: string;
  END_TIME?: string;
  productId?: string;
  /** Overrides the campaign's score in `includeScore` answers; not sent otherwise. */
  score?: number;
  [attribute: string]: unknown;
}

export interface OfferActivity {
  activityId: string;
  placementId: string;
  name?: string;
  placementName?: string;
  /** `repo:etag` of the activity and placement. @default 1 */
  etag?: number;
  /** Matching options, highest score first (then the order listed). */
  options: OfferOption[];
  /** Answered when no option matches; without one, the placement is left out of the answer. */
  fallback?: OfferContent;
}

export interface OfferContent {
  id: string;
  name?: string;
  /** @default 1 */
  etag?: number;
  type: 'html' | 'json' | 'imagelink' | 'text';
  /** HTML, JSON (any value, or JSON text; sent as JSON text), the image's link target, or text. */
  content: unknown;
  deliveryURL?: string;
  /** `dc:format`, e.g. image/svg+xml. */
  format?: string;
}

export interface OfferOption extends OfferContent {
  when?: Rule;
  score?: number;
}

/** Why the catalog file was refused (`GET /sandbox/catalog`): the last good one answers meanwhile. */
export interface CatalogError {
  /** `not valid JSON: …`, or the JSON path and the rule: `flows[1].variants[0].when.audiance: unknown condition …`. */
  message: string;
  /** 1-based, of the syntax error or of the value refused. */
  line: number;
  column: number;
}

/** Something in a valid catalog that can never show, or that marketers cannot tell apart. */
export interface CatalogWarning {
  /** JSON path, e.g. `flows[0].variants[3].id`. */
  path: string;
  line: number;
  column: number;
  /** friendlyId, placement name or activityId. */
  slot: string;
  /** The variant, campaign or option (null: the whole flow). */
  id: string | null;
  message: string;
}

/** What `GET /sandbox/preview?value=` reads in a preview value. */
export interface PreviewReport {
  value: string;
  audiences: string[];
  utm: string | null;
  /** Each forced choice; `slot` and `id` in full when found (an Adobe id written by its last segment). */
  force: Array<{
    slot: string;
    id: string;
    found: boolean;
    label?: string;
    kind: 'flow' | 'placement' | 'offer' | null;
  }>;
  /** Human sentences: parts not understood, and forced choices that name nothing (any more). */
  problems: string[];
}

/** How one slot of one decision request was decided (`GET /sandbox/decisions/:browserId`). */
export interface DecisionTrace {
  /** The sandbox's time of the decision (ISO). */
  at: string;
  api: 'flows' | 'placements' | 'offers';
  /** friendlyId as requested (`home_hero*`), placement name, or activityId. */
  slot: string;
  /** flows: the flow that answered (a fuzzy request runs one of several), else null. */
  flow?: string | null;
  /** The `slotwise_preview` value, or null. */
  preview: string | null;
  /** The visitor as decided for. */
  as: { audiences: string[]; utm: string | null; pageType: string | null };
  forced: { id: string; found: boolean } | null;
  chosen: { id: string; name: string; rule: string; score?: number } | null;
  skipped: Array<{ id: string; name: string; reason: string }>;
  /** This slot's part of the API's answer. */
  answer: unknown;
  /** How long the sandbox took to answer the request. */
  ms: number;
}
