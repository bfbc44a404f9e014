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
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT` (no trailing slash: Sitecore SDKs concatenate paths to it). */
  url: string;
  port: number;
  /** Stops listening and ends open keep-alive sockets. */
  close(): Promise<void>;
  store: Store;
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
  events: TimelineEvent[];
  sessions: Session[];
  /** The open session's cart, or []. */
  cart: CartItem[];
  /** Sum over closed sessions. */
  abandonedValue: number;
}

export interface GuestSummary {
  browserId: string;
  guestRef: string;
  clientKey: string;
  createdAt: string;
  events: number;
  sessions: number;
}

export interface RecordResult {
  ref: string;
  /** true when `ext.eventId` was already stored for this client key (nothing new stored). */
  duplicate: boolean;
}

export interface Store {
  /** Creates a guest with a new browser ref (what create.json does). */
  createGuest(clientKey: string): { browserId: string; guestRef: string };
  /** Looks a guest up without settling sessions. */
  hasGuest(browserId: string): boolean;
  guestRef(browserId: string): string | null;
  /** Stores a validated event (durably, then in memory). */
  recordEvent(clientKey: string, message: Record<string, any>): RecordResult;
  /** The guest's timeline, with timed-out sessions closed as of now; null if unknown. */
  timeline(browserId: string): Timeline | null;
  guests(): GuestSummary[];
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
}

export interface ErrorBody {
  status: 'error';
  field?: string;
  message: string;
}
