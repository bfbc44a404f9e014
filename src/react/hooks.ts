// Hooks for what the app renders itself (data decisions) and for telling the tag about routes.
import { useCallback, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { Decision } from 'slotwise';
import { DECISION_EVENT, useIsomorphicLayoutEffect } from './effects';
import { decidedUrl, useTag } from './provider';

export interface DecisionResult<T> {
  decision: Decision;
  /** The decision's data when it is JSON (a flow's data, an Adobe JSON offer); otherwise undefined. */
  data: T | undefined;
}

/**
The decision of a slot element the app renders itself: put `ref` and `slotAttributes(…)` on it.
The tag leaves the element's children to the app (every decision is `preventDefault()`ed), and the
decision arrives in the same task, before the slot is shown: no frame of the default content.
@example
const [ref, result] = useDecision<{ headline: string }>();
return <section ref={ref} {...slotAttributes({ flow: 'home_data' })}>{result?.data?.headline ?? 'Welcome'}</section>;
*/
export function useDecision<T = unknown>(): [
  ref: (el: HTMLElement | null) => void,
  result: DecisionResult<T> | undefined,
] {
  const [result, setResult] = useState<DecisionResult<T>>();
  const attached = useRef<{ el: HTMLElement; stop: () => void }>(undefined);
  // A callback ref, so the listener follows the element itself (React 18 and 19, StrictMode too).
  const ref = useCallback((el: HTMLElement | null) => {
    if (attached.current?.el === el) return;
    attached.current?.stop();
    attached.current = undefined;
    if (!el) return;
    const listener = (event: Event) => {
      if (event.target !== el) return;
      event.preventDefault();
      const decision = (event as CustomEvent<Decision>).detail;
      const data = decision.content?.kind === 'json' ? (decision.content.data as T) : undefined;
      flushSync(() => {
        setResult({ decision, data });
      });
    };
    el.addEventListener(DECISION_EVENT, listener);
    attached.current = {
      el,
      stop: () => {
        el.removeEventListener(DECISION_EVENT, listener);
      },
    };
  }, []);
  return [ref, result];
}

/**
Tells the tag about the view the router has committed: `usePage(location.pathname + location.search)`.
The page's slots are decided once per URL: the URL the tag started on, a re-render or StrictMode's
second effect does not ask again; a new URL re-decides the slots that stay mounted (a header)
while new ones are decided as they appear.
*/
export function usePage(url: string | URL | undefined): void {
  const tag = useTag();
  const href = url === undefined ? undefined : String(url);
  // A layout effect: the tag hears of the new URL in the commit that shows the view, before it
  // sees the view's new slots.
  useIsomorphicLayoutEffect(() => {
    if (!tag || href === undefined) return;
    const absolute = new URL(href, location.href).href;
    if (decidedUrl.get(tag) === absolute) return;
    decidedUrl.set(tag, absolute);
    void tag.page(absolute);
  }, [tag, href]);
}
