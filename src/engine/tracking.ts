import { STATE } from '../shared/markup';
import type { Decision } from '../types/decision';
// Impressions and clicks, for content that was really rendered: `rendered` once per render,
// `viewable` once when at least half the slot stayed in view for a continuous second (the IAB
// rule GPT uses), and a click on anything in a decided slot. They go out as ordinary events,
// through the queue, so they survive navigation like any other.

export type Report = (kind: 'rendered' | 'viewable' | 'click', el: HTMLElement) => void;

const VIEWABLE_MS = 1000;

export interface Tracking {
  rendered(el: HTMLElement, decision: Decision): void;
  release(el: HTMLElement): void;
  stop(): void;
}

export function createTracking(report: Report): Tracking {
  /** Every slot with a rendered impression: its viewable timer while half of it is in view. */
  const timers = new Map<Element, ReturnType<typeof setTimeout> | undefined>();
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
                report('viewable', target as HTMLElement);
              }, VIEWABLE_MS)
            : undefined,
        );
      }
    },
    { threshold: [0, 0.5, 1] },
  );
  const onClick = (event: Event) => {
    // The target may be no element at all (a click dispatched on the document, say).
    const slot = (event.target as Partial<Element> | null)?.closest?.<HTMLElement>(`[${STATE}="decided"]`);
    if (slot) report('click', slot);
  };
  addEventListener('click', onClick, true);

  const tracking: Tracking = {
    rendered(el) {
      tracking.release(el);
      report('rendered', el);
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
