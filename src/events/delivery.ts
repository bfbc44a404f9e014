// Delivers the queue: oldest first, one request at a time (so a FORCE_CLOSE never overtakes the
// ADD before it), by whichever tab holds the queue's lock. Failures are retried with backoff, a
// Retry-After pauses every tab, and events the API refuses or that run out of attempts are
// reported, never retried forever. When the page is hidden or left, what is queued goes out at
// once with fetch(keepalive) or sendBeacon; anything unconfirmed stays queued for the next load.
import type { Settings } from '../options';
import type { BrowserIds } from '../identity/browser-id';
import { request, type HttpAnswer } from '../http';
import { withLock } from '../lock';
import { eventRequest } from '../wire/sitecore';
import type { Queue, QueuedEvent } from './queue';
import { backoffMs, isRetryable, retryAfterMs } from './retry';

/** Browsers allow 64 KB of keepalive bodies in flight per page; leave room for others. */
const KEEPALIVE_BUDGET = 60_000;

export type Outcome =
  | { delivered: true }
  | { delivered: false; final: boolean; answer: HttpAnswer };

export interface Delivery {
  /** Make sure someone drains the queue (call after adding). */
  kick(): void;
  /** Stop waiting out a backoff (not a Retry-After): for `flush()` and coming back online. */
  wakeUp(): void;
  /** The page is being hidden or left: send everything now, once. */
  sendAllNow(): void;
  /** The page is visible again (tab switched back, or restored from the back/forward cache). */
  back(): void;
}

export function createDelivery(
  settings: Settings,
  queue: Queue,
  ids: BrowserIds,
  lockName: string,
  canSend: () => boolean,
  report: (event: QueuedEvent, outcome: Outcome) => void,
): Delivery {
  const inFlight = new Map<string, Promise<number | undefined>>();
  let keepaliveBytes = 0;
  let running = false;
  let again = false;
  let wake: (() => void) | undefined;
  // While the page is hidden or being left, a fetch that ends without an answer was most likely
  // cut off by the unload (keepalive requests go on without the page): not a failed attempt.
  let leaving = false;
  const sentOnLeave = new Set<string>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout((wake = () => (clearTimeout(timer), (wake = undefined), resolve())), ms);
    });

  /** Sends one event (or joins its request in flight); resolves to a delay when it should be retried. */
  function send(event: QueuedEvent, browserId: string, unloading = false): Promise<number | undefined> {
    const pending = inFlight.get(event.key);
    if (pending) return pending;
    const wire = eventRequest(settings.target, { ...event.message, browser_id: browserId }, settings.transport);
    const bytes = wire.body ? new Blob([wire.body]).size : 0;
    const keepalive = keepaliveBytes + bytes <= KEEPALIVE_BUDGET;
    if (!keepalive && unloading && wire.body) {
      // Over the keepalive budget: a beacon still leaves with the page, unconfirmed.
      navigator.sendBeacon(wire.url, new Blob([wire.body], { type: 'text/plain' }));
      return Promise.resolve(undefined);
    }
    if (keepalive) keepaliveBytes += bytes;
    const sent = request(wire, settings.requestTimeoutMs, keepalive)
      .then((answer) => settle(event, answer))
      .finally(() => {
        if (keepalive) keepaliveBytes -= bytes;
        inFlight.delete(event.key);
      });
    inFlight.set(event.key, sent);
    return sent;
  }

  function settle(event: QueuedEvent, answer: HttpAnswer): number | undefined {
    if (!answer.status && leaving) return backoffMs(event.attempts + 1);
    if (answer.status >= 200 && answer.status < 300) {
      queue.remove(event.key);
      report(event, { delivered: true });
      return undefined;
    }
    const retryable = !answer.status || isRetryable(answer.status);
    if (!retryable || ++event.attempts >= settings.maxAttempts) {
      queue.remove(event.key);
      report(event, { delivered: false, final: true, answer });
      return undefined;
    }
    queue.save(event);
    report(event, { delivered: false, final: false, answer });
    const retryAfter = retryAfterMs(answer.retryAfter);
    if (retryAfter) queue.pause(Date.now() + retryAfter);
    return retryAfter ?? backoffMs(event.attempts);
  }

  async function drain(): Promise<void> {
    let idFailures = 0;
    while (canSend()) {
      again = false;
      const event = queue.head();
      if (!event) return;
      const paused = queue.pausedUntil() - Date.now();
      const browserId = paused > 0 ? undefined : await ids.ensure();
      if (paused > 0) await sleep(paused);
      else if (!browserId) await sleep(backoffMs(++idFailures));
      else {
        idFailures = 0;
        const retryIn = await send(event, browserId);
        if (retryIn) await sleep(retryIn);
      }
    }
  }

  const delivery: Delivery = {
    kick() {
      again = true;
      if (running || !canSend()) return;
      running = true;
      void withLock(lockName, drain)
        .catch(() => undefined)
        .finally(() => {
          running = false;
          // Something was added while the last pass was finishing: go again.
          if (again && queue.head()) delivery.kick();
        });
    },
    wakeUp: () => wake?.(),
    sendAllNow() {
      leaving = true;
      const browserId = canSend() && queue.pausedUntil() <= Date.now() && ids.current();
      for (const event of browserId ? queue.list() : [])
        if (!sentOnLeave.has(event.key)) {
          sentOnLeave.add(event.key);
          void send(event, browserId as string, true);
        }
    },
    back() {
      leaving = false;
      sentOnLeave.clear();
      delivery.kick();
    },
  };
  return delivery;
}
