// One pass per page: collect every slot, ask each decision API once (flows in parallel, one
// placements call per page type, one offers call), and fill each slot the moment its decision
// arrives. Every slot is revealed when decided, after `revealAfterMs`, or on any error, in a
// `finally`. A decision that arrives after its slot was revealed is applied only if the slot is
// wholly below the viewport, or if the slot was shown and is being decided again (a new SPA page,
// a changed context): such a slot keeps its content until the new decision replaces it. A
// decision made for an earlier pass of its slot is dropped. Slots added later are filled too
// (together when added together), slots whose attributes change are decided again; removed ones
// release their observers. Hiding and showing slots, how long they may stay hidden, and watching
// the page are the core's: this file borrows them through CoreServices and decides.
import { SlotwiseError } from '../types/errors';
import { STATE, stateOf } from '../shared/markup';
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

/** Content we put into a slot is not a slot, whatever its attributes say. */
const inContent = (node: Node) => !!node.parentElement?.closest(`[${STATE}]`);

/** What a slot asks for, from its attributes: when this changes, the slot is decided again. */
const asks = ({ id, context, offer }: Slot) => JSON.stringify([id, context, offer]);

/** A page's key: its URL without the #hash (a change of hash alone is the same page). */
const pageKey = (url: string) => url.replace(/#.*/, '');

/**
One pass: the page URL its slots are decided for, when they began waiting, and its slots that an
earlier pass decided and that were shown when it began (decided again: each keeps what it shows
until this pass replaces it). A slot still waiting, or shown with its default by the core (without
consent, say), is not among them: late content stays out of the reader's view.
*/
interface Pass {
  url: string;
  /**
  When its slots began waiting (for the reader: time to content counts from then). A slot still
  waiting since an earlier pass keeps that pass's start, and its deadline.
  */
  since: number;
  again: Set<Element>;
}

export function createRenderer(settings: Settings, core: CoreServices, decisions: Decisions): Renderer {
  const reports = new WeakMap<Element, SlotReport>();
  /** The latest pass of each slot: a slot is decided once per page URL, and only its latest pass may fill it. */
  const passOf = new WeakMap<Element, Pass>();
  /** What each slot was last asked with (see `asks`). */
  const askedWith = new WeakMap<Element, string>();
  /**
  The children a slot had before the tag first filled it, and the ones it filled it with last: the
  first come back when a later decision is empty, if the slot still shows the second.
  */
  const defaults = new WeakMap<Element, [before: Node[], ours: Node[]]>();
  /** The URL given to page(), and the location's key then: it holds until the SPA moves on (a #hash is no move). */
  let explicit: [url: string, at: string] | undefined;
  /** The key of the page the tag was last told about (start or page()). */
  let shownPage: string | undefined;
  let stopWatching: (() => void) | undefined;
  const pageUrl = () => (explicit?.[1] === pageKey(location.href) ? explicit[0] : location.href);
  const decidedHere = (el: Element) => passOf.get(el)?.url === pageKey(pageUrl());
  /** Shown: revealed by us, or every slot was shown because the tag could not start in time. */
  const isShown = (el: Element) => stateOf(el) != null || core.isLifted();
  const impressions = createImpressions(settings, core);
  const tracking = createTracking((kind, decision) => {
    impressions.track(kind, decision);
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

  /** Still this pass's slot: not removed, not taken over by a newer pass. */
  const current = (pass: Pass, { el }: Slot) => el.isConnected && passOf.get(el) === pass;

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

  /**
  Fills a slot with its decision and shows it. The page hears of every decision first (the
  `slotwise:decision` event, content null when there is none): a listener that calls
  preventDefault() shows it itself (a framework's component, data rendered by the page's code), and
  the tag leaves the slot's children alone. Otherwise HTML and creatives replace the children, and
  anything else brings back the slot's default content (or collapses it).
  */
  async function apply(pass: Pass, slot: Slot, decision: Decision | undefined): Promise<void> {
    const { el } = slot;
    const content = decision?.content;
    const nodes = content
      ? await prepare(
          core,
          content,
          settings.html,
          settings.nonce,
          slot.render ?? settings.render,
          slot.id,
          // An Adobe activity's campaign is an id (xcore:…), no name for people: where the link goes says more.
          decision.creativeName ??
            decision.campaignName ??
            (decision.source === 'offer' ? undefined : decision.campaign),
        )
      : [];
    // Gone, or taken over by a newer pass, or late while the reader already sees this part of the
    // page (unless the slot is decided again, and so expected to change): leave it.
    if (!current(pass, slot) || (isShown(el) && reachedByReader(el) && !pass.again.has(el))) return;
    reports.set(el, {
      source: slot.source,
      id: slot.id,
      ms: Math.round(performance.now() - pass.since),
      ...(decision ? { decision } : {}),
    });
    const detail = decision ?? { slot: slot.id, source: slot.source, content: null };
    const taken = !el.dispatchEvent(new CustomEvent('slotwise:decision', { detail, bubbles: true, cancelable: true }));
    // A listener removed the slot, or had it decided anew: this decision is not shown.
    if (!current(pass, slot)) return;
    tracking.release(el);
    // Hidden and shown again in this task: nothing paints between, and a collapsed slot opens.
    core.hide(el);
    const [before, ours] = defaults.get(el) ?? [];
    if (!taken && nodes.length) {
      defaults.set(el, [before ?? [...el.childNodes], nodes]);
      el.replaceChildren(...nodes);
    } else if (!taken && before && ours?.every((node) => node.parentNode === el)) {
      // Only over content of ours: what the page (or a framework) put there since stays.
      el.replaceChildren(...before);
      defaults.delete(el);
    }
    // Swapped and revealed in one task: the slot changes in one frame, and the watcher already
    // sees the slot as filled, so slots inside the content are not asked for.
    if (!(taken || nodes.length) || !content) {
      core.reveal(el, slot.collapse && !content ? 'collapsed' : 'default');
      return;
    }
    core.reveal(el, 'decided');
    tracking.rendered(el, detail);
    if (detail.trackingUrl) impressions.ping(detail.trackingUrl);
  }

  /** `first`: the page's first pass, whose slots have been hidden since navigation began. */
  async function decide(slots: Slot[], first = false): Promise<void> {
    if (!slots.length) {
      if (first) core.recloak();
      return;
    }
    const started = performance.now();
    const pass: Pass = {
      url: pageKey(pageUrl()),
      since: Math.min(...slots.map(({ el }) => (stateOf(el) ? started : (passOf.get(el)?.since ?? started)))),
      again: new Set(slots.map(({ el }) => el).filter((el) => passOf.has(el) && stateOf(el))),
    };
    for (const slot of slots) {
      passOf.set(slot.el, pass);
      askedWith.set(slot.el, asks(slot));
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
      core.revealBudget(settings.revealAfterMs, first) - (started - pass.since),
    );
    try {
      const calls = callsFor(slots.filter((slot) => !slot.invalid));
      await Promise.all(
        calls.map((call) => call.ask(decisions, pageUrl()).then(fill(call.slots)).catch(failed(pass, call.slots))),
      );
    } finally {
      clearTimeout(timer);
      for (const slot of slots) show(pass, slot, 'default');
      if (first) core.recloak();
    }
  }

  /**
  Slots in the page under these roots that are not decided for the current page yet (`again`: all
  of them), decided together; none inside what the tag put into a slot. A root not in the page yet
  is decided once it is added.
  */
  function renderRoots(roots: ParentNode[], first = false, again = false): Promise<void> {
    shownPage ??= pageKey(pageUrl());
    core.cloak(settings.nonce);
    // Watch for slots added later only once the first pass has collected the page's slots,
    // so slots the parser adds one by one are still decided together.
    stopWatching = core.watch(changed);
    // Roots may overlap (a section and a slot inside it, added together): each slot once.
    const seen = new Set<Element>();
    const fresh = roots.flatMap(findSlots).filter(({ el }) => {
      const unseen = !seen.has(el);
      seen.add(el);
      return unseen && el.isConnected && !inContent(el) && (again || !decidedHere(el));
    });
    for (const slot of fresh) {
      // The declared size, never wider than the slot's container (a 960x320 slot on a 390 px phone),
      // and never taller than that size scaled to the viewport's width: no tall empty band on a
      // phone, where the creative shrinks with the page.
      if (slot.size)
        Object.assign(slot.el.style, {
          minWidth: `min(${slot.size[0]}px,100%)`,
          minHeight: `min(${slot.size[1]}px,${(slot.size[1] * 100) / slot.size[0]}vw)`,
        });
      if (slot.lazy && !slot.invalid) lazy.observe(slot.el);
    }
    return decide(
      fresh.filter((slot) => !slot.lazy || slot.invalid),
      first,
    );
  }

  // Slots added later (SPA views, infinite lists) are decided, and slots whose attributes changed
  // (a new context, say) decided again; removed ones let go of observers.
  const changed: PageChanges = (records) => {
    const added: HTMLElement[] = [];
    const edited = new Set<HTMLElement>();
    for (const record of records) {
      const { target } = record;
      if (record.type === 'attributes') {
        // Decided already, and with other attributes than it has now (a page() that ran first may
        // have asked with these).
        if (target instanceof HTMLElement && askedWith.has(target) && !inContent(target))
          if (askedWith.get(target) !== asks(slotOf(target))) edited.add(target);
        continue;
      }
      record.removedNodes.forEach((node) => {
        if (node instanceof HTMLElement)
          for (const { el } of findSlots(node)) {
            tracking.release(el);
            lazy.unobserve(el);
          }
      });
      record.addedNodes.forEach((node) => {
        if (node instanceof HTMLElement && !inContent(node)) added.push(node);
      });
    }
    if (edited.size) void renderRoots([...edited], false, true);
    if (added.length) void renderRoots(added);
  };

  const renderer: Renderer = {
    reports,
    start: () => renderRoots([document], true),
    // The tag checked the arguments at its boundary (tag/decision-calls.ts).
    render: (root = document, again) => renderRoots([root], false, again),
    page({ url, again = false } = {}) {
      explicit = url ? [new URL(url, location.href).href, pageKey(location.href)] : undefined;
      // Once per URL: the page already decided, told again, is decided anew only when asked. A new
      // URL: the slots already decided for it (a view the SPA just rendered) are not asked twice.
      if (!again && shownPage === pageKey(pageUrl())) return Promise.resolve();
      shownPage = pageKey(pageUrl());
      return renderRoots([document], false, again);
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
