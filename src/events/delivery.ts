// Delivers the queue: oldest first, one request at a time (so a FORCE_CLOSE never overtakes the
// ADD before it), by whichever tab holds the queue's lock. Failures are retried with backoff, a
// Retry-After pauses every tab, and events the API refuses or that run out of attempts are
// reported, never retried forever. The lock is only held while sending, never while waiting, so
// a waiting tab blocks nobody. When the page is hidden or left, what is queued goes out at once
// with fetch(keepalive) or sendBeacon; anything unconfirmed stays queued for the next load.
import type { Settings } from '../options';
import type { BrowserIds } from '../identity/browser-id';
import { request, type HttpAnswer } from '../http';
import { withLock } from '../lock';
import { eventRequest } from '../wire/sitecore';
import type { Queue, QueuedEvent } from './queue';
import { backoffMs, isRetryable, MAX_RETRY_AFTER_MS, retryAfterMs } from './retry';

/** Browsers allow 64 KB of keepalive bodies in flight per page; leave room for others. */
const KEEPALIVE_BUDGET = 60_000;
/** While offline or unloading, wait this long unless `online` or `pageshow` wakes us first. */
const IDLE_MS = 60_000;
/** Closes the visitor's session: it must never reach the API before the events made before it. */
const CLOSES_SESSION = 'FORCE_CLOSE';

/** How an event ended: delivered, or given up on with the API's last answer. */
export type Outcome = { delivered: true } | { delivered: false; answer: HttpAnswer };

export interface Delivery {
  /** Make sure someone drains the queue (call after adding). */
  kick(): void;
  /** Try now, skipping a backoff wait (not a Retry-After): for `flush()` and `online`. */
  wakeUp(): void;
  /** The page is shown again from the back/forward cache: what it sent while leaving is unconfirmed, so it may go again. */
  resume(): void;
  /**
  The page is hidden (`final` false: it may come back) or left (pagehide, `final` true): send what
  is queued now, side by side, but impressions (see below).
  */
  leave(final: boolean): void;
}

export function createDelivery(
  settings: Settings,
  queue: Queue,
  ids: BrowserIds,
  lockName: string,
  canSend: () => boolean,
  report: (event: QueuedEvent, outcome: Outcome) => void,
): Delivery {
  const inFlight = new Map<string, Promise<void>>();
  /** Events handed to sendBeacon: they left with the page, unconfirmed, and are not sent again from it. */
  const beaconed = new Set<string>();
  let keepaliveBytes = 0;
  let running = false;
  let again = false;
  let urgent = false;
  let leaving = false;
  let idFailures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const later = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(delivery.kick, ms);
  };

  /** Sends one event, or joins its request already in flight. */
  function send(event: QueuedEvent, browserId: string): Promise<void> {
    const pending = inFlight.get(event.key);
    if (pending) return pending;
    if (beaconed.has(event.key)) return Promise.resolve();
    const wire = eventRequest(settings.target, { ...event.message, browser_id: browserId }, settings.transport);
    const bytes = wire.body ? new Blob([wire.body]).size : 0;
    const keepalive = keepaliveBytes + bytes <= KEEPALIVE_BUDGET;
    if (!keepalive && leaving && wire.body) {
      // Over the keepalive budget: a beacon still leaves with the page, unconfirmed.
      if (navigator.sendBeacon(wire.url, new Blob([wire.body], { type: 'text/plain' }))) beaconed.add(event.key);
      return Promise.resolve();
    }
    if (keepalive) keepaliveBytes += bytes;
    // Other tabs see that this event is on its way and do not send it too when they are left.
    queue.lease(event, Date.now() + settings.requestTimeoutMs);
    const sent = request(wire, settings.requestTimeoutMs, keepalive)
      .then((answer) => settle(event, answer))
      .finally(() => {
        if (keepalive) keepaliveBytes -= bytes;
        inFlight.delete(event.key);
      });
    inFlight.set(event.key, sent);
    return sent;
  }

  function settle(event: QueuedEvent, answer: HttpAnswer): void {
    const { status } = answer;
    if (status >= 200 && status < 300) {
      queue.remove(event.key);
      report(event, { delivered: true });
      return;
    }
    urgent = false;
    // No answer while offline, or because the unload cut the request off (keepalive requests
    // go on without the page): not the API's fault, so not an attempt. `online`/`pageshow` wake us.
    if (!status && (leaving || !navigator.onLine)) {
      event.notBefore = Date.now() + IDLE_MS;
    } else if (status && !isRetryable(status) || ++event.attempts >= settings.maxAttempts) {
      queue.finish(event.key, status ? 'rejected' : 'dropped');
      report(event, { delivered: false, answer });
      return;
    } else {
      const retryAfter = retryAfterMs(answer.retryAfter);
      if (retryAfter !== undefined) queue.pause(Date.now() + retryAfter);
      event.notBefore = Date.now() + Math.max(retryAfter ?? 0, backoffMs(event.attempts));
    }
    queue.save(event);
  }

  /** Sends until the queue is empty or must wait; then schedules itself and lets go of the lock. */
  async function drain(): Promise<void> {
    // While the page is being left, leave() has sent what can go; the rest waits for the next load.
    while (canSend() && !leaving) {
      again = false;
      const event = queue.head();
      if (!event) return;
      const now = Date.now();
      // A wait longer than any we grant comes from a clock set back since: it is no wait at all.
      const until = (time = 0) => (time - now > MAX_RETRY_AFTER_MS ? 0 : time);
      const wait = Math.max(until(queue.pausedUntil()), urgent ? 0 : until(event.notBefore)) - now;
      if (wait > 0) return later(wait);
      const browserId = await ids.ensure();
      if (!browserId) return later(backoffMs(++idFailures));
      idFailures = 0;
      await send(event, browserId);
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
    wakeUp() {
      urgent = true;
      delivery.kick();
    },
    resume() {
      leaving = false;
      beaconed.clear();
      delivery.wakeUp();
    },
    leave(final) {
      // Once left, requests the unload cut off settle as unanswered: they are not sent again from here.
      if (leaving) return;
      leaving = final;
      const now = Date.now();
      const browserId = canSend() && queue.pausedUntil() <= now && ids.current();
      let before = false;
      // Side by side, so all of them leave with the page; each joins its request if one is in flight.
      for (const event of browserId ? queue.list() : []) {
        // A session close waits for the next page load while anything made before it is unconfirmed:
        // side by side, it could reach the API first and close the session before the cart.
        if (event.message.type == CLOSES_SESSION && before) break;
        before = true;
        // Impressions stay queued for the next page (a page of slots makes dozens): sent now, they
        // would take every connection to the API just when the next page asks for its decisions.
        // An event another tab is sending right now is that tab's to confirm.
        if (event.message.type == 'SLOT_IMPRESSION' || (!inFlight.has(event.key) && (event.leasedUntil ?? 0) > now)) continue;
        // A page that is only hidden may come back: there, an event waiting out its backoff keeps
        // waiting, so tab switches during an outage do not use up its attempts.
        if (!final && (event.notBefore ?? 0) > now) continue;
        void send(event, browserId as string);
      }
    },
  };
  return delivery;
}
