// createTag: the composition root. It wires identity, the event queue and delivery to the page,
// and turns every outcome into a result: public calls resolve, they never throw into the page.
// Each part is a module of its own in this folder; this file only connects them.
import { nanoid } from 'nanoid';
import { SlotwiseError } from '../types/errors';
import { shown } from '../shared/args';
import { hasDom } from '../shared/env';
import { createStore, storageArea } from '../shared/store';
import { resolveOptions } from '../shared/options';
import { failure, type Failure, type Result } from '../shared/result';
import { createCookieJar } from '../identity/cookies';
import { createBrowserIds } from '../identity/browser-id';
import { touchSession } from '../identity/session';
import { QUEUE_ENTRY, createQueue, eventIdOf } from '../events/queue';
import { createDelivery } from '../events/delivery';
import { createTabs } from '../events/tabs';
import { createRcsStore } from '../identity/rcs';
import { endPreview, previewValue } from '../shared/preview';
import { slotServices } from '../slots/services';
import { createSlotDriver } from '../slots/driver';
import { SLOT_SELECTOR } from '../shared/markup';
import type { Settings, TagOptions } from '../types/options';
import type { Message } from '../types/wire';
import type { Tag, TagEvents } from './api';
import { createEmitter } from './emitter';
import { createPending } from './pending';
import { createConsentGate, isConsent } from './consent-gate';
import { undelivered, type EventFailure } from './outcomes';
import { droppedCounter } from './dropped-count';
import { createEventCalls } from './event-calls';
import { customMessage } from '../events/messages';
import { followPage } from './page-lifecycle';
import { serverCookieRefresh } from './server-cookies';
import { previewBar } from './preview-bar';
import { createDecisionCalls } from './decision-calls';
import { watchRoutes } from './route-watch';
import { inertTag } from './inert';

/**
The tag in a browser: `tag`, whose calls are made on the page as it is when each is made, and
`at(url)`, the same tag as if its calls were made on page `url` (the script tag replays the calls
its snippet queued with the URL each was made on). Both share one state.
*/
export interface BrowserTag {
  tag: Tag;
  at(url: string): Tag;
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
  return hasDom()
    ? browserTag(settings).tag
    : inertTag(failure('blocked', 'Slotwise runs in browsers: this environment has no document'));
}

/** The tag in a browser, from validated settings. The script tag calls this directly: it always has a document. */
export function browserTag(settings: Settings): BrowserTag {
  // After destroy(), every call answers this.
  let dead: Failure | undefined;
  const stopped = () => dead;
  const prefix = `slotwise:v1:${settings.clientKey}:`;
  const store = createStore(prefix, storageArea('localStorage'));
  const { on, emit } = createEmitter<TagEvents>(['error', 'delivered']);
  const pending = createPending(settings.deliveryTimeoutMs);
  const countDropped = droppedCounter(store);
  /** Reports a failed event and resolves its call; one given up on is counted. */
  function fail(message: Message, { why, givenUp }: EventFailure) {
    const eventId = String(message.ext.eventId);
    emit('error', { error: why.error, eventId, ...(givenUp ? { dropped: countDropped() } : {}) });
    pending.settle(eventId, why);
  }
  const gate = createConsentGate({
    consent: settings.consent,
    send: enqueue,
    drop: (message, why) => {
      fail(message, { why });
    },
  });
  const canSend = () => gate.granted() && !dead;

  const jar = createCookieJar(settings.cookieDomain);
  const ids = createBrowserIds({
    settings,
    jar,
    store,
    lockName: prefix + 'bid',
    allowed: canSend,
    onCreateFailed: (status) => {
      emit('error', {
        error: new SlotwiseError('blocked', `No browser id (${status || 'no answer'}); events wait for one`, status),
      });
    },
  });
  // Another tab leaves an event alone while it may still be waiting for that tab's answer.
  const queue = createQueue({
    store,
    onOverflow: (event) => {
      fail(event.message, { why: failure('dropped', 'The queue is full: dropped its oldest event'), givenUp: true });
    },
    leaseMs: settings.requestTimeoutMs + 5000,
    // Reported a task later: the first scan runs before the page can listen.
    onUnreadable: (key) =>
      setTimeout(emit, 0, 'error', {
        error: new SlotwiseError('dropped', `Removed an unreadable queue entry (${prefix}${key})`),
        eventId: eventIdOf(key),
      }),
  });
  // Each tab sends the events it made (tabs.ts); its lock, held while it may send, says it is open.
  const tabs = createTabs(prefix, nanoid());
  if (gate.granted()) tabs.hold();
  const delivery = createDelivery({
    settings,
    queue,
    tabs,
    ids,
    lockName: prefix + 'queue',
    canSend,
    report: (event, outcome) => {
      if (!outcome.delivered) {
        fail(event.message, undelivered(event, outcome));
        return;
      }
      const eventId = String(event.message.ext.eventId);
      emit('delivered', { eventId, type: event.message.type });
      pending.settle(eventId, { ok: true });
    },
  });
  const sessionId = () => touchSession(store);
  function enqueue(message: Message) {
    sessionId();
    queue.add(message, tabs.id);
    delivery.kick();
  }
  const events = createEventCalls(settings, gate, pending, stopped);
  const refuse = () => settled(dead ?? failure('consent', 'Nothing is sent without consent'));

  const stopFollowingPage = followPage(delivery, tabs, queue, prefix + QUEUE_ENTRY, canSend, pending.settle);
  // Events left by an earlier page load (or a closed tab) go out now.
  if (queue.head()) delivery.kick();

  const session = createStore(prefix, storageArea('sessionStorage'));
  const preview = () => (canSend() ? previewValue(session) : undefined);
  const rcs = createRcsStore(jar, settings.cookieExpiryDays);
  const driver = createSlotDriver(settings, canSend, (create) =>
    create(settings, {
      ...slotServices,
      // Impressions and clicks, from the engine: events like any other.
      event: (type, ext) => void events.track((ctx) => customMessage(settings, ctx, type, {}, ext)),
      error: (error) => {
        emit('error', { error });
      },
      browserId: () => ids.ensure(),
      rcs,
      sessionId,
      allowed: canSend,
      preview,
    }),
  );
  const decisions = createDecisionCalls(() => driver.engine(), stopped);
  const bar = previewBar({
    nonce: settings.nonce,
    engine: () => driver.engine(),
    preview,
    endPreview: () => {
      endPreview(session);
    },
    allowed: canSend,
    stopped,
  });
  let started = false;
  const start = () => {
    started = true;
    driver.start();
    bar.show();
  };
  const askServer = serverCookieRefresh({ settings, jar, ids, store, allowed: canSend });
  askServer();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  const stopWatchingRoutes = settings.autoPage
    ? watchRoutes(() => {
        // Only where there are slots to decide, or the engine is in use already.
        if (!dead && (driver.asked() || document.querySelector(SLOT_SELECTOR))) void decisions.routeChanged();
      })
    : () => {};

  const consent = (state: unknown): Promise<Result> => {
    if (dead) return settled(dead);
    if (!isConsent(state))
      return settled(
        failure('invalid', `consent(state): state must be 'pending', 'granted' or 'denied' (got ${shown(state)})`),
      );
    if (state === 'granted') tabs.hold();
    else tabs.release();
    gate.set(state);
    // Events an earlier page queued with consent go out now too, and the slots are decided.
    delivery.kick();
    askServer();
    if (state === 'granted' && started) {
      driver.granted();
      bar.show();
    }
    return settled({ ok: true });
  };
  const destroy = () => {
    dead = failure('destroyed', 'This tag was destroyed');
    stopFollowingPage();
    tabs.release();
    document.removeEventListener('DOMContentLoaded', start);
    driver.stop();
    bar.close();
    stopWatchingRoutes();
    pending.settleAll(dead);
  };
  const at = (url?: string): Tag => ({
    ...events.at(url),
    consent,
    async browserId() {
      if (!canSend()) return refuse();
      const browserId = await ids.ensure().catch(() => undefined);
      return browserId ? { ok: true, browserId } : failure('blocked', 'No browser id yet; it is tried again later');
    },
    async flush() {
      if (!canSend()) return refuse();
      delivery.wakeUp();
      const results = await pending.all();
      return results.find((r): r is Failure => !r.ok) ?? { ok: true };
    },
    ...decisions.at(url),
    on,
    destroy,
  });
  return { tag: at(), at };
}
