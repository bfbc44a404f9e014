// An app's code against the published types (`slotwise` as the package exports it, so the bundled
// dist/slotwise.d.mts or .d.cts): type-checked by `npm run typecheck`, and by package-types.test.ts
// under each module resolution and without the DOM event's declaration. Never run.
import { createTag, isSlotwiseError, type Content, type Creative, type Decision } from 'slotwise';

export function onSlot(el: HTMLElement): string[] {
  const seen: string[] = [];
  // The slot's event, typed by the global event maps the package declares.
  el.addEventListener('slotwise:decision', (event) => {
    seen.push(event.detail.slot);
    if (event.detail.content?.kind === 'json') event.preventDefault();
  });
  document.addEventListener('slotwise:decision', (event) => seen.push(event.detail.source));
  return seen;
}

interface Offers {
  offers: { sku: string }[];
}

export async function nextBestOffer(): Promise<string | undefined> {
  const tag = createTag({ clientKey: 'k', target: '/sitecore', pointOfSale: 'shop', currency: 'EUR' });
  const result = await tag.flow<Offers>('next_best_offer');
  if (!result.ok) return isSlotwiseError(result.error) ? result.reason : undefined;
  const decision: Decision<Offers> = result.decision;
  const content: Content<Offers> | null = decision.content;
  if (content?.kind === 'json') return content.data.offers[0]?.sku;
  // @ts-expect-error data is the flow's T, not any
  const wrong: number = result.data.offers;
  return String(wrong);
}

export const creatives = (decision: Decision): Creative[] =>
  decision.content?.kind === 'creative' ? decision.content.items : [];
