// The one observer of the page (and so of its slots). The core listens for an SPA's first slot (slots/driver.ts),
// the slot engine for slots added later and slots removed (engine/renderer.ts, through
// CoreServices.watch): both watch the same subtree, so one MutationObserver serves both.
//
// Deliberately module-level, like the anti-flicker rule (visibility.ts): there is one page, so one
// observer, shared by the core and the engine's file. It is created on first use, never on import,
// so the npm build still imports on a server.
import type { PageChanges } from '../types/parts';

const listeners = new Set<PageChanges>();
let observer: MutationObserver | undefined;

/** Reports every batch of changes to the page's elements to `listener` until the returned function is called. */
export function watchPage(listener: PageChanges): () => void {
  const watcher = (observer ??= new MutationObserver((records) => {
    listeners.forEach((listen) => {
      listen(records);
    });
  }));
  listeners.add(listener);
  watcher.observe(document.documentElement, { childList: true, subtree: true });
  return () => {
    listeners.delete(listener);
    if (!listeners.size) watcher.disconnect();
  };
}
