// The one observer of the page (and so of its slots). The core listens for an SPA's first slot (slots/driver.ts),
// the slot engine for slots added later and slots removed (engine/renderer.ts, through
// CoreServices.watch): both watch the same subtree, so one MutationObserver serves both.
//
// Deliberately module-level, like the anti-flicker rule (visibility.ts): there is one page, so one
// observer, shared by the core and the engine's file. It is created on first use, never on import,
// so the npm build still imports on a server.
import type { PageChanges } from '../types/parts';

/** The attributes that say what a slot asks for: when one changes, the slot is decided again. */
const SLOT_ATTRIBUTES = ['flow', 'placement', 'offer', 'activity', 'items', 'context'].map(
  (name) => 'data-slotwise-' + name,
);

const listeners = new Set<PageChanges>();
let observer: MutationObserver | undefined;

/**
Reports every batch of changes to the page's elements, and to the attributes of its slots, to
`listener` until the returned function is called.
*/
export function watchPage(listener: PageChanges): () => void {
  const watcher = (observer ??= new MutationObserver((records) => {
    listeners.forEach((listen) => {
      listen(records);
    });
  }));
  listeners.add(listener);
  watcher.observe(document.documentElement, { childList: true, subtree: true, attributeFilter: SLOT_ATTRIBUTES });
  return () => {
    listeners.delete(listener);
    if (!listeners.size) watcher.disconnect();
  };
}
