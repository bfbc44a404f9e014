// One pass per page: collect every slot, ask each decision API once (flows in parallel, one
// placements call per page type, one offers call), and fill each slot the moment its decision
// arrives. Every slot is revealed when decided, after `revealAfterMs`, or on any error, in a
// `finally`. A decision that arrives after its slot was revealed is applied only if the slot is
// off screen. Slots added later are filled too; removed ones release their observers.
import type { Settings } from '../options';
import type { Decisions } from '../decide/decisions';
import type { SlotwiseError } from '../errors';
import type { Decision } from '../wire/model';
import type { PageContext } from '../wire/algonomy';
import { cloak, hide, inView, isShown, reveal, stateOf, STATE } from './cloak';
import { fill } from './content';
import { findSlots, SLOT_SELECTOR, slotOf, type Slot } from './slots';
import { createTracking } from './tracking';
import type { SlotReport } from '../debug/overlay';

export interface Renderer {
  /** Decides the slots in `root` that are not decided yet. */
  render(root?: ParentNode): Promise<void>;
  /** A new page (SPA route): every slot is decided again. */
  page(url?: string): Promise<void>;
  /** What the renderer knows about each slot, for impressions and the debug overlay. */
  reports: WeakMap<Element, SlotReport>;
  stop(): void;
}

export interface RenderHooks {
  track(kind: 'rendered' | 'viewable' | 'click', decision: Decision): void;
  ping(url: string): void;
  error(error: SlotwiseError): void;
}

/** Lazy slots are decided when they come this close to the viewport. */
const LAZY_MARGIN = '300px';

export function createRenderer(settings: Settings, decisions: Decisions, hooks: RenderHooks): Renderer {
  const reports = new WeakMap<Element, SlotReport>();
  /** The page URL each slot was (or is being) decided for: a slot is decided once per URL. */
  const decidedFor = new WeakMap<Element, string>();
  let explicitUrl: string | undefined;
  const pageUrl = () => explicitUrl ?? location.href;
  const tracking = createTracking((kind, el) => {
    const decision = reports.get(el)?.decision;
    if (decision) hooks.track(kind, decision);
  });
  const lazy = new IntersectionObserver(
    (entries) => {
      const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target as HTMLElement);
      near.forEach((el) => lazy.unobserve(el));
      // Several lazy slots coming into view at once are decided in one batch.
      void decide(near.map(slotOf).filter((slot): slot is Slot => !!slot));
    },
    { rootMargin: LAZY_MARGIN },
  );

  async function apply(slot: Slot, decision: Decision | undefined, started: number): Promise<void> {
    const { el } = slot;
    // Removed meanwhile (SPA), or late while the reader already sees the default: leave it.
    if (!el.isConnected || (isShown(el) && inView(el))) return;
    const report: SlotReport = { source: slot.source, id: slot.id, ms: Math.round(performance.now() - started) };
    if (decision) report.decision = decision;
    reports.set(el, report);
    if (!decision?.content || decision.content.kind == 'json') {
      if (decision?.content) el.dispatchEvent(new CustomEvent('slotwise:decision', { detail: decision, bubbles: true }));
      if (slot.collapse && !decision?.content) el.style.display = 'none';
      return reveal(el, slot.collapse && !decision?.content ? 'collapsed' : 'default');
    }
    await fill(el, decision.content, settings.html, settings.nonce, slot.render ?? settings.render);
    reveal(el, 'decided');
    tracking.rendered(el, decision);
    if (decision.trackingUrl) hooks.ping(decision.trackingUrl);
  }

  async function decide(slots: Slot[]): Promise<void> {
    if (!slots.length) return;
    const url = pageUrl();
    slots.forEach((slot) => {
      decidedFor.set(slot.el, url);
      reports.set(slot.el, { source: slot.source, id: slot.id });
    });
    const started = performance.now();
    const timer = setTimeout(() => slots.forEach(({ el }) => stateOf(el) || reveal(el, 'timeout')), settings.revealAfterMs);
    const failed = (group: Slot[]) => (error: SlotwiseError) => {
      // Without consent nothing is asked: the defaults are the right content, not an error.
      if (error.code != 'consent') hooks.error(error);
      group.forEach(({ el }) => stateOf(el) || reveal(el, error.code == 'consent' ? 'default' : 'error'));
    };
    const each = (group: Slot[], all: Decision[]) =>
      Promise.all(group.map((slot) => apply(slot, all.find((decision) => decision.slot == slot.id), started)));
    const of = (source: Slot['source']) => slots.filter((slot) => slot.source == source);
    const [flows, placements, offers] = [of('flow'), of('placement'), of('offer')];
    const context: PageContext = Object.assign({}, ...placements.map((slot) => slot.context));
    const uniqueIds = (group: Slot[]) => [...new Set(group.map((slot) => slot.id))];
    try {
      await Promise.all([
        ...flows.map((slot) => decisions.flow({ friendlyId: slot.id }, url).then((decision) => apply(slot, decision, started)).catch(failed([slot]))),
        placements.length && decisions.placements(uniqueIds(placements), context).then((all) => each(placements, all)).catch(failed(placements)),
        offers.length &&
          decisions.offers(uniqueIds(offers).map((id) => offers.find((slot) => slot.id == id)!.offer!)).then((all) => each(offers, all)).catch(failed(offers)),
      ]);
    } finally {
      clearTimeout(timer);
      slots.forEach(({ el }) => stateOf(el) || reveal(el, 'default'));
    }
  }

  const renderer: Renderer = {
    reports,
    render(root = document) {
      cloak(settings.nonce);
      // Watch for slots added later only once the first pass has collected the page's slots,
      // so slots the parser adds one by one are still decided together.
      mutations.observe(document.documentElement, { childList: true, subtree: true });
      const fresh = findSlots(root).filter(({ el }) => decidedFor.get(el) != pageUrl());
      for (const slot of fresh) {
        if (slot.size) Object.assign(slot.el.style, { minWidth: `${slot.size[0]}px`, minHeight: `${slot.size[1]}px` });
        if (slot.lazy) lazy.observe(slot.el);
      }
      return decide(fresh.filter((slot) => !slot.lazy));
    },
    page(next) {
      explicitUrl = next && new URL(next, location.href).href;
      // Slots already decided for this URL (a view the SPA just rendered) are not asked twice.
      for (const el of document.querySelectorAll<HTMLElement>(SLOT_SELECTOR))
        if (decidedFor.get(el) != pageUrl()) {
          tracking.release(el);
          hide(el);
        }
      return renderer.render();
    },
    stop() {
      mutations.disconnect();
      lazy.disconnect();
      tracking.stop();
    },
  };

  // Slots added later (SPA views, infinite lists) are decided; removed ones let go of observers.
  const mutations = new MutationObserver((records) => {
    for (const record of records) {
      record.removedNodes.forEach((node) => {
        if (node instanceof HTMLElement) for (const { el } of findSlots(node)) (tracking.release(el), lazy.unobserve(el));
      });
      // Content we put into a slot is not a new slot, whatever its attributes say.
      record.addedNodes.forEach((node) => node instanceof HTMLElement && !node.parentElement?.closest(`[${STATE}]`) && void renderer.render(node));
    }
  });
  return renderer;
}
