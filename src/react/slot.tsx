// <Slot>: a slot element React renders once and then shares with the tag. React renders the
// fallback into it until a decision lands; from then on, for HTML and creatives, React renders
// nothing into it and the nodes are the tag's. The handover happens in the tag's
// `slotwise:decision` listener, synchronously (flushSync), before the tag touches the slot, so
// React's tree and the DOM never disagree: no NotFoundError, no lost content, whatever re-renders.
import { createElement, useRef, useState, type HTMLAttributes, type JSX, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import type { Decision } from 'slotwise';
import { slotAttributes, type SlotSettings, type SlotTarget } from './attributes';
import { DECISION_EVENT, useIsomorphicLayoutEffect } from './effects';

/** What the container holds: React's fallback, the tag's nodes, or React's rendering of data. */
type View<T> = { holds: 'fallback' } | { holds: 'tag' } | { holds: 'data'; data: T; decision: Decision };

const FALLBACK = { holds: 'fallback' } as const;
const TAG = { holds: 'tag' } as const;

export type SlotProps<T = unknown> = SlotTarget &
  SlotSettings &
  Omit<HTMLAttributes<HTMLElement>, 'children' | 'dangerouslySetInnerHTML'> & {
    /** The container's tag name. @default 'div' */
    as?: keyof JSX.IntrinsicElements;
    /** Shown (hidden until decided) before a decision, and when the decision has nothing for the slot. */
    fallback?: ReactNode;
    /** Renders JSON decisions (a flow's data, an Adobe JSON offer); without it they show the fallback. */
    renderData?: (data: T, decision: Decision) => ReactNode;
    /** Called with each decision, after the slot's content changed. */
    onDecision?: (decision: Decision) => void;
  };

/**
A slot: `<Slot flow="home_hero" fallback={<Hero />} />`, `<Slot placement="item_page.recs"
context={{ productId }} />`, `<Slot offer="…" activity="…" renderData={(data) => …} />`.
*/
export function Slot<T = unknown>(props: SlotProps<T>): ReactNode {
  const {
    flow,
    placement,
    offer,
    activity,
    items,
    context,
    size,
    lazy,
    collapse,
    render,
    as = 'div',
    fallback,
    renderData,
    onDecision,
    ...rest
  } = props;
  const ref = useRef<HTMLElement>(null);
  const [view, setView] = useState<View<T>>(FALLBACK);
  // What the DOM holds now (set in the commit), and the latest callbacks, for the listener.
  const holds = useRef<View<T>['holds']>('fallback');
  const latest = useRef({ renderData, onDecision });
  useIsomorphicLayoutEffect(() => {
    holds.current = view.holds;
    latest.current = { renderData, onDecision };
  });

  useIsomorphicLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    /** Commits `next` now; false if React could not (called while it was rendering). */
    const show = (next: View<T>) => {
      flushSync(() => {
        setView(next);
      });
      return holds.current === next.holds;
    };
    const listener = (event: Event) => {
      if (event.target !== el) return; // a slot inside this one
      const decision = (event as CustomEvent<Decision>).detail;
      const { content } = decision;
      const { renderData, onDecision } = latest.current;
      if (content?.kind === 'html' || content?.kind === 'creative') {
        // The tag replaces the children: React lets go of its own first. If it cannot now, the
        // slot keeps what React shows rather than have the two fight over the nodes.
        if (holds.current !== 'tag' && !show(TAG)) event.preventDefault();
      } else {
        // Nothing for the slot, or data: React shows it (the fallback, or renderData's). Data
        // without renderData, or nothing, while the fallback shows: the tag leaves the fallback as
        // it is, and counts no impression.
        const rendered = content?.kind === 'json' && renderData;
        if (rendered || holds.current !== 'fallback') {
          event.preventDefault();
          if (holds.current === 'tag') el.replaceChildren();
          show(rendered ? { holds: 'data', data: content.data as T, decision } : FALLBACK);
        }
      }
      onDecision?.(decision);
    };
    el.addEventListener(DECISION_EVENT, listener);
    return () => {
      el.removeEventListener(DECISION_EVENT, listener);
    };
  }, [as]);

  const target = (
    flow !== undefined ? { flow } : placement !== undefined ? { placement } : { offer, activity, items }
  ) as SlotTarget;
  return createElement(
    as,
    { ...rest, ...slotAttributes({ ...target, context, size, lazy, collapse, render }), ref },
    view.holds === 'fallback' ? fallback : view.holds === 'data' ? renderData?.(view.data, view.decision) : null,
  );
}
