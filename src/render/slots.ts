// Slots are marked in the page's HTML; this reads them. Pure DOM reading, no side effects.
import type { PageContext } from '../wire/algonomy';
import { offerSlot, type OfferCall } from '../wire/adobe';
import type { Source } from '../wire/model';

export interface Slot {
  el: HTMLElement;
  source: Source;
  /** The flow's friendlyId, the placement name, or the offer's `placementId|activityId`. */
  id: string;
  offer?: OfferCall;
  /** Page context for placements (`data-slotwise-context='{"productId":"X"}'`). */
  context: PageContext;
  /** Decide only when near the viewport (`data-slotwise-lazy`). */
  lazy: boolean;
  /** An empty decision hides the slot (`data-slotwise-empty="collapse"`) instead of keeping its default. */
  collapse: boolean;
  /** `data-slotwise-size="300x250"`: the box to keep. */
  size?: [width: number, height: number];
  /** `data-slotwise-render="iframe"`: this slot's HTML goes into a sandboxed iframe. */
  render?: 'inline' | 'iframe';
}

export const SLOT_SELECTOR = '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]';

export function slotOf(el: HTMLElement): Slot | undefined {
  const data = el.dataset;
  let context: PageContext = {};
  try {
    const parsed: unknown = JSON.parse(data.slotwiseContext || '{}');
    if (parsed && typeof parsed == 'object') context = parsed as PageContext;
  } catch {
    // A broken context attribute only loses the context, not the slot.
  }
  const size = /^(\d+)x(\d+)$/.exec(data.slotwiseSize ?? '');
  const slot = {
    el,
    context,
    lazy: 'slotwiseLazy' in data,
    collapse: data.slotwiseEmpty == 'collapse',
    ...(size ? { size: [Number(size[1]), Number(size[2])] as [number, number] } : {}),
    ...(/^(inline|iframe)$/.test(data.slotwiseRender ?? '') ? { render: data.slotwiseRender as 'inline' | 'iframe' } : {}),
  };
  if (data.slotwiseFlow) return { ...slot, source: 'flow', id: data.slotwiseFlow };
  if (data.slotwisePlacement) return { ...slot, source: 'placement', id: data.slotwisePlacement };
  if (data.slotwiseOffer && data.slotwiseActivity) {
    const offer = { placementId: data.slotwiseOffer, activityId: data.slotwiseActivity, itemCount: Number(data.slotwiseItems) || 1 };
    return { ...slot, source: 'offer', id: offerSlot(offer), offer };
  }
  return undefined;
}

/** Every slot in `root`, `root` itself included. */
export function findSlots(root: ParentNode): Slot[] {
  const elements = [...root.querySelectorAll<HTMLElement>(SLOT_SELECTOR)];
  if (root instanceof HTMLElement && root.matches(SLOT_SELECTOR)) elements.unshift(root);
  return elements.map(slotOf).filter((slot): slot is Slot => !!slot);
}
