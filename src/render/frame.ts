// render: 'iframe': a creative that brings its own scripts gets a sandboxed frame, sized to its
// content. Loaded on demand; the caller hands in its Trusted Types sink, since a second policy of
// the same name would be refused.

/** Creatives' own frames report their height; only messages from a frame we made are read. */
function sizeFrames(event: MessageEvent): void {
  const height = (event.data as { slotwiseHeight?: unknown } | null)?.slotwiseHeight;
  for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe[data-slotwise-frame]'))
    if (frame.contentWindow == event.source && typeof height == 'number') frame.style.height = `${Math.ceil(height)}px`;
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
  Object.assign(frame.style, { border: '0', width: '100%', height: '100%', display: 'block' });
  const sizer = '<script>new ResizeObserver(()=>parent.postMessage({slotwiseHeight:document.documentElement.getBoundingClientRect().height},"*")).observe(document.documentElement)</script>';
  frame.srcdoc = trustedHTML(`<!doctype html><meta charset="utf-8"><base target="_blank"><body style="margin:0">${html}${sizer}`);
  addEventListener('message', sizeFrames); // once: the same listener is not added twice
  return frame;
}
