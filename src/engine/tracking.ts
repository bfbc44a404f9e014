import { STATE } from '../shared/markup';
import type { Decision } from '../types/decision';
// Impressions and clicks, for content that was really rendered: `rendered` once per render,
// `viewable` once when at least half the slot stayed in view for a continuous second (the IAB
// rule GPT uses), and a click on anything in a decided slot. They go out as ordinary events,
// through the queue, so they survive navigation like any other.

export type Report = (kind: 'rendered' | 'viewable' | 'click', decision: Decision) => void;

const VIEWABLE_MS = 1000;

export interface Tracking {
  rendered(el: HTMLElement, decision: Decision): void;
  release(el: HTMLElement): void;
  stop(): void;
}

export function createTracking(report: Report): Tracking {
  /** Every slot with a rendered impression: its viewable timer while half of it is in view. */
  const timers = new Map<Element, ReturnType<typeof setTimeout> | undefined>();
  /**
  What each decided slot shows: a click counts for it even while the slot is decided again (it
  keeps its content until the new decision replaces it), or after that pass failed.
  */
  const shown = new WeakMap<Element, Decision>();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const { target, intersectionRatio } of entries) {
        if (!timers.has(target)) continue;
        clearTimeout(timers.get(target));
        timers.set(
          target,
          intersectionRatio >= 0.5
            ? setTimeout(() => {
                tracking.release(target as HTMLElement);
                report('viewable', shown.get(target) as Decision);
              }, VIEWABLE_MS)
            : undefined,
        );
      }
    },
    { threshold: [0, 0.5, 1] },
  );
  const onClick = (event: Event) => {
    // The target may be no element at all (a click dispatched on the document, say).
    const slot = (event.target as Partial<Element> | null)?.closest?.(`[${STATE}="decided"]`);
    const decision = slot && shown.get(slot);
    if (decision) report('click', decision);
  };
  addEventListener('click', onClick, true);

  const tracking: Tracking = {
    rendered(el, decision) {
      tracking.release(el);
      shown.set(el, decision);
      report('rendered', decision);
      timers.set(el, undefined);
      observer.observe(el);
    },
    release(el) {
      clearTimeout(timers.get(el));
      timers.delete(el);
      observer.unobserve(el);
    },
    stop() {
      observer.disconnect();
      timers.forEach((timer) => {
        clearTimeout(timer);
      });
      timers.clear();
      removeEventListener('click', onClick, true);
    },
  };
  return tracking;
}
