// The one observer of the page's slots. The core listens for an SPA's first slot (slots/driver.ts),
// the slot engine for slots added later and slots removed (engine/renderer.ts, through
// CoreServices.watch): both watch the same subtree, so one MutationObserver serves both.
//
// Deliberately module-level, like the anti-flicker rule (visibility.ts): there is one page, so one
// observer, shared by the core and the engine's file. It is created on first use, never on import,
// so the npm build still imports on a server.
import { STATE } from '../shared/markup';
import type { SlotChanges } from '../types/parts';

const listeners = new Set<SlotChanges>();
let observer: MutationObserver | undefined;

/** Reports every batch of changes to `listener` until the returned function is called. */
export function watchSlots(listener: SlotChanges): () => void {
  const watcher = (observer ??= new MutationObserver((records) => {
    const added: HTMLElement[] = [];
    const removed: HTMLElement[] = [];
    for (const record of records) {
      record.removedNodes.forEach((node) => {
        if (node instanceof HTMLElement) removed.push(node);
      });
      // Content we put into a slot is not a new slot, whatever its attributes say.
      record.addedNodes.forEach((node) => {
        if (node instanceof HTMLElement && !node.parentElement?.closest(`[${STATE}]`)) added.push(node);
      });
    }
    listeners.forEach((listen) => {
      listen(added, removed);
    });
  }));
  // Observing again is harmless: the options are the same, and a Set holds a listener once.
  listeners.add(listener);
  watcher.observe(document.documentElement, { childList: true, subtree: true });
  return () => {
    listeners.delete(listener);
    if (!listeners.size) watcher.disconnect();
  };
}
