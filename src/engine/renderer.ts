// One pass per page: collect every slot, ask each decision API once (flows in parallel, one
// placements call per page type, one offers call), and fill each slot the moment its decision
// arrives. Every slot is revealed when decided, after `revealAfterMs`, or on any error, in a
// `finally`. A decision that arrives after its slot was revealed is applied only if the slot is
// wholly below the viewport. A decision made for an earlier SPA page is dropped. Slots added later
// are filled too (together when added together); removed ones release their observers.
import { SlotwiseError } from '../types/errors';
import { SLOT_SELECTOR, STATE, stateOf } from '../shared/markup';
import { prepare } from './content';
import { findSlots, slotOf, type Slot } from './slots';
import { createTracking } from './tracking';
import type { Decision, SlotReport, SlotState } from '../types/decision';
import type { Settings } from '../types/options';
import type { PageContext } from '../types/wire';
import type { CoreServices, Decisions, Renderer, SlotChanges } from '../types/parts';

/** Lazy slots are decided when they come this close to the viewport. */
const LAZY_MARGIN = '300px';

/**
Whether the reader can see the slot or anything above it would move: late content goes only into
slots wholly below the viewport, so nothing on screen or above it changes size under the reader.
*/
const reachedByReader = (el: Element) => el.getBoundingClientRect().top < innerHeight;

const groupBy = <T>(items: T[], key: (item: T) => string) => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
};

export function createRenderer(settings: Settings, core: CoreServices, decisions: Decisions): Renderer {
  const reports = new WeakMap<Element, SlotReport>();
  /** The page URL each slot was (or is being) decided for: a slot is decided once per URL. */
  const decidedFor = new WeakMap<Element, string>();
  let explicitUrl: string | undefined;
  /** The URL of the page the tag was last told about (start or page()). */
  let shownPage: string | undefined;
  let stopWatching: (() => void) | undefined;
  const pageUrl = () => explicitUrl ?? location.href;
  /** Shown: revealed by us, or every slot was shown because the tag could not start in time. */
  const isShown = (el: Element) => stateOf(el) != null || core.isLifted();
  const tracking = createTracking((kind, el) => {
    const decision = reports.get(el)?.decision;
    if (decision) core.track(kind, decision);
  });
  const lazy = new IntersectionObserver(
    (entries) => {
      const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target as HTMLElement);
      near.forEach((el) => lazy.unobserve(el));
      // Several lazy slots coming into view at once are decided in one batch.
      void decide(near.map(slotOf));
    },
    { rootMargin: LAZY_MARGIN },
  );

  /** `first`: the page's first pass, whose slots have been hidden since navigation began. */
  async function decide(slots: Slot[], first = false): Promise<void> {
    if (!slots.length) return void (first && core.recloak());
    const url = pageUrl();
    const started = performance.now();
    /** Still this pass's slot: not removed, not taken over by a newer page. */
    const current = ({ el }: Slot) => el.isConnected && decidedFor.get(el) == url;
    const show = (slot: Slot, state: SlotState) => current(slot) && !isShownByUs(slot.el) && core.reveal(slot.el, state);
    const isShownByUs = (el: HTMLElement) => el.hasAttribute(STATE);
    for (const slot of slots) {
      decidedFor.set(slot.el, url);
      reports.set(slot.el, { source: slot.source, id: slot.id });
    }
    async function apply(slot: Slot, decision: Decision | undefined): Promise<void> {
      const nodes = decision?.content ? await prepare(core, decision.content, settings.html, settings.nonce, slot.render ?? settings.render, slot.id) : [];
      // Gone, or for an older page, or late while the reader already sees this part of the page: leave it.
      if (!current(slot) || (isShown(slot.el) && reachedByReader(slot.el))) return;
      reports.set(slot.el, { source: slot.source, id: slot.id, ms: Math.round(performance.now() - started), ...(decision ? { decision } : {}) });
      // Data is for the page's code: a listener that renders it into the slot says so with
      // preventDefault(), and the slot counts as decided; otherwise it keeps its default.
      const data = decision?.content?.kind == 'json';
      const rendered = data && !slot.el.dispatchEvent(new CustomEvent('slotwise:decision', { detail: decision, bubbles: true, cancelable: true }));
      if (!nodes.length && !rendered) return core.reveal(slot.el, slot.collapse && !decision?.content ? 'collapsed' : 'default');
      // Swap and reveal in one task: the slot changes in one frame, and the watcher already sees
      // the slot as filled, so slots inside the content are not asked for.
      if (nodes.length) slot.el.replaceChildren(...nodes);
      core.reveal(slot.el, 'decided');
      tracking.rendered(slot.el, decision!);
      if (decision!.trackingUrl) core.ping(decision!.trackingUrl);
    }
    const failed = (group: Slot[]) => (error: SlotwiseError) => {
      // Without consent nothing is asked: the defaults are the right content, not an error.
      if (error.code != 'consent') core.error(error);
      group.forEach((slot) => show(slot, error.code == 'consent' ? 'default' : 'error'));
    };
    const each = (group: Slot[]) => (all: Decision[]) =>
      // A slot whose content cannot be shown fails alone: the others of its call are still filled.
      Promise.all(group.map((slot) => apply(slot, all.find((decision) => decision.slot == slot.id)).catch(failed([slot]))));
    const valid = slots.filter((slot) => !slot.invalid);
    slots.filter((slot) => slot.invalid).forEach((slot) => failed([slot])(new SlotwiseError('invalid', `Slot ${slot.id}: ${slot.invalid}`)));
    const of = (source: Slot['source']) => valid.filter((slot) => slot.source == source);
    const offers = of('offer');
    const timer = setTimeout(() => slots.forEach((slot) => show(slot, 'timeout')), core.revealBudget(settings.revealAfterMs, first));
    try {
      await Promise.all([
        // One call per flow, however many slots show it.
        ...groupBy(of('flow'), (slot) => slot.id).map((group) =>
          decisions.flow({ friendlyId: group[0]!.id }, url).then((decision) => each(group)([decision])).catch(failed(group))),
        // One call per page type, with that page type's context.
        ...groupBy(of('placement'), (slot) => slot.id.split('.')[0]!).map((group) => {
          const context: PageContext = Object.assign({}, ...group.map((slot) => slot.context));
          return decisions.placements([...new Set(group.map((slot) => slot.id))], context).then(each(group)).catch(failed(group));
        }),
        offers.length &&
          decisions.offers(groupBy(offers, (slot) => slot.id).map((group) => group[0]!.offer!)).then(each(offers)).catch(failed(offers)),
      ]);
    } finally {
      clearTimeout(timer);
      slots.forEach((slot) => show(slot, 'default'));
      if (first) core.recloak();
    }
  }

  /** Slots under these roots that are not decided for the current page yet, decided together. */
  function renderRoots(roots: ParentNode[], first = false): Promise<void> {
    shownPage ??= pageUrl();
    core.cloak(settings.nonce);
    // Watch for slots added later only once the first pass has collected the page's slots,
    // so slots the parser adds one by one are still decided together.
    stopWatching = core.watch(changed);
    const seen = new Set<Element>();
    const fresh = roots.flatMap(findSlots).filter(({ el }) => !seen.has(el) && seen.add(el) && decidedFor.get(el) != pageUrl());
    for (const slot of fresh) {
      if (slot.size) Object.assign(slot.el.style, { minWidth: `${slot.size[0]}px`, minHeight: `${slot.size[1]}px` });
      if (slot.lazy && !slot.invalid) lazy.observe(slot.el);
    }
    return decide(fresh.filter((slot) => !slot.lazy || slot.invalid), first);
  }

  // Slots added later (SPA views, infinite lists) are decided; removed ones let go of observers.
  const changed: SlotChanges = (added, removed) => {
    for (const root of removed)
      for (const { el } of findSlots(root)) {
        tracking.release(el);
        lazy.unobserve(el);
      }
    if (added.length) void renderRoots(added);
  };

  const renderer: Renderer = {
    reports,
    start: () => renderRoots([document], true),
    // The tag checked the arguments at its boundary (tag.ts).
    render: (root = document) => renderRoots([root]),
    page({ url, again = true } = {}) {
      explicitUrl = url && new URL(url, location.href).href;
      // The page shown again: every slot is decided anew. A new URL: the slots already decided
      // for it (a view the SPA just rendered) are not asked twice.
      const refresh = again && shownPage == pageUrl();
      shownPage = pageUrl();
      for (const el of document.querySelectorAll<HTMLElement>(SLOT_SELECTOR))
        if (refresh || decidedFor.get(el) != pageUrl()) {
          decidedFor.delete(el);
          tracking.release(el);
          core.hide(el);
        }
      return renderRoots([document]);
    },
    stop() {
      stopWatching?.();
      lazy.disconnect();
      tracking.stop();
      core.showUndecided('default');
    },
  };
  return renderer;
}
