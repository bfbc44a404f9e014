// render: 'iframe': a creative that brings its own scripts gets a sandboxed frame, sized to its
// content. Loaded on demand; the caller hands in its Trusted Types sink, since a second policy of
// the same name would be refused.

/** The tallest a frame grows, in CSS pixels, whatever its creative says (a few screens). */
export const MAX_FRAME_HEIGHT = 4000;

/** The frames we made: a frame the creative's own HTML brought along is never sized. */
const ours = new WeakSet<HTMLIFrameElement>();

/**
A frame reports its height; only a message from that frame's own window counts, and only a
number from 0 up, clamped to MAX_FRAME_HEIGHT: its creative's scripts can post anything.
*/
function sizeFrames(event: MessageEvent): void {
  const height = (event.data as { slotwiseHeight?: unknown } | null)?.slotwiseHeight;
  if (typeof height !== 'number' || !(height >= 0)) return;
  for (const frame of document.querySelectorAll('iframe'))
    if (ours.has(frame) && event.source && frame.contentWindow === event.source)
      frame.style.height = `${Math.ceil(Math.min(height, MAX_FRAME_HEIGHT))}px`;
}

/**
HTML in a sandboxed frame without same-origin access: its scripts run there, never in the page,
and cannot reach it. Under a page CSP the frame inherits it: then nothing in it runs, not even
the sizing script (the page's nonce is never handed to API content), and the frame keeps the
slot's declared size.
*/
export function frameElement(html: string, trustedHTML: (html: string) => string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts allow-popups allow-popups-to-escape-sandbox');
  frame.setAttribute('data-slotwise-frame', '');
  ours.add(frame);
  Object.assign(frame.style, { border: '0', width: '100%', height: '100%', display: 'block' });
  const sizer =
    '<script>new ResizeObserver(()=>parent.postMessage({slotwiseHeight:document.documentElement.getBoundingClientRect().height},"*")).observe(document.documentElement)</script>';
  frame.srcdoc = trustedHTML(
    `<!doctype html><meta charset="utf-8"><base target="_blank"><body style="margin:0">${html}${sizer}`,
  );
  addEventListener('message', sizeFrames); // once: the same listener is not added twice
  return frame;
}
