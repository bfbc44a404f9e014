// One pass per page: collect every slot, ask each decision API once (flows in parallel, one
// placements call per page type, one offers call), and fill each slot the moment its decision
// arrives. Every slot is revealed when decided, after `revealAfterMs`, or on any error, in a
// `finally`. A decision that arrives after its slot was revealed is applied only if the slot is
// wholly below the viewport. A decision made for an earlier SPA page is dropped. Slots added later
// are filled too (together when added together); removed ones release their observers. Hiding and
// showing slots, how long they may stay hidden, and watching the page are the core's: this file
// borrows them through CoreServices and decides.
import { SlotwiseError } from '../types/errors';
import { SLOT_SELECTOR, STATE, stateOf } from '../shared/markup';
import { callsFor } from './calls';
import { prepare } from './content';
import { findSlots, slotOf, type Slot } from './slots';
import { createTracking } from './tracking';
import type { Decision, SlotReport, SlotState } from '../types/decision';
import type { Settings } from '../types/options';
import type { CoreServices, Decisions, PageChanges, Renderer } from '../types/parts';
import { createImpressions } from './impressions';

/** Lazy slots are decided when they come this close to the viewport. */
const LAZY_MARGIN = '300px';

/**
Whether the reader can see the slot or anything above it would move: late content goes only into
slots wholly below the viewport, so nothing on screen or above it changes size under the reader.
*/
const reachedByReader = (el: Element) => el.getBoundingClientRect().top < innerHeight;

/** One pass: the page URL its slots are decided for, and when it began asking. */
interface Pass {
  url: string;
  started: number;
}

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
  const impressions = createImpressions(settings, core);
  const tracking = createTracking((kind, el) => {
    const decision = reports.get(el)?.decision;
    if (decision) impressions.track(kind, decision);
  });
  const lazy = new IntersectionObserver(
    (entries) => {
      const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target as HTMLElement);
      near.forEach((el) => {
        lazy.unobserve(el);
      });
      // Several lazy slots coming into view at once are decided in one batch.
      void decide(near.map(slotOf));
    },
    { rootMargin: LAZY_MARGIN },
  );

  /** Still this pass's slot: not removed, not taken over by a newer page. */
  const current = (pass: Pass, { el }: Slot) => el.isConnected && decidedFor.get(el) === pass.url;

  /** Shows a slot of this pass that is still hidden, as it is. */
  const show = (pass: Pass, slot: Slot, state: SlotState) => {
    if (current(pass, slot) && !slot.el.hasAttribute(STATE)) core.reveal(slot.el, state);
  };

  /** Reports the error (unless it is only the lack of consent) and shows the slots as they are. */
  const failed = (pass: Pass, slots: Slot[]) => (error: SlotwiseError) => {
    // Without consent nothing is asked: the defaults are the right content, not an error.
    if (error.code !== 'consent') core.error(error);
    for (const slot of slots) show(pass, slot, error.code === 'consent' ? 'default' : 'error');
  };

  /** Fills a slot with its decision (none: the slot keeps its default, or collapses) and shows it. */
  async function apply(pass: Pass, slot: Slot, decision: Decision | undefined): Promise<void> {
    const nodes = decision?.content
      ? await prepare(core, decision.content, settings.html, settings.nonce, slot.render ?? settings.render, slot.id)
      : [];
    // Gone, or for an older page, or late while the reader already sees this part of the page: leave it.
    if (!current(pass, slot) || (isShown(slot.el) && reachedByReader(slot.el))) return;
    reports.set(slot.el, {
      source: slot.source,
      id: slot.id,
      ms: Math.round(performance.now() - pass.started),
      ...(decision ? { decision } : {}),
    });
    // Data is for the page's code: a listener that renders it into the slot says so with
    // preventDefault(), and the slot counts as decided; otherwise it keeps its default.
    const data = decision?.content?.kind === 'json';
    const rendered =
      data &&
      !slot.el.dispatchEvent(
        new CustomEvent('slotwise:decision', { detail: decision, bubbles: true, cancelable: true }),
      );
    if (!decision || (!nodes.length && !rendered)) {
      core.reveal(slot.el, slot.collapse && !decision?.content ? 'collapsed' : 'default');
      return;
    }
    // Swap and reveal in one task: the slot changes in one frame, and the watcher already sees
    // the slot as filled, so slots inside the content are not asked for.
    if (nodes.length) slot.el.replaceChildren(...nodes);
    core.reveal(slot.el, 'decided');
    tracking.rendered(slot.el, decision);
    if (decision.trackingUrl) impressions.ping(decision.trackingUrl);
  }

  /** `first`: the page's first pass, whose slots have been hidden since navigation began. */
  async function decide(slots: Slot[], first = false): Promise<void> {
    if (!slots.length) {
      if (first) core.recloak();
      return;
    }
    const pass: Pass = { url: pageUrl(), started: performance.now() };
    for (const slot of slots) {
      decidedFor.set(slot.el, pass.url);
      reports.set(slot.el, { source: slot.source, id: slot.id });
    }
    // A slot whose content cannot be shown fails alone: the others of its call are still filled.
    const fill = (group: Slot[]) => (all: Decision[]) =>
      Promise.all(
        group.map((slot) =>
          apply(
            pass,
            slot,
            all.find((decision) => decision.slot === slot.id),
          ).catch(failed(pass, [slot])),
        ),
      );
    for (const slot of slots)
      if (slot.invalid) failed(pass, [slot])(new SlotwiseError('invalid', `Slot ${slot.id}: ${slot.invalid}`));
    const timer = setTimeout(
      () => {
        for (const slot of slots) show(pass, slot, 'timeout');
      },
      core.revealBudget(settings.revealAfterMs, first),
    );
    try {
      const calls = callsFor(slots.filter((slot) => !slot.invalid));
      await Promise.all(
        calls.map((call) => call.ask(decisions, pass.url).then(fill(call.slots)).catch(failed(pass, call.slots))),
      );
    } finally {
      clearTimeout(timer);
      for (const slot of slots) show(pass, slot, 'default');
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
    // Roots may overlap (a section and a slot inside it, added together): each slot once.
    const seen = new Set<Element>();
    const fresh = roots.flatMap(findSlots).filter(({ el }) => {
      const unseen = !seen.has(el);
      seen.add(el);
      return unseen && decidedFor.get(el) !== pageUrl();
    });
    for (const slot of fresh) {
      if (slot.size) Object.assign(slot.el.style, { minWidth: `${slot.size[0]}px`, minHeight: `${slot.size[1]}px` });
      if (slot.lazy && !slot.invalid) lazy.observe(slot.el);
    }
    return decide(
      fresh.filter((slot) => !slot.lazy || slot.invalid),
      first,
    );
  }

  // Slots added later (SPA views, infinite lists) are decided; removed ones let go of observers.
  const changed: PageChanges = (records) => {
    const added: HTMLElement[] = [];
    for (const record of records) {
      record.removedNodes.forEach((node) => {
        if (node instanceof HTMLElement)
          for (const { el } of findSlots(node)) {
            tracking.release(el);
            lazy.unobserve(el);
          }
      });
      // Content we put into a slot is not a new slot, whatever its attributes say.
      record.addedNodes.forEach((node) => {
        if (node instanceof HTMLElement && !node.parentElement?.closest(`[${STATE}]`)) added.push(node);
      });
    }
    if (added.length) void renderRoots(added);
  };

  const renderer: Renderer = {
    reports,
    start: () => renderRoots([document], true),
    // The tag checked the arguments at its boundary (tag/decision-calls.ts).
    render: (root = document) => renderRoots([root]),
    page({ url, again = true } = {}) {
      explicitUrl = url && new URL(url, location.href).href;
      // The page shown again: every slot is decided anew. A new URL: the slots already decided
      // for it (a view the SPA just rendered) are not asked twice.
      const refresh = again && shownPage === pageUrl();
      shownPage = pageUrl();
      for (const el of document.querySelectorAll<HTMLElement>(SLOT_SELECTOR))
        if (refresh || decidedFor.get(el) !== pageUrl()) {
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
