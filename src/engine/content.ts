// Puts a decision's content into a slot. Returned HTML is sanitized by default (the browser's
// Element.setHTML strips scripts, event handlers and javascript: URLs; elsewhere DOMPurify, loaded
// on demand); creatives are built as elements with text and attributes, and only http(s) links
// and images are kept. Scripts from an API never run in the host page (or only in a sandboxed
// frame, for slots that ask for one; that code loads on demand).
import { SlotwiseError, couldNotLoad } from '../types/errors';
import { sizeOf } from '../shared/markup';
import type { Content, Creative } from '../types/decision';
import type { CoreServices } from '../types/parts';

/** An absolute http(s) URL, or nothing: `javascript:`, `data:` and the like are dropped. */
export function safeUrl(value: string | undefined): string | undefined {
  try {
    const url = new URL(value ?? '', location.href);
    return value && /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
A creative as an element. A link always has a name: the image's alt, else the creative's text
(the image is then decorative, its alt empty, so the name is said once), else `name` (the
decision's creative or campaign name), else where it goes. An image outside a link keeps an
empty alt the API sends (decorative).
*/
function creativeElement(item: Creative, name?: string): HTMLElement {
  const href = safeUrl(item.href);
  const box = document.createElement(href ? 'a' : 'div');
  box.className = 'slotwise-creative';
  if (href) Object.assign(box, { href, rel: 'noopener' });
  const src = safeUrl(item.imageUrl);
  if (src) {
    const image = document.createElement('img');
    image.src = src;
    // A blank alt (or text) names nothing: a link whose only content is such an image would have no name.
    const alt = item.alt?.trim();
    image.alt = alt || (item.text?.trim() || (item.alt !== undefined && !href) ? '' : (name ?? href ?? ''));
    const size = sizeOf(item.size);
    if (size) Object.assign(image, { width: size[0], height: size[1] });
    box.append(image);
  }
  if (item.text) box.append(Object.assign(document.createElement('span'), { textContent: item.text }));
  return box;
}

/**
The most HTML one slot takes, in characters: the sanitizer parses it on the page's main thread,
and megabytes of it freeze the page for seconds. Rich campaign HTML weighs a few kB.
*/
export const MAX_SLOT_HTML = 128 * 1024;

type SetHTML = (html: string, options?: { sanitizer: { removeElements: string[] } }) => void;

/**
Builds the content off-document: the nodes to put into the slot, or nothing when there is nothing
left to show (sanitizing removed it all). The caller swaps them in one step.
*/
export async function prepare(
  core: CoreServices,
  content: Content,
  html: 'sanitize' | 'trusted',
  nonce: string,
  render = 'inline',
  slot = '',
  name?: string,
): Promise<Node[]> {
  if (content.kind === 'creative') return content.items.map((item) => creativeElement(item, name));
  if (content.kind !== 'html') return [];
  if (content.html.length > MAX_SLOT_HTML)
    throw new SlotwiseError(
      'rejected',
      `${content.html.length} characters of HTML for slot ${slot}, over the limit of ${MAX_SLOT_HTML}`,
    );
  if (render === 'iframe') {
    const frame = await core.loadFramer(nonce).catch(() => {
      throw couldNotLoad('slotwise-frame.min.js');
    });
    return [frame(content.html, (html) => core.trustedHTML(html))];
  }
  const box = document.createElement('div');
  const setHTML = (box as HTMLElement & { setHTML?: SetHTML }).setHTML;
  // setHTML always removes scripts, event handlers and javascript: URLs; its default allow-list
  // would also drop images, classes and styles that campaigns are made of. What goes besides:
  // <style> (it restyles the whole page), <base> (it re-bases every relative URL of the page,
  // scripts included) and <meta>/<link> (a refresh, a preload): what DOMPurify drops too.
  if (html === 'sanitize' && setHTML)
    setHTML.call(box, content.html, { sanitizer: { removeElements: ['style', 'base', 'meta', 'link'] } });
  else
    box.innerHTML = core.trustedHTML(
      html === 'trusted' ? content.html : (await core.loadSanitizer(nonce))(content.html, core.trustedTypesPolicy()),
    );
  return box.childElementCount || box.textContent.trim() ? [...box.childNodes] : [];
}
