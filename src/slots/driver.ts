// The core's side of the slots: it keeps them hidden until the slot engine has decided them,
// loads the engine (and the codecs the page's slots use) when the page first needs it, and shows
// the defaults wherever the engine cannot run: without consent, when it cannot load, or when it
// arrives after `revealAfterMs`. Hiding and showing live in the core (visibility.ts), so that
// nothing depends on how fast the engine's file arrives.
import { SlotwiseError, couldNotLoad } from '../types/errors';
import { SLOT_SELECTOR } from '../shared/markup';
import { loadEngine, loadFlowsCodec, loadOffersCodec, loadPlacementsCodec } from '../loaders/dynamic-import';
import { cloak, recloak, revealBudget, showUndecided, uncloak } from './visibility';
import { watchPage } from './watcher';
import type { Settings } from '../types/options';
import type { CreateEngine, Engine } from '../types/parts';

export interface SlotDriver {
  /** The page is parsed: decide its slots, or watch for the first one an SPA adds. */
  start(): void;
  /** Consent was granted after the page started: its slots are decided from now on. */
  granted(): void;
  /** The engine, loaded if need be; rejects without consent or when it cannot load. */
  engine(): Promise<Engine>;
  /** Whether the engine was asked for already. */
  asked(): boolean;
  stop(): void;
}

export function createSlotDriver(
  settings: Settings,
  allowed: () => boolean,
  make: (create: CreateEngine) => Engine,
): SlotDriver {
  const hasSlots = () => !!document.querySelector(SLOT_SELECTOR);
  let engine: Promise<Engine> | undefined;
  let started = false;

  const load = (): Promise<Engine> =>
    (engine ??= loadEngine(settings.nonce)
      .then(make)
      .catch(() => {
        engine = undefined; // asked again on the next call
        uncloak(settings.nonce);
        throw couldNotLoad('slotwise-slots.min.js');
      }));

  /** Starts loading the engine and the codecs of the page's slots now, beside the browser id. */
  const warm = () => {
    void load().catch(() => {});
    const codecs = [
      ['flow', loadFlowsCodec, true],
      ['placement', loadPlacementsCodec, !!settings.placements],
      ['offer', loadOffersCodec, !!settings.offers],
    ] as const;
    for (const [kind, loadCodec, configured] of codecs)
      if (configured && document.querySelector(`[data-slotwise-${kind}]`))
        void loadCodec(settings.nonce).catch(() => {});
  };

  /** Decides the page's slots; `first`: they have been hidden since navigation began. */
  const fill = (first: boolean) => {
    if (!hasSlots()) return;
    if (!allowed()) {
      // No consent, no decisions: the defaults are the content, now and for slots added later.
      showUndecided('default');
      uncloak(settings.nonce);
      return;
    }
    cloak(settings.nonce);
    // Until the engine takes over, the core keeps the promise of revealAfterMs.
    const late = setTimeout(
      () => {
        showUndecided('timeout');
      },
      revealBudget(settings.revealAfterMs, first),
    );
    warm();
    void load().then(
      (e) => {
        clearTimeout(late);
        if (allowed()) void (first ? e.renderer.start() : e.renderer.render());
      },
      () => {
        clearTimeout(late);
      },
    );
  };

  // A page without slots yet (an SPA before its first view) loads the engine when one appears;
  // from then on the engine takes its own place among the watcher's listeners.
  let stopWaiting: (() => void) | undefined;
  const firstSlot = () => {
    if (!hasSlots()) return;
    stopWaiting?.();
    fill(false);
  };

  // Hidden from now, even without the snippet (a script tag in the <head>): no slot the parser adds
  // paints its default first; without consent, shown from now, since the defaults are the content.
  // Until the page is parsed and its first pass keeps the promise of revealAfterMs, they show after
  // it anyway (as with the snippet's safety net), even while a slow script holds up parsing. Slots
  // already parsed: their code loads now, while the rest of the page is still parsing.
  cloak(settings.nonce, revealBudget(settings.revealAfterMs, true));
  if (!allowed()) uncloak(settings.nonce);
  else if (hasSlots()) warm();

  return {
    start() {
      started = true;
      if (hasSlots()) {
        fill(true);
        return;
      }
      if (allowed()) {
        // Slots an SPA adds later stay hidden until decided, even after the snippet's safety net.
        cloak(settings.nonce);
        recloak();
      }
      stopWaiting = watchPage(firstSlot);
    },
    granted() {
      if (!started) return;
      recloak();
      fill(false);
    },
    engine: () => (allowed() ? load() : Promise.reject(new SlotwiseError('consent', 'No decisions without consent'))),
    asked: () => !!engine,
    stop() {
      stopWaiting?.();
      void engine?.then(
        (e) => {
          e.renderer.stop();
        },
        () => {},
      );
    },
  };
}
