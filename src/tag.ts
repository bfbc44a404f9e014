// createTag: the composition root. It wires identity, the event queue and delivery to the page,
// and turns every outcome into a result: public calls resolve, they never throw into the page.
import { nanoid } from 'nanoid';
import { SlotwiseError } from './errors';
import { hasDom, localStore } from './env';
import { resolveOptions, type Consent, type TagOptions } from './options';
import { failure, type BrowserIdResult, type EventResult, type Failure, type Result } from './result';
import { createCookieJar } from './identity/cookies';
import { createBrowserIds } from './identity/browser-id';
import { touchSession } from './identity/session';
import { createQueue, eventIdOf, type QueuedEvent } from './events/queue';
import { createDelivery, type Outcome } from './events/delivery';
import { isRetryable } from './events/retry';
import {
  addMessage, customMessage, forceCloseMessage, identityMessage, viewMessage,
  type CallContext, type Ext, type Person, type Product, type ViewData,
} from './events/messages';
import type { Message } from './wire/sitecore';

export interface TagEvents {
  /** An event was refused by the API, ran out of attempts or was dropped; or an id could not be made. */
  error: { error: SlotwiseError; eventId?: string };
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
  /** Listens to `error` or `delivered`; returns a function that stops listening. */
  on<K extends keyof TagEvents>(type: K, listener: (detail: TagEvents[K]) => void): () => void;
  /** Stops the tag: removes its listeners; queued events stay for the next page load. */
  destroy(): void;
}

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

/** A tag that answers every call with the same failure: for Node/SSR and after `destroy()`. */
function inertTag(fail: Failure): Tag {
  const answer = () => settled(fail);
  return {
    view: answer, add: answer, forceClose: answer, identity: answer, event: answer,
    consent: answer, browserId: answer, flush: answer, on: () => () => {}, destroy() {},
  };
}

/**
Creates a tag for one site key. Throws a `SlotwiseError` when an option is invalid; every call on
the tag resolves to `{ ok: true, … }` or `{ ok: false, reason, error }`.
@example
const tag = createTag({ clientKey: 'KEY', target: 'https://api-engage-eu.sitecorecloud.io', pointOfSale: 'shop/uk' });
await tag.view();
*/
export function createTag(options: TagOptions): Tag {
  const settings = resolveOptions(options);
  if (!hasDom()) return inertTag(failure('blocked', 'Slotwise runs in browsers: this environment has no document'));

  const prefix = `slotwise:v1:${settings.clientKey}:`;
  const storage = localStore();
  const listeners: { [K in keyof TagEvents]: Set<(detail: TagEvents[K]) => void> } = { error: new Set(), delivered: new Set() };
  const waiting = new Map<string, { done: Promise<EventResult>; resolve: (result: EventResult) => void }>();
  const held: Message[] = [];
  let consent = settings.consent;
  let destroyed = false;
  let firstView = true;

  function emit<K extends keyof TagEvents>(type: K, detail: TagEvents[K]) {
    for (const listener of listeners[type]) {
      try {
        listener(detail);
      } catch {
        // A listener's bug must not stop delivery.
      }
    }
  }
  function settle(eventId: string, result: EventResult) {
    waiting.get(eventId)?.resolve(result);
    waiting.delete(eventId);
  }
  function fail(eventId: string, result: Failure) {
    emit('error', { error: result.error, eventId });
    settle(eventId, { ...result, eventId });
  }

  const jar = createCookieJar(settings.cookieDomain);
  const ids = createBrowserIds(settings, jar, storage, prefix, (status) =>
    emit('error', { error: new SlotwiseError('blocked', `Could not create a browser id (${status || 'no answer'}); events wait and it is tried again`, status) }));
  const queue = createQueue(prefix, storage, (event) =>
    fail(String(event.message.ext.eventId), failure('dropped', `Queue full: dropped the oldest event (${event.message.type})`)));
  const canSend = () => consent == 'granted' && !destroyed;
  const delivery = createDelivery(settings, queue, ids, prefix + 'queue', canSend, (event: QueuedEvent, outcome: Outcome) => {
    const eventId = eventIdOf(event.key);
    if (outcome.delivered) {
      emit('delivered', { eventId, type: event.message.type });
      settle(eventId, { ok: true, eventId });
    } else if (outcome.final) {
      const { status, timedOut } = outcome.answer;
      fail(eventId, status
        ? failure(isRetryable(status) ? 'dropped' : 'rejected', `The API answered ${status} to ${event.message.type} ${eventId}`, status)
        : failure(timedOut ? 'timeout' : 'blocked', `No answer from the API for ${event.message.type} ${eventId} after ${event.attempts} attempts`));
    }
  });

  function track(build: (ctx: CallContext) => Message): Promise<EventResult> {
    if (destroyed) return settled(failure('destroyed', 'This tag was destroyed'));
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
    setTimeout(() => settle(eventId, { ...failure('timeout', `${message.type} is not confirmed yet; it stays queued and will be sent`), eventId }), settings.deliveryTimeoutMs);
    if (consent == 'pending') {
      if (held.push(message) > MAX_HELD) fail(String(held.shift()!.ext.eventId), failure('consent', 'Too many events while consent is pending: dropped the oldest'));
    } else enqueue(message);
    return done;
  }
  function enqueue(message: Message) {
    touchSession(storage, prefix + 'session');
    queue.add(message);
    delivery.kick();
  }

  const onHide = () => document.visibilityState == 'hidden' && delivery.sendAllNow();
  const onOnline = () => delivery.wakeUp();
  // Another tab changed the queue: forget our cached order; an event of ours it removed was delivered by it.
  const onStorage = (e: StorageEvent) => {
    if (!e.key?.startsWith(prefix + 'q:')) return;
    queue.invalidate();
    if (e.newValue == null) settle(eventIdOf(e.key), { ok: true, eventId: eventIdOf(e.key) });
  };
  addEventListener('pagehide', delivery.sendAllNow);
  document.addEventListener('visibilitychange', onHide);
  addEventListener('online', onOnline);
  addEventListener('storage', onStorage);
  // Events left by an earlier page load (or a closed tab) go out now.
  if (queue.head()) delivery.kick();

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
      if (!['pending', 'granted', 'denied'].includes(state))
        return settled(failure('invalid', `consent(state): state must be 'pending', 'granted' or 'denied' (got ${JSON.stringify(state)})`));
      consent = state;
      if (state == 'granted') held.splice(0).forEach(enqueue);
      if (state == 'denied')
        for (const message of held.splice(0)) fail(String(message.ext.eventId), failure('consent', 'Consent was denied: the event was dropped'));
      return settled({ ok: true });
    },
    async browserId() {
      if (!canSend()) return failure(destroyed ? 'destroyed' : 'consent', 'No browser id without consent');
      const browserId = await ids.ensure();
      return browserId ? { ok: true, browserId } : failure('blocked', 'Could not create a browser id; it is tried again later');
    },
    async flush() {
      if (!canSend()) return failure(destroyed ? 'destroyed' : 'consent', 'Nothing is sent without consent');
      delivery.wakeUp();
      delivery.kick();
      const results = await Promise.all([...waiting.values()].map((w) => w.done));
      return results.find((r): r is Failure => !r.ok) ?? { ok: true };
    },
    on(type, listener) {
      listeners[type].add(listener);
      return () => listeners[type].delete(listener);
    },
    destroy() {
      destroyed = true;
      removeEventListener('pagehide', delivery.sendAllNow);
      document.removeEventListener('visibilitychange', onHide);
      removeEventListener('online', onOnline);
      removeEventListener('storage', onStorage);
      delivery.wakeUp();
      for (const id of [...waiting.keys()]) settle(id, { ...failure('destroyed', 'This tag was destroyed'), eventId: id });
    },
  };
}
