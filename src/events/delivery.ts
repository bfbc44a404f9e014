// Delivers the queue: each tab its own events and those that tabs now gone left (tabs.ts), oldest
// first, one request at a time, while it holds the queue's lock; a FORCE_CLOSE waits until no
// older event of any tab is queued, so it never overtakes the ADD before it. Failures are retried
// with backoff, a Retry-After pauses every tab, and events the API refuses or that run out of
// attempts are reported, never retried forever. The lock is only held while sending, never while
// waiting, so a waiting tab blocks nobody. When the page is hidden or left, what is ready goes out
// at once with fetch(keepalive); what does not fit the browser's keepalive budget waits for the
// next page (sendBeacon would send it as text/plain, which the event API does not document taking).
//
// Exactly once, against an API that stores every request it gets: an event counts as delivered
// only when the API acknowledges it, and it is sent again only when no earlier request for it
// can have been stored. A request whose answer nobody will read (its page was left, or the tab
// that sent it went away), that timed out, or that a gateway failed (502, 504) may have been
// stored, so the event is then not sent again: the rare loss (the network failing just then)
// costs a site less than a doubled ADD. Events that a repeat cannot change (IDENTITY,
// FORCE_CLOSE) are still sent again after a timeout or a gateway's failure.
import type { BrowserIds } from '../identity/browser-id';
import { request, type HttpAnswer } from '../shared/http';
import { withLock } from '../shared/lock';
import { eventAcknowledged, eventRequest } from '../codecs/sitecore';
import type { Queue, QueuedEvent } from './queue';
import type { Tabs } from './tabs';
import { isRetryable } from '../shared/http-status';
import { backoffMs, retryAfterMs } from '../shared/retry';
import type { Settings } from '../types/options';

/** Browsers allow 64 KB of keepalive bodies in flight per page; leave room for others. */
const KEEPALIVE_BUDGET = 60_000;
/** While offline or unloading, wait this long unless `online` or `pageshow` wakes us first. */
const IDLE_MS = 60_000;
/** How long a failed request waits to be settled, in case it failed because the page is being left. */
const UNLOAD_GRACE_MS = 100;
/** Closes the visitor's session: it must never reach the API before the events made before it. */
const CLOSES_SESSION = 'FORCE_CLOSE';
/** Events that a second copy changes nothing for, so an unknown outcome is worth a resend. */
const REPEATABLE = new Set(['IDENTITY', CLOSES_SESSION]);
/** How often a session close looks again for older events of other tabs (their removal wakes it sooner). */
const ORDER_POLL_MS = 5000;
/** Gateways' answers that an API behind them may have stored the event before (524: a CDN's origin timeout). */
const MAY_BE_STORED = [502, 504, 524];

/**
How an event ended: delivered; given up on with the API's last answer; or `unconfirmed`: it timed
out or a gateway failed it, so it may be stored, and is not sent again.
*/
export type Outcome = { delivered: true } | { delivered: false; answer: HttpAnswer; unconfirmed?: boolean };

export interface Delivery {
  /** Make sure someone drains the queue (call after adding). */
  kick(): void;
  /** Try now, skipping a backoff wait (not a Retry-After): for `flush()` and `online`. */
  wakeUp(): void;
  /** The page is shown again from the back/forward cache: its requests still in flight answer it after all. */
  resume(): void;
  /**
  The page is hidden (`final` false: it may come back) or left (pagehide, `final` true): send what
  is ready now, side by side, but impressions (see below).
  */
  leave(final: boolean): void;
}

export interface DeliveryOptions {
  settings: Settings;
  queue: Queue;
  tabs: Tabs;
  ids: BrowserIds;
  /** The Web Lock under which one tab at a time drains the queue. */
  lockName: string;
  /** Whether events may be sent now (consent, not destroyed). */
  canSend: () => boolean;
  /** Told how each event ended: delivered, or given up on and why. */
  report: (event: QueuedEvent, outcome: Outcome) => void;
}

export function createDelivery({ settings, queue, tabs, ids, lockName, canSend, report }: DeliveryOptions): Delivery {
  const inFlight = new Map<string, Promise<void>>();
  let keepaliveBytes = 0;
  let running = false;
  let again = false;
  let urgent = false;
  let leaving = false;
  /** Read anew after each await: leave() may set it while a drain waits. */
  const hasLeft = () => leaving;
  let idFailures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Settles when the page is left, so that a drain lets go of the lock at once (see leave). */
  let onLeft = () => {};
  const untilLeft = () => new Promise<void>((resolve) => (onLeft = resolve));
  let left = untilLeft();
  /** Withdraws a lock request still waiting when the page is left (see leave). */
  let waiting = new AbortController();

  const later = (ms: number) => {
    clearTimeout(timer);
    // Whole ms: a wait of a fraction would find the clock unmoved, and wait again.
    timer = setTimeout(() => {
      delivery.kick();
    }, Math.ceil(ms));
  };

  /** Sends one event, or joins its request already in flight; `withPage`: from leave(), so it must outlive the page. */
  function send(event: QueuedEvent, browserId: string, withPage = false): Promise<void> {
    const pending = inFlight.get(event.key);
    if (pending) return pending;
    const wire = eventRequest(settings.target, { ...event.message, browser_id: browserId }, settings.transport);
    const bytes = wire.body ? new Blob([wire.body]).size : 0;
    const keepalive = keepaliveBytes + bytes <= KEEPALIVE_BUDGET;
    // Over the keepalive budget, a request would not outlive the page: it waits for the next one.
    if (!keepalive && withPage) return Promise.resolve();
    if (keepalive) keepaliveBytes += bytes;
    // Other tabs see that this event is on its way and leave it alone.
    queue.lease(event.key);
    const sent = request(wire, { timeoutMs: settings.requestTimeoutMs, keepalive })
      // Chromium fails a keepalive fetch (or the reading of its answer) as its page begins to
      // unload, before pagehide, yet carries the request on: so what could be the unload's doing
      // is settled a moment later, once a pagehide would have been seen.
      .then((answer) =>
        cutOffByUnload(answer)
          ? new Promise<HttpAnswer>((resolve) => setTimeout(resolve, UNLOAD_GRACE_MS, answer))
          : answer,
      )
      .then((answer) => {
        settle(event, answer);
      })
      .finally(() => {
        if (keepalive) keepaliveBytes -= bytes;
        inFlight.delete(event.key);
      });
    inFlight.set(event.key, sent);
    return sent;
  }

  /** No answer, or one whose body could not be read: what an unload does to a request in flight. */
  const cutOffByUnload = ({ status, timedOut, unreadable }: HttpAnswer) => !timedOut && (!status || !!unreadable);

  function settle(event: QueuedEvent, answer: HttpAnswer): void {
    if (eventAcknowledged(answer.status, answer.json)) {
      queue.remove(event.key);
      report(event, { delivered: true });
      return;
    }
    const { status, timedOut } = answer;
    // The page was left: the failure was the unload's, not the request's (see send), so the event stays handed off.
    if (leaving && cutOffByUnload(answer)) return;
    urgent = false;
    // No answer in time, an answer cut off, or a gateway's that its API behind may have stored it
    // anyway: sent again, it could be stored twice.
    if ((timedOut || answer.unreadable || MAY_BE_STORED.includes(status)) && !REPEATABLE.has(event.message.type)) {
      queue.finish(event.key, 'unconfirmed');
      report(event, { delivered: false, answer, unconfirmed: true });
      return;
    }
    // A 2xx that is not the API's acknowledgement comes from a proxy or a catch-all page: the
    // event did not reach the API, so it is tried again like a server error.
    const retryable = !status || status < 300 || isRetryable(status);
    if (!status && !timedOut && !navigator.onLine) {
      // No answer while offline: not the API's fault, so not an attempt. `online`/`pageshow` wake us.
      event.notBefore = Date.now() + IDLE_MS;
    } else if (!retryable || ++event.attempts >= settings.maxAttempts) {
      queue.finish(event.key, retryable ? 'dropped' : 'rejected');
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
      // The oldest event this tab may send: its own, or one a tab that is gone left (tabs.ts).
      await Promise.race([tabs.refresh(), left]);
      if (hasLeft()) return;
      let look = Infinity;
      const ours = (event: QueuedEvent) => {
        const wait = tabs.wait(event.tab);
        look = Math.min(look, wait);
        return !wait;
      };
      const event = queue.head(ours);
      if (!event) {
        if (look < Infinity) later(look);
        return;
      }
      // A session close waits until no older event of any tab is queued: it must not close the cart's session first.
      if (event.message.type === CLOSES_SESSION && queue.head()?.key !== event.key) {
        later(ORDER_POLL_MS);
        return;
      }
      const now = Date.now();
      if (!inFlight.has(event.key)) {
        // Left with its page, or its sender went away mid-request (the lease ran out unsettled):
        // the request may be stored, so it is not sent again.
        if (event.handedOff || (event.leasedUntil && event.leasedUntil <= now)) {
          queue.finish(event.key, 'unconfirmed');
          continue;
        }
        // Another tab is sending it: its answer settles it, and the storage event wakes us.
        if (event.leasedUntil) {
          later(event.leasedUntil - now);
          return;
        }
      }
      const wait = Math.max(queue.pausedUntil(), urgent ? 0 : (event.notBefore ?? 0)) - now;
      if (wait > 0) {
        later(wait);
        return;
      }
      const browserId = await ids.ensure();
      // The page may have been left while the id was made: leave() decided what goes then.
      if (hasLeft()) return;
      if (!browserId) {
        later(backoffMs(++idFailures));
        return;
      }
      // Meanwhile another tab may have started sending it: look again.
      const fresh = queue.head(ours);
      if (fresh?.key !== event.key || ((fresh.leasedUntil || fresh.handedOff) && !inFlight.has(event.key))) continue;
      idFailures = 0;
      await Promise.race([send(event, browserId), left]);
    }
  }

  const delivery: Delivery = {
    kick() {
      again = true;
      // While the page is being left there is nothing to drain: pageshow resumes.
      if (running || !canSend() || leaving) return;
      running = true;
      void withLock(lockName, drain, waiting.signal)
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
      left = untilLeft();
      waiting = new AbortController();
      // Requests still in flight will answer this page after all.
      for (const key of inFlight.keys()) queue.lease(key);
      delivery.wakeUp();
    },
    leave(final) {
      if (leaving) return;
      leaving = final;
      // A page in the back/forward cache that holds the queue's lock is evicted when the next page
      // asks for it: the drain stops waiting for its request and lets go now.
      // A request for it still waiting would be granted to the page after it is gone or frozen,
      // and hold the queue from every other tab: it is withdrawn.
      if (final) {
        onLeft();
        waiting.abort();
      }
      const now = Date.now();
      // Offline or paused by a Retry-After, nothing would arrive: everything waits for the next load.
      const browserId = canSend() && navigator.onLine && queue.pausedUntil() <= now && ids.current();
      let before = false;
      // Side by side, so all of them leave with the page; each joins its request if one is in flight.
      for (const event of browserId ? queue.list() : []) {
        // A session close waits for the next page load while anything made before it (in any tab)
        // is queued: side by side, it could reach the API first and close the session before the cart.
        if (event.message.type === CLOSES_SESSION && before) break;
        before = true;
        // Other tabs' events are theirs to send, those of tabs that are gone the next page's, and
        // this page's own, just back from the back/forward cache, wait until it sees storage anew.
        if (event.tab !== tabs.id || tabs.wait(event.tab)) continue;
        // Impressions stay queued for the next page (a page of slots makes dozens): sent now, they
        // would take every connection to the API just when the next page asks for its decisions.
        // An event another tab is sending right now is that tab's to confirm; one that the API
        // failed lately (waiting out a backoff) waits for the next page rather than go unconfirmed.
        const elsewhere = !inFlight.has(event.key) && (event.handedOff || event.leasedUntil);
        if (event.message.type === 'SLOT_IMPRESSION' || elsewhere || (event.notBefore ?? 0) > now) continue;
        void send(event, browserId as string, true);
      }
      // What is still on its way leaves with the page: the browser carries keepalive requests on,
      // but no one will read their answers, so the next page load must not send these events
      // again (a request the unload cancels may have reached the API too). Offline, they cannot
      // arrive: the next page load sends them.
      if (final)
        for (const key of inFlight.keys()) {
          if (navigator.onLine) queue.handOff(key);
          else queue.release(key);
        }
    },
  };
  return delivery;
}
