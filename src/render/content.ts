// Puts a decision's content into a slot. Returned HTML is sanitized by default (the browser's
// Element.setHTML strips scripts, event handlers and javascript: URLs; elsewhere DOMPurify, loaded
// on demand); creatives are built as elements with text and attributes, and only http(s) links
// and images are kept. Scripts from an API never run in the host page.
import type { Content, Creative } from '../wire/model';
import { loadSanitizer } from '../chunks';
import { trustedHTML } from './trusted';

/** An absolute http(s) URL, or nothing: `javascript:`, `data:` and the like are dropped. */
export function safeUrl(value: string | undefined): string | undefined {
  try {
    const url = new URL(value ?? '', location.href);
    return value && /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function creativeElement(item: Creative): HTMLElement {
  const href = safeUrl(item.href);
  const box = document.createElement(href ? 'a' : 'div');
  box.className = 'slotwise-creative';
  if (href) Object.assign(box, { href, rel: 'noopener' });
  const src = safeUrl(item.imageUrl);
  if (src) {
    const image = document.createElement('img');
    image.src = src;
    image.alt = item.alt ?? item.text ?? '';
    const size = /^(\d+)x(\d+)$/.exec(item.size ?? '');
    if (size) Object.assign(image, { width: Number(size[1]), height: Number(size[2]) });
    box.append(image);
  }
  if (item.text) box.append(Object.assign(document.createElement('span'), { textContent: item.text }));
  return box;
}

/** Creatives' own frames report their height; only messages from a frame we made are read. */
function sizeFrames(event: MessageEvent): void {
  const height = (event.data as { slotwiseHeight?: unknown } | null)?.slotwiseHeight;
  for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe[data-slotwise-frame]'))
    if (frame.contentWindow == event.source && typeof height == 'number') frame.style.height = `${Math.ceil(height)}px`;
}

/**
HTML in a sandboxed frame without same-origin access: its scripts run there, never in the page,
and cannot reach it. Under a page CSP the frame inherits it, so only our nonce'd sizing script runs.
*/
function frameElement(html: string, nonce: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts allow-popups allow-popups-to-escape-sandbox');
  frame.setAttribute('data-slotwise-frame', '');
  Object.assign(frame.style, { border: '0', width: '100%', display: 'block' });
  const sizer = `<script nonce="${nonce}">new ResizeObserver(()=>parent.postMessage({slotwiseHeight:document.documentElement.getBoundingClientRect().height},"*")).observe(document.documentElement)</script>`;
  frame.srcdoc = trustedHTML(`<!doctype html><meta charset="utf-8"><base target="_blank"><body style="margin:0">${html}${sizer}`);
  addEventListener('message', sizeFrames); // once: the same listener is not added twice
  return frame;
}

/** Builds the content off-document, then swaps it in one step, so the slot changes in one frame. */
export async function fill(el: HTMLElement, content: Content, html: 'sanitize' | 'trusted', nonce: string, render = 'inline'): Promise<void> {
  if (content.kind == 'creative') return el.replaceChildren(...content.items.map(creativeElement));
  if (content.kind != 'html') return;
  if (render == 'iframe') return el.replaceChildren(frameElement(content.html, nonce));
  const setHTML = (el as HTMLElement & { setHTML?: (html: string) => void }).setHTML;
  if (html == 'sanitize' && setHTML) return setHTML.call(el, content.html);
  const clean = html == 'trusted' ? content.html : (await loadSanitizer(nonce))(content.html);
  el.innerHTML = trustedHTML(clean);
}
