// createTag: the composition root. It wires identity, the event queue and delivery to the page,
// and turns every outcome into a result: public calls resolve, they never throw into the page.
import { isObject, isText } from '../shared/is';
import { nanoid } from 'nanoid';
import { SlotwiseError, isSlotwiseError, type FailReason } from '../types/errors';
import { detach, must, safely, shown } from '../shared/args';
import { hasDom, localStore } from '../shared/env';
import { resolveOptions } from '../shared/options';
import { failure, type BrowserIdResult, type EventResult, type Failure, type Result } from '../shared/result';
import { createCookieJar } from '../identity/cookies';
import { createBrowserIds } from '../identity/browser-id';
import { touchSession } from '../identity/session';
import { createQueue, eventIdOf, finishOf, type QueuedEvent } from '../events/queue';
import { createDelivery, type Outcome } from '../events/delivery';
import { createTabs } from '../events/tabs';
import { isRetryable, isSuccess } from '../shared/http-status';
import { request } from '../shared/http';
import {
  addMessage, customMessage, forceCloseMessage, identityMessage, viewMessage,
  type CallContext, type Ext, type Person, type Product, type ViewData,
} from '../events/messages';
import { createRcsStore } from '../identity/rcs';
import { previewValue } from '../shared/preview';
import { slotServices } from '../slots/services';
import { createSlotDriver } from '../slots/driver';
import { SLOT_SELECTOR } from '../shared/markup';
import { loadOverlay } from '../loaders/dynamic-import';
import type { Decision } from '../types/decision';
import type { Consent, Settings, TagOptions } from '../types/options';
import type { Engine } from '../types/parts';
import type { FlowCall, Message, OfferCall, PageContext } from '../types/wire';

export interface TagEvents {
  /** An event was refused by the API, ran out of attempts or was dropped; or an id could not be made. */
  error: {
    error: SlotwiseError;
    eventId?: string;
    /** When the event was given up on (out of attempts, or the queue was full): how many this browser has given up on so far. */
    dropped?: number;
  };
  /** The API confirmed an event. */
  delivered: { eventId: string; type: string };
}

export interface Tag {
  /** A page view (VIEW), with `utm_*` from the URL and, on the first view of a page load, the referrer. */
  view(data?: ViewData): Promise<EventResult>;
  /** A product added to the cart (ADD). */
  add(product: Product, ext?: Ext): Promise<EventResult>;
  /** Closes the visitor's session now (FORCE_CLOSE), so an abandoned cart shows at once. For QA, not production. */
  forceClose(): Promise<EventResult>;
  /** Tells who the visitor is (IDENTITY). */
  identity(person: Person): Promise<EventResult>;
  /** Any other event type. */
  event(type: string, data?: Record<string, unknown>, ext?: Ext): Promise<EventResult>;
  /** Sets consent; `'granted'` sends what waited, `'denied'` drops it. Calling twice changes nothing. */
  consent(state: Consent): Promise<Result>;
  /** The visitor's browser id, created if there is none yet. */
  browserId(): Promise<BrowserIdResult>;
  /** Sends what is queued now, skipping any backoff wait; resolves when this page's events are settled. */
  flush(): Promise<Result>;
  /** Runs a Sitecore flow (`name*` runs the first live match) and resolves to its answer as is, and as slot content. */
  flow(friendlyId: string, options?: Omit<FlowCall, 'friendlyId'>): Promise<{ ok: true; data: unknown; decision: Decision } | Failure>;
  /** Asks the placements API (one call per page type) for these placements. */
  placements(names: string[], context?: PageContext): Promise<{ ok: true; decisions: Decision[] } | Failure>;
  /** Asks Adobe Offer Decisioning for these propositions, in one call. */
  offers(calls: OfferCall[]): Promise<{ ok: true; decisions: Decision[] } | Failure>;
  /** A new SPA view (or the same page again, say after `identity()`): decides the page's slots anew. */
  page(url?: string): Promise<Result>;
  /** Decides the slots in `root` (default: the document) that are not decided yet. */
  render(root?: ParentNode): Promise<Result>;
  /** Listens to `error` or `delivered`; returns a function that stops listening. */
  on<K extends keyof TagEvents>(type: K, listener: (detail: TagEvents[K]) => void): () => void;
  /** Stops the tag: removes its listeners; queued events stay for the next page load. */
  destroy(): void;
}

const DAY_MS = 86_400_000;
/** Events made while consent is pending wait in memory, this many at most (oldest dropped). */
const MAX_HELD = 100;

let callUrl: string | undefined;
/** Runs `call` as if made on page `url`: the snippet replays queued calls with the URL they were made on. */
export function callAt<T>(url: string, call: () => T): T {
  callUrl = url;
  try {
    return call();
  } finally {
    callUrl = undefined;
  }
}

const settled = <T>(value: T) => Promise.resolve(value);

/**
Creates a tag for one site key. Throws a `SlotwiseError` when an option is invalid; every call on
the tag resolves to `{ ok: true, … }` or `{ ok: false, reason, error }`.
@example
const tag = createTag({ clientKey: 'KEY', target: 'https://api-engage-eu.sitecorecloud.io', pointOfSale: 'shop/uk' });
await tag.view();
*/
export function createTag(options: TagOptions): Tag {
  const settings = resolveOptions(options);
  return hasDom() ? browserTag(settings) : inertTag(failure('blocked', 'Slotwise runs in browsers: this environment has no document'));
}

/** Without a DOM (Node, SSR) every call answers `why`. */
function inertTag(why: Failure): Tag {
  const answer = () => settled(why);
  return {
    view: answer, add: answer, forceClose: answer, identity: answer, event: answer, consent: answer, browserId: answer, flush: answer,
    flow: answer, placements: answer, offers: answer, page: answer, render: answer, on: () => () => false, destroy() {},
  } as never;
}

/** The tag in a browser, from validated settings. The script tag calls this directly: it always has a document. */
export function browserTag(settings: Settings): Tag {
  // After destroy(), every call answers this.
  let dead: Failure | undefined;
  const prefix = `slotwise:v1:${settings.clientKey}:`;
  const storage = localStore();
  const listeners = { error: new Set<(detail: TagEvents['error']) => void>(), delivered: new Set<(detail: TagEvents['delivered']) => void>() };
  const waiting = new Map<string, { done: Promise<EventResult>; resolve: (result: EventResult) => void }>();
  const held: Message[] = [];
  let consent = settings.consent;
  let firstView = true;

  function emit<K extends keyof TagEvents>(type: K, detail: TagEvents[K]) {
    for (const listener of listeners[type]) {
      try {
        (listener as (detail: TagEvents[K]) => void)(detail);
      } catch {
        // A listener's bug must not stop delivery.
      }
    }
  }
  function settle(eventId: string, result: EventResult) {
    waiting.get(eventId)?.resolve(result);
    waiting.delete(eventId);
  }
  /** Reports a failed event and resolves its call; `given up`: it left the queue undelivered, and is counted. */
  function fail(message: Message, result: Failure, givenUp = false) {
    const eventId = String(message.ext.eventId);
    emit('error', { error: result.error, eventId, ...(givenUp ? { dropped: countDropped() } : {}) });
    settle(eventId, { ...result, eventId });
  }
  const droppedKey = prefix + 'dropped';
  function countDropped(): number {
    const dropped = (Number(storage?.getItem(droppedKey)) || 0) + 1;
    try {
      storage?.setItem(droppedKey, String(dropped));
    } catch {
      // full storage: counted for this page only
    }
    return dropped;
  }

  const jar = createCookieJar(settings.cookieDomain);
  const canSend = () => consent == 'granted' && !dead;
  const ids = createBrowserIds(settings, jar, storage, prefix, canSend, (status) =>
    emit('error', { error: new SlotwiseError('blocked', `No browser id (${status || 'no answer'}); events wait for one`, status) }));
  // Another tab leaves an event alone while it may still be waiting for that tab's answer.
  const queue = createQueue(prefix, storage, (event) => fail(event.message, failure('dropped', 'The queue is full: dropped its oldest event'), true),
    settings.requestTimeoutMs + 5000,
    // Reported a task later: the first scan runs before the page can listen.
    (key) => setTimeout(emit, 0, 'error', { error: new SlotwiseError('dropped', `Removed an unreadable queue entry (${key})`), eventId: eventIdOf(key) }));
  // Each tab sends the events it made (tabs.ts); its lock, held while it may send, says it is open.
  const tabs = createTabs(prefix, nanoid());
  if (consent == 'granted') tabs.hold();
  const delivery = createDelivery(settings, queue, tabs, ids, prefix + 'queue', canSend, ({ message, attempts }: QueuedEvent, outcome: Outcome) => {
    const eventId = String(message.ext.eventId);
    const what = `${message.type} ${eventId}`;
    if (outcome.delivered) {
      emit('delivered', { eventId, type: message.type });
      settle(eventId, { ok: true, eventId });
      return;
    }
    const { status, timedOut } = outcome.answer;
    if (outcome.unconfirmed)
      return fail(message, failure(timedOut ? 'timeout' : 'dropped', `No confirmation of ${what} (${timedOut ? 'timed out' : status}); not sent again, as it may be stored`, status || undefined));
    // Refused by the API (a 4xx), or given up on after its last attempt.
    const givenUp = !status || status < 300 || isRetryable(status);
    fail(message,
      status < 200 ? failure(timedOut ? 'timeout' : 'blocked', `No answer from the API to ${what} after ${attempts} attempts`)
      : status < 300 ? failure('dropped', `${status} without the API's acknowledgement to ${what}, ${attempts} times: a proxy or catch-all page?`, status)
      : failure(givenUp ? 'dropped' : 'rejected', `The API answered ${status} to ${what}`, status),
      givenUp);
  });

  function track(build: (ctx: CallContext) => Message): Promise<EventResult> {
    if (dead) return settled(dead);
    const eventId = nanoid();
    let message: Message;
    try {
      message = build({ url: callUrl ?? location.href, eventId });
    } catch (error) {
      return settled({ ok: false, reason: 'invalid', error: error as SlotwiseError });
    }
    if (consent == 'denied') return settled(failure('consent', 'Consent is denied: the event was not sent'));
    let resolve!: (result: EventResult) => void;
    const done = new Promise<EventResult>((r) => (resolve = r));
    waiting.set(eventId, { done, resolve });
    setTimeout(() => settle(eventId, { ...failure('timeout', `${message.type} is not confirmed yet; it stays queued`), eventId }), settings.deliveryTimeoutMs);
    if (consent == 'granted') enqueue(message);
    else if (held.push(message) > MAX_HELD) fail(held.shift()!, failure('consent', 'Too many events while consent is pending: dropped the oldest'));
    return done;
  }
  const sessionId = () => touchSession(storage, prefix + 'session');
  function enqueue(message: Message) {
    sessionId();
    queue.add(message, tabs.id);
    delivery.kick();
  }
  const refuse = () => settled(dead ?? failure('consent', 'Nothing is sent without consent'));

  // Hidden may be the last moment a mobile page gets: send what is queued now, as when it is left.
  const onVisibility = () => document.visibilityState == 'hidden' && delivery.leave(false);
  // Another tab changed the queue: forget our cached order. An event of ours that it removed,
  // it delivered, unless it left word that it gave up.
  const onStorage = ({ key, newValue, oldValue }: StorageEvent) => {
    if (!key?.startsWith(prefix + 'q:')) return;
    queue.invalidate();
    const eventId = eventIdOf(key);
    const how = newValue == null && finishOf(oldValue);
    if (how) settle(eventId, { ...(how == 'unconfirmed' ? failure('timeout', 'Sent by another tab, unconfirmed; not sent again, as it may be stored') : failure(how, 'Another tab gave up on this event')), eventId });
    else if (how === undefined) settle(eventId, { ok: true, eventId });
    // The event we may be waiting behind has settled, or another tab has events (that may be ours to adopt later).
    delivery.kick();
  };
  const windowListeners: Record<string, EventListener> = {
    // A page left lets go of its events: what it has not sent, another tab or page load adopts.
    pagehide: () => (delivery.leave(true), tabs.release()),
    // Only a page shown again from the back/forward cache resumes; every load fires pageshow.
    pageshow: ((event: PageTransitionEvent) => event.persisted && (canSend() && tabs.hold(true), delivery.resume())) as EventListener,
    online: delivery.wakeUp,
    storage: onStorage as EventListener,
  };
  const listen = (on: boolean) => {
    const method = on ? 'addEventListener' : 'removeEventListener';
    for (const type in windowListeners) window[method](type, windowListeners[type]!);
    document[method]('visibilitychange', onVisibility);
  };
  listen(true);
  // Events left by an earlier page load (or a closed tab) go out now.
  if (queue.head()) delivery.kick();

  const previewKey = prefix + 'preview';
  const preview = () => (canSend() ? previewValue(previewKey) : undefined);
  const rcs = createRcsStore(jar, settings.cookieExpiryDays);
  const hooks = {
    // Impressions and clicks are events like any other: queued, consent-gated, never lost. A
    // marketer's preview is marked, and never counted by the vendor's tracking URL.
    track: (kind: 'rendered' | 'viewable' | 'click', { slot, source, campaign, creative }: Decision) =>
      void track((ctx) => customMessage(settings, ctx, kind == 'click' ? 'SLOT_CLICK' : 'SLOT_IMPRESSION', {}, {
        slot, source, campaign, creative, impression: kind, ...(preview() ? { preview: true } : {}),
      })),
    // Not keepalive: a page of placements pings dozens of URLs on the API's host, and pings that
    // outlived the page would hold the browser's connections to it while the next page asks for
    // its decisions. A ping still in flight when the reader leaves is given up.
    ping: (url: string) => !preview() && canSend() && void request({ method: 'GET', url }, { timeoutMs: settings.requestTimeoutMs }),
    error: (error: SlotwiseError) => emit('error', { error }),
  };
  const driver = createSlotDriver(settings, canSend, (create) => create(settings, { ...slotServices, ...hooks, browserId: ids.ensure, rcs, sessionId, allowed: canSend, preview }));
  /**
  Runs a decision call and turns its outcome into a result. `args` checks the call's arguments
  first (before consent or the engine): what it throws is bad input. Past it, the codecs throw
  only SlotwiseErrors, so anything else is a file of ours that did not load.
  */
  const decide = async <T extends object, A = void>(name: string, args: () => A, run: (engine: Engine, args: A) => Promise<T>): Promise<({ ok: true } & T) | Failure> => {
    if (dead) return dead;
    let otherwise: FailReason = 'invalid';
    try {
      const checked = args();
      otherwise = 'blocked';
      return { ok: true, ...(await run(await driver.engine(), checked)) };
    } catch (error) {
      return isSlotwiseError(error) ? { ok: false, reason: error.code, error } : failure(otherwise, `${name}: ${shown(error)}`);
    }
  };
  let started = false;
  let overlay = false;
  let closeOverlay = () => {};
  // ?slotwise_debug=1, or a preview: the preview bar lists and outlines every slot (loaded on
  // demand, and like every file of ours only with consent: at start, or when it is granted).
  const showOverlay = () => {
    const previewing = preview();
    if (!overlay && canSend() && (previewing || /[?&]slotwise_debug=1\b/.test(location.search)))
      overlay = !!Promise.all([loadOverlay(settings.nonce), driver.engine()]).then(
        ([show, e]) => !dead && (closeOverlay = show(e.reports, settings.nonce, previewing ? { value: previewing, key: previewKey } : undefined)),
        () => console.warn('slotwise: the debug overlay could not load (it needs consent and the slot engine)'),
      );
  };
  const start = () => {
    started = true;
    driver.start();
    showOverlay();
  };
  // The site's server re-sets our cookies, where Safari does not cap them at 7 days: when the
  // browser id cookie was missing (so it was written by script just now) or a day has passed.
  // Once per page, as soon as consent allows (at start, or when it is granted later).
  const refreshedKey = prefix + 'cookies';
  const hadCookie = jar.get(`bid_${settings.clientKey}`);
  let askedServer = !settings.serverCookies;
  const askServer = () => {
    if (askedServer || !canSend()) return;
    askedServer = true;
    ids.ensure().then(async (id) => {
      if (!id || (hadCookie && Date.now() - Number(storage?.getItem(refreshedKey)) < DAY_MS)) return;
      const { status } = await request({ method: 'POST', url: settings.serverCookies }, { timeoutMs: settings.requestTimeoutMs });
      if (isSuccess(status) && canSend()) storage?.setItem(refreshedKey, String(Date.now()));
    }).catch(() => {}); // a full or blocked storage: asked again on the next page
  };
  askServer();
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  // SPA: follow the history API, once per URL (a change of #hash alone is the same page).
  const withoutHash = () => location.href.replace(/#.*/, '');
  let lastUrl = withoutHash();
  // A task later, so the SPA has rendered the new view: its slots are decided once, for the new URL.
  const onUrlChange = () =>
    setTimeout(() => {
      if (withoutHash() == lastUrl || dead) return;
      lastUrl = withoutHash();
      // A new URL: the slots not yet decided for it (never the same page again, as page() may).
      if (driver.asked() || document.querySelector(SLOT_SELECTOR))
        void decide('page', () => {}, (e) => e.renderer.page({ again: false }).then(() => ({})));
    });
  const history_ = history as unknown as Record<string, (...args: unknown[]) => unknown>;
  const patched = settings.autoPage ? ['pushState', 'replaceState'].map((name) => {
    const original = history_[name]!;
    history_[name] = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      onUrlChange();
      return result;
    };
    return () => (history_[name] = original);
  }) : [];
  if (settings.autoPage) addEventListener('popstate', onUrlChange);

  return {
    view: (data) =>
      track((ctx) => {
        const message = viewMessage(settings, firstView ? { ...ctx, referrer: document.referrer } : ctx, data);
        firstView = false;
        return message;
      }),
    add: (product, ext) => track((ctx) => addMessage(settings, ctx, product, ext)),
    forceClose: () => track((ctx) => forceCloseMessage(settings, ctx)),
    identity: (person) => track((ctx) => identityMessage(settings, ctx, person)),
    event: (type, data, ext) => track((ctx) => customMessage(settings, ctx, type, data, ext)),
    consent(state) {
      if (dead) return settled(dead);
      if (typeof state != 'string' || !/^(pending|granted|denied)$/.test(state))
        return settled(failure('invalid', `consent(state): state must be 'pending', 'granted' or 'denied' (got ${shown(state)})`));
      consent = state;
      if (consent == 'granted') tabs.hold();
      else tabs.release();
      for (const message of consent == 'pending' ? [] : held.splice(0))
        if (consent == 'granted') enqueue(message);
        else fail(message, failure('consent', 'Consent was denied: the event was dropped'));
      // Events an earlier page queued with consent go out now too, and the slots are decided.
      delivery.kick();
      askServer();
      if (consent == 'granted' && started) (driver.granted(), showOverlay());
      return settled({ ok: true });
    },
    async browserId() {
      if (!canSend()) return refuse();
      const browserId = await ids.ensure().catch(() => undefined);
      return browserId ? { ok: true, browserId } : failure('blocked', 'No browser id yet; it is tried again later');
    },
    async flush() {
      if (!canSend()) return refuse();
      delivery.wakeUp();
      const results = await Promise.all([...waiting.values()].map((w) => w.done));
      return results.find((r): r is Failure => !r.ok) ?? { ok: true };
    },
    flow(friendlyId, options) {
      const url = callUrl ?? location.href;
      return decide('flow', () => {
        if (typeof friendlyId != 'string' || !friendlyId) must('flow(friendlyId)', 'a non-empty string');
        const call = detach(options ?? {}, 'flow(options)');
        if (!isObject(call) || !(call.params === undefined || isObject(call.params))) must('flow(options) and its params', 'objects');
        return { ...call, friendlyId };
      }, async (e, call) => {
        const { data, ...decision } = await e.decisions.flow(call, url);
        return { data, decision };
      });
    },
    placements: (names, context = {}) => decide('placements', () => {
      const list = detach(names, 'placements(names)');
      const given = detach(context, 'placements(context)');
      if (!Array.isArray(list) || !list.every(isText)) must('placements(names)', 'an array of strings');
      if (!isObject(given)) must('placements(context)', 'an object');
      return [list, given] as const;
    }, async (e, [list, given]) => ({ decisions: await e.decisions.placements(list, given) })),
    offers: (calls) => decide('offers', () => {
      const list = detach(calls, 'offers(calls)');
      if (!Array.isArray(list) || !list.every((c) => isObject(c) && isText(c.placementId) && isText(c.activityId)))
        must('offers(calls)', 'an array of { placementId, activityId }');
      return list;
    }, async (e, list) => ({ decisions: await e.decisions.offers(list) })),
    page: (url) => decide('page', () => {
      if (url !== undefined && !(typeof url == 'string' && safely(() => new URL(url, location.href))))
        must('page(url)', 'a URL or a path');
    }, (e) => e.renderer.page({ url }).then(() => ({}))),
    render: (root) => decide('render', () => {
      // An element, a document or a fragment, of this window or of a frame's.
      if (root !== undefined && !safely(() => [1, 9, 11].includes(root.nodeType!) && typeof root.querySelectorAll == 'function'))
        must('render(root)', 'an element or a document');
    }, (e) => e.renderer.render(root).then(() => ({}))),
    on(type, listener) {
      if (typeof type != 'string' || !Object.hasOwn(listeners, type) || typeof listener != 'function') return () => false;
      const set = listeners[type] as Set<typeof listener>;
      set.add(listener);
      return () => set.delete(listener);
    },
    destroy() {
      dead = failure('destroyed', 'This tag was destroyed');
      listen(false);
      tabs.release();
      document.removeEventListener('DOMContentLoaded', start);
      driver.stop();
      closeOverlay();
      patched.forEach((restore) => restore());
      removeEventListener('popstate', onUrlChange);
      for (const eventId of [...waiting.keys()]) settle(eventId, { ...dead, eventId });
    },
  };
}
