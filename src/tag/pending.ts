// The event calls still waiting for their event's outcome. A call resolves when its event is
// delivered or given up on, or after the delivery timeout: then the event stays queued, and the
// call says so, so that a page never waits on the network for longer than it asked.
import { failure, type EventResult, type Result } from '../shared/result';

export interface Pending {
  /** The result of the call that made event `eventId` of `type`: its outcome, or `timeout` after the delivery timeout. */
  wait(eventId: string, type: string): Promise<EventResult>;
  /** Resolves the call waiting for `eventId`, if any, with `result` and the event's id. */
  settle: (eventId: string, result: Result) => void;
  /** The results of every call waiting now. */
  all(): Promise<EventResult[]>;
  /** Resolves every call still waiting with `result` (the tag is destroyed). */
  settleAll(result: Result): void;
}

/** `timeoutMs`: how long a call waits for its event's outcome. */
export function createPending(timeoutMs: number): Pending {
  const waiting = new Map<string, { done: Promise<EventResult>; resolve: (result: EventResult) => void }>();
  const settle = (eventId: string, result: Result) => {
    waiting.get(eventId)?.resolve({ ...result, eventId });
    waiting.delete(eventId);
  };
  return {
    wait(eventId, type) {
      let resolve!: (result: EventResult) => void;
      const done = new Promise<EventResult>((r) => (resolve = r));
      waiting.set(eventId, { done, resolve });
      setTimeout(() => {
        settle(eventId, failure('timeout', `${type} is not confirmed yet; it stays queued`));
      }, timeoutMs);
      return done;
    },
    settle,
    all: () => Promise.all([...waiting.values()].map((w) => w.done)),
    settleAll(result) {
      for (const eventId of [...waiting.keys()]) settle(eventId, result);
    },
  };
}
