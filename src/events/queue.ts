// The persisted event queue. Each event is its own localStorage entry, keyed so that keys sort
// in the order events were made: adding or removing one is a single write, so two tabs never
// overwrite each other's events (a shared array would lose them to read-modify-write races).
// Where storage is missing or full, entries live in memory for this page.
import type { Message } from '../wire/sitecore';

export interface QueuedEvent {
  readonly key: string;
  readonly message: Message;
  attempts: number;
  /** Not to be sent before this time (ms): the backoff after a failed attempt. */
  notBefore?: number;
  /** A tab is sending it until this time (ms), so no other tab sends it side by side. */
  leasedUntil?: number;
}

/** How an event left the queue other than delivered; other tabs read it from the storage event. */
export type Finish = 'rejected' | 'dropped';

export interface Queue {
  add(message: Message): QueuedEvent;
  /** Every queued event, oldest first (this tab's and other tabs'). */
  list(): QueuedEvent[];
  head(): QueuedEvent | undefined;
  /** Stores a changed attempt count or backoff, unless the event was removed meanwhile. */
  save(event: QueuedEvent): void;
  /** Marks the event as being sent by this tab until `until`. */
  lease(event: QueuedEvent, until: number): void;
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

/** The most events kept; past it the oldest are dropped, so storage can't fill up forever. */
export const MAX_QUEUED = 2000;

let lastStamp = 0;

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

export function createQueue(
  prefix: string,
  storage: Storage | undefined,
  onOverflow: (event: QueuedEvent) => void,
): Queue {
  const itemPrefix = prefix + 'q:';
  // A lease is a small entry of its own: rewriting the event (up to 60 KB) on every send would
  // cost a large write and make every other tab re-read the queue.
  const leaseKey = (key: string) => `${prefix}lease:${eventIdOf(key)}`;
  const pauseKey = prefix + 'pause';
  const memory = new Map<string, string>();
  let order: string[] | undefined;

  const read = (key: string): string | null => memory.get(key) ?? storage?.getItem(key) ?? null;
  const write = (key: string, value: string): void => {
    try {
      if (!storage) throw 0;
      storage.setItem(key, value);
    } catch {
      memory.set(key, value);
    }
  };
  const forget = (key: string): void => {
    memory.delete(key);
    storage?.removeItem(key);
  };
  const keys = (): string[] => {
    if (!order) {
      const found = new Set(memory.keys());
      for (let i = 0; storage && i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(itemPrefix)) found.add(key);
      }
      order = [...found].sort();
    }
    return order;
  };
  const load = (key: string): QueuedEvent | undefined => {
    const entry = read(key);
    try {
      const { m, a, n } = JSON.parse(entry!) as { m?: Message; a: number; n?: number };
      // No message: another tab is just finishing it.
      return m && { key, message: m, attempts: a, notBefore: n ?? 0, leasedUntil: Number(read(leaseKey(key))) || 0 };
    } catch {
      if (entry != null) queue.remove(key); // unreadable: it can never be sent
      return undefined;
    }
  };


  const queue: Queue = {
    add(message) {
      // A per-page clock that never repeats or goes back, so keys sort in creation order.
      lastStamp = Math.max(Date.now(), lastStamp + 1);
      const key = `${itemPrefix}${lastStamp.toString(36).padStart(9, '0')}:${String(message.ext.eventId)}`;
      const event = { key, message, attempts: 0 };
      const known = keys(); // before writing, or the scan would already list the new key
      write(key, JSON.stringify({ m: message, a: 0 }));
      known.push(key);
      known.sort();
      while (known.length > MAX_QUEUED) {
        const oldest = load(known[0]!);
        queue.finish(known[0]!, 'dropped');
        if (oldest) onOverflow(oldest);
      }
      return event;
    },
    list: () => keys().map(load).filter((event): event is QueuedEvent => !!event),
    head() {
      for (const key of keys()) {
        const event = load(key);
        if (event) return event;
      }
      return undefined;
    },
    save({ key, message, attempts, notBefore }) {
      forget(leaseKey(key));
      if (read(key) != null) write(key, JSON.stringify({ m: message, a: attempts, n: notBefore }));
    },
    lease(event, until) {
      event.leasedUntil = until;
      write(leaseKey(event.key), String(until));
    },
    remove(key) {
      forget(key);
      forget(leaseKey(key));
      const at = order?.indexOf(key) ?? -1;
      if (at >= 0) order!.splice(at, 1);
    },
    finish(key, how) {
      if (storage?.getItem(key)) write(key, JSON.stringify({ f: how }));
      queue.remove(key);
    },
    invalidate() {
      order = undefined;
    },
    pausedUntil: () => Number(read(pauseKey)) || 0,
    pause: (until) => write(pauseKey, String(until)),
  };
  return queue;
}
