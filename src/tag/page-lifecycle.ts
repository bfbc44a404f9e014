// The page's life as the browser tells it (hidden, left, back from the back/forward cache, online
// again, storage changed by another tab) and what each moment means for this tab's delivery.
import { eventIdOf, finishOf, type Queue } from '../events/queue';
import type { Delivery } from '../events/delivery';
import type { Tabs } from '../events/tabs';
import type { Result } from '../shared/result';
import { removedByAnotherTab } from './outcomes';

/**
Listens to the page until the function it returns is called.
@param queueKeys what the queue's storage keys start with
@param allowed whether this tab may send (consent, not destroyed)
@param settle resolves the call waiting for an event, if any
*/
export function followPage(
  delivery: Delivery,
  tabs: Tabs,
  queue: Queue,
  queueKeys: string,
  allowed: () => boolean,
  settle: (eventId: string, result: Result) => void,
): () => void {
  // Hidden may be the last moment a mobile page gets: send what is queued now, as when it is left.
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') delivery.leave(false);
  };
  const windowListeners: Record<string, (event: Event) => void> = {
    // A page left lets go of its events: what it has not sent, another tab or page load adopts.
    pagehide: () => {
      delivery.leave(true);
      tabs.release();
    },
    // Only a page shown again from the back/forward cache resumes; every load fires pageshow.
    pageshow: (event) => {
      if (!(event as PageTransitionEvent).persisted) return;
      if (allowed()) tabs.hold(true);
      delivery.resume();
    },
    online: () => {
      delivery.wakeUp();
    },
    // Another tab changed the queue: forget our cached order. An event of ours that it removed,
    // it delivered, unless it left word that it gave up.
    storage: (event) => {
      const { key, newValue, oldValue } = event as StorageEvent;
      if (!key?.startsWith(queueKeys)) return;
      queue.invalidate();
      if (newValue == null) settle(eventIdOf(key), removedByAnotherTab(finishOf(oldValue)));
      // The event we may be waiting behind has settled, or another tab has events (that may be ours to adopt later).
      delivery.kick();
    },
  };
  const every = (method: 'addEventListener' | 'removeEventListener') => {
    for (const [type, listener] of Object.entries(windowListeners)) window[method](type, listener);
    document[method]('visibilitychange', onVisibility);
  };
  every('addEventListener');
  return () => {
    every('removeEventListener');
  };
}
