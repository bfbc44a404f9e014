// The persisted event queue. Each event is its own localStorage entry, keyed so that keys sort
// in the order events were made: adding or removing one is a single write, so two tabs never
// overwrite each other's events (a shared array would lose them to read-modify-write races).
// Where storage is missing or full, entries live in memory for this page.
import type { Message } from '../wire/sitecore';

export interface QueuedEvent {
  readonly key: string;
  readonly message: Message;
  attempts: number;
}

export interface Queue {
  add(message: Message): QueuedEvent;
  /** Every queued event, oldest first (this tab's and other tabs'). */
  list(): QueuedEvent[];
  head(): QueuedEvent | undefined;
  has(key: string): boolean;
  /** Stores a changed attempt count, unless the event was removed meanwhile. */
  save(event: QueuedEvent): void;
  remove(key: string): void;
  /** Forget the cached order after another tab changed storage. */
  invalidate(): void;
  /** Until when nobody may send (a `Retry-After` that all tabs and page loads honour). */
  pausedUntil(): number;
  pause(until: number): void;
}

/** The most events kept; past it the oldest are dropped, so storage can't fill up forever. */
export const MAX_QUEUED = 2000;

let sequence = 0;

/** The event id a queue key ends with. */
export const eventIdOf = (key: string): string => key.slice(key.lastIndexOf(':') + 1);

export function createQueue(
  prefix: string,
  storage: Storage | undefined,
  onOverflow: (event: QueuedEvent) => void,
): Queue {
  const itemPrefix = prefix + 'q:';
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
    try {
      const { m, a } = JSON.parse(read(key) ?? '') as { m: Message; a: number };
      return { key, message: m, attempts: a };
    } catch {
      return undefined;
    }
  };

  const queue: Queue = {
    add(message) {
      // Time first so keys sort by creation across tabs; a per-page counter orders one millisecond.
      const key = `${itemPrefix}${Date.now().toString(36).padStart(9, '0')}${(sequence++ % 1296).toString(36).padStart(2, '0')}:${String(message.ext.eventId)}`;
      const event = { key, message, attempts: 0 };
      const known = keys(); // before writing, or the scan would already list the new key
      queue.save(event);
      known.push(key);
      known.sort();
      while (keys().length > MAX_QUEUED) {
        const oldest = load(keys()[0]!);
        queue.remove(keys()[0]!);
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
    has: (key) => read(key) != null,
    save(event) {
      if (event.attempts && !queue.has(event.key)) return;
      write(event.key, JSON.stringify({ m: event.message, a: event.attempts }));
    },
    remove(key) {
      memory.delete(key);
      storage?.removeItem(key);
      order = order?.filter((k) => k != key);
    },
    invalidate() {
      order = undefined;
    },
    pausedUntil: () => Number(read(pauseKey)) || 0,
    pause: (until) => write(pauseKey, String(until)),
  };
  return queue;
}
