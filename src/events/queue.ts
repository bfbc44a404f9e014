// The persisted event queue. Each event is its own localStorage entry, keyed by a sequence number
// so that keys sort in the order events were made, whatever the clock does between page loads:
// adding or removing one is a single write, so two tabs never overwrite each other's events (a
// shared array would lose them to read-modify-write races). Where storage is missing or full,
// entries live in memory for this page (the Store's fallback). Times read back from storage
// (backoffs, pauses, leases) were written by a clock that may have been set back since: one
// further off than it could have set is no wait at all.
import { isObject } from '../shared/is';
import type { Store } from '../shared/store';
import { MAX_RETRY_AFTER_MS } from '../shared/retry';
import type { Message } from '../types/wire';

export interface QueuedEvent {
  readonly key: string;
  readonly message: Message;
  /** The id of the tab that made it (see tabs.ts); none from older versions of the tag. */
  readonly tab?: string | undefined;
  attempts: number;
  /** Not to be sent before this time (ms): the backoff after a failed attempt. */
  notBefore?: number;
  /** A tab is sending it until this time (ms), so no other tab sends it side by side. */
  leasedUntil?: number;
  /**
  It was on its way when the page that sent it was left: the browser carries the request on, but
  its answer reached nobody. It may well be stored, so it is never sent again.
  */
  handedOff?: boolean;
}

/** How an event left the queue other than delivered; other tabs read it from the storage event. */
export type Finish = 'rejected' | 'dropped' | 'unconfirmed';

export interface Queue {
  add(message: Message, tab?: string): QueuedEvent;
  /** Every queued event, oldest first (this tab's and other tabs'). */
  list(): QueuedEvent[];
  /** The oldest event, or the oldest that `accept` takes. */
  head(accept?: (event: QueuedEvent) => boolean): QueuedEvent | undefined;
  /** Stores a changed attempt count or backoff, unless the event was removed meanwhile. */
  save(event: QueuedEvent): void;
  /** Marks the event as being sent by this tab, for as long as a request may take (if it is still queued). */
  lease(key: string): void;
  /** Marks the event as left with the page, its answer unseen (see `handedOff`). */
  handOff(key: string): void;
  /** Nobody is sending it any more: the next sender may. */
  release(key: string): void;
  /** Removes a delivered event. */
  remove(key: string): void;
  /** Removes an event given up on, leaving the reason in the storage event other tabs see. */
  finish(key: string, how: Finish): void;
  /** Forget the cached order after another tab changed storage. */
  invalidate(): void;
  /** Until when nobody may send (a `Retry-After` that all tabs and page loads honour). */
  pausedUntil(): number;
  pause(until: number): void;
}

/** A queue entry as stored: the message, its tab, attempts, not-before, or how another tab finished it. */
type StoredEntry = { m?: Message; t?: unknown; a?: unknown; n?: unknown; f?: Finish };

/** The most events kept; past it the oldest are dropped, so storage can't fill up forever. */
export const MAX_QUEUED = 2000;

/** A lease marks an event handed off with its page, not one being sent until a time. */
const HANDED_OFF = 'gone';

/** The event id a queue key ends with. */
export const eventIdOf = (key: string): string => key.slice(key.lastIndexOf(':') + 1);

/** What a queue entry that another tab removed says about how it ended (undefined: delivered). */
export const finishOf = (entry: string | null): Finish | undefined => {
  try {
    return (JSON.parse(entry ?? '') as { f?: Finish }).f;
  } catch {
    return undefined;
  }
};

export interface QueueOptions {
  store: Store;
  /** Told of each event dropped because the queue is full. */
  onOverflow: (event: QueuedEvent) => void;
  /**
  How long a send may take, so how long other tabs leave an event alone; a lease that ends
  without the event settled belongs to a page that went away mid-request.
  */
  leaseMs?: number;
  /** Told of each entry removed because it could not be read. */
  onUnreadable?: (key: string) => void;
}

/** Queue entries are stored under `q:<sequence>:<eventId>`. */
export const QUEUE_ENTRY = 'q:';

export function createQueue({ store, onOverflow, leaseMs = 15_000, onUnreadable = () => {} }: QueueOptions): Queue {
  const seqKey = 'seq';
  let lastSeq = 0;
  // A lease is a small entry of its own: rewriting the event (up to 60 KB) on every send would
  // cost a large write and make every other tab re-read the queue.
  const leaseKey = (key: string) => `lease:${eventIdOf(key)}`;
  const pauseKey = 'pause';
  let order: string[] | undefined;

  const keys = (): string[] => (order ??= store.names(QUEUE_ENTRY).sort());
  /** A time `max` ms ahead at most; later ones come from a clock set back since, and count as now. */
  const sane = (time: number, max: number): number => (time - Date.now() > max ? 0 : time);
  /** The sequence number a key sorts by (old versions of the tag used the time: still in order). */
  const seqOf = (key: string | undefined): number => (key ? parseInt(key.slice(QUEUE_ENTRY.length), 36) || 0 : 0);
  const load = (key: string): QueuedEvent | undefined => {
    const entry = store.get(key);
    if (entry == null) return undefined;
    let stored: StoredEntry | null = null;
    try {
      stored = JSON.parse(entry) as StoredEntry | null;
    } catch {
      // unreadable: below
    }
    const { m, t, a, n, f } = Object(stored) as StoredEntry;
    // Only an end: another tab is just finishing it.
    if (f) return undefined;
    // Written by an older version, another script or a failing disk: it can never be sent, and
    // must not hold up the events after it.
    if (!(isObject(m) && typeof m.type === 'string' && isObject(m.ext) && typeof m.ext.eventId === 'string')) {
      queue.remove(key);
      onUnreadable(key);
      return undefined;
    }
    const lease = store.get(leaseKey(key));
    // Not a number (a bad disk): no attempts yet, no wait, rather than a retry loop without backoff.
    const count = (value: unknown) => (Number.isFinite(value) && (value as number) > 0 ? (value as number) : 0);
    return {
      key,
      message: m,
      attempts: count(a),
      ...(typeof t === 'string' ? { tab: t } : {}),
      notBefore: sane(count(n), MAX_RETRY_AFTER_MS),
      // A lease further off than any we grant was written before the clock was set back: it has run out.
      leasedUntil: lease === HANDED_OFF ? 0 : sane(Number(lease) || 0, leaseMs) || (lease ? 1 : 0),
      handedOff: lease === HANDED_OFF,
    };
  };

  const queue: Queue = {
    add(message, tab) {
      const known = keys(); // before writing, or the scan would already list the new key
      // One past the last number any tab or page load used (kept beside the queue, and in the keys).
      // A stored number that is not a whole one (a bad disk, another script) is not trusted.
      const stored = Number(store.get(seqKey));
      lastSeq = Math.max(lastSeq, Number.isSafeInteger(stored) ? stored : 0, seqOf(known.at(-1))) + 1;
      store.set(seqKey, String(lastSeq));
      const key = `${QUEUE_ENTRY}${lastSeq.toString(36).padStart(9, '0')}:${String(message.ext.eventId)}`;
      const event = { key, message, tab, attempts: 0 };
      store.set(key, JSON.stringify({ m: message, t: tab, a: 0 }));
      known.push(key);
      known.sort();
      // The oldest go; finish() takes each out of `known` too.
      for (const key of known.slice(0, Math.max(0, known.length - MAX_QUEUED))) {
        const oldest = load(key);
        queue.finish(key, 'dropped');
        if (oldest) onOverflow(oldest);
      }
      return event;
    },
    // Over a copy of the order: load() removes an unreadable entry from it.
    list: () => [...keys()].map(load).filter((event): event is QueuedEvent => !!event),
    head(accept = () => true) {
      for (const key of [...keys()]) {
        const event = load(key);
        if (event && accept(event)) return event;
      }
      return undefined;
    },
    save({ key, message, tab, attempts, notBefore }) {
      store.remove(leaseKey(key));
      if (store.get(key) != null) store.set(key, JSON.stringify({ m: message, t: tab, a: attempts, n: notBefore }));
    },
    lease(key) {
      if (store.get(key) != null) store.set(leaseKey(key), String(Date.now() + leaseMs));
    },
    handOff(key) {
      if (store.get(key) == null) return;
      // A mark that cannot outlive the page (no storage, or full): forgetting the event is what
      // it would have told the next page load to do.
      if (!store.set(leaseKey(key), HANDED_OFF)) queue.remove(key);
    },
    release: (key) => {
      store.remove(leaseKey(key));
    },
    remove(key) {
      store.remove(key);
      store.remove(leaseKey(key));
      const at = order?.indexOf(key) ?? -1;
      if (at >= 0) order?.splice(at, 1);
    },
    finish(key, how) {
      if (store.get(key)) store.set(key, JSON.stringify({ f: how }));
      queue.remove(key);
    },
    invalidate() {
      order = undefined;
    },
    pausedUntil: () => sane(Number(store.get(pauseKey)) || 0, MAX_RETRY_AFTER_MS),
    pause: (until) => store.set(pauseKey, String(until)),
  };
  return queue;
}
