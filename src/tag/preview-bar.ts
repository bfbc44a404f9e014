// The preview bar: on ?slotwise_debug=1, or while a marketer previews, it lists and outlines every
// slot. It is loaded on demand, and like every file of ours only with consent: at start, or when
// consent is granted later.
import { loadOverlay } from '../loaders/dynamic-import';
import type { Engine } from '../types/parts';
import type { Failure } from '../shared/result';

export interface PreviewBar {
  /** Loads and shows the bar, once, if the page asks for it and consent allows. */
  show(): void;
  /** Removes the bar, if it is shown. */
  close(): void;
}

export function previewBar({
  nonce,
  engine,
  preview,
  endPreview,
  allowed,
  stopped,
}: {
  nonce: string;
  engine: () => Promise<Engine>;
  /** The marketer's preview in force, if any. */
  preview: () => string | undefined;
  /** Ends the preview: the bar's Exit button. */
  endPreview: () => void;
  /** Whether our files may load (consent, not destroyed). */
  allowed: () => boolean;
  /** Why nothing is shown any more (the tag was destroyed meanwhile), if it is not. */
  stopped: () => Failure | undefined;
}): PreviewBar {
  let asked = false;
  let close = () => {};
  return {
    show() {
      const previewing = preview();
      if (asked || !allowed() || !(previewing || /[?&]slotwise_debug=1\b/.test(location.search))) return;
      asked = true;
      Promise.all([loadOverlay(nonce), engine()]).then(
        ([show, e]) => {
          if (!stopped())
            close = show(() => e.reports(), nonce, previewing ? { value: previewing, end: endPreview } : undefined);
        },
        () => {
          console.warn('slotwise: the preview bar could not load (it needs consent and the slot engine)');
        },
      );
    },
    close: () => {
      close();
    },
  };
}
