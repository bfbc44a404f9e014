// Slots are marked in the page's HTML; this reads them. Pure DOM reading, no side effects.
import { isPlacementName, offerSlot } from '../shared/markup';
import { SLOT_SELECTOR, sizeOf } from '../shared/markup';
import type { Source } from '../types/decision';
import type { OfferCall, PageContext } from '../types/wire';

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
  /** What is wrong with the slot's attributes: it is shown as is and not asked for. */
  invalid?: string;
}

export function slotOf(el: HTMLElement): Slot {
  const data = el.dataset;
  let context: PageContext = {};
  try {
    const parsed: unknown = JSON.parse(data.slotwiseContext || '{}');
    if (parsed && typeof parsed === 'object') context = parsed as PageContext;
  } catch {
    // A broken context attribute only loses the context, not the slot.
  }
  const size = sizeOf(data.slotwiseSize);
  const slot = {
    el,
    context,
    lazy: 'slotwiseLazy' in data,
    collapse: data.slotwiseEmpty === 'collapse',
    ...(size ? { size } : {}),
    ...(/^(inline|iframe)$/.test(data.slotwiseRender ?? '')
      ? { render: data.slotwiseRender as 'inline' | 'iframe' }
      : {}),
  };
  if (data.slotwiseFlow) return { ...slot, source: 'flow', id: data.slotwiseFlow };
  const placement = data.slotwisePlacement;
  if (placement) {
    const named = { ...slot, source: 'placement' as const, id: placement };
    return isPlacementName(placement) ? named : { ...named, invalid: `"${named.id}" is not pageType.name` };
  }
  const offer = {
    placementId: data.slotwiseOffer ?? '',
    activityId: data.slotwiseActivity ?? '',
    itemCount: Number(data.slotwiseItems ?? 1),
  };
  const invalid = !offer.activityId
    ? 'data-slotwise-activity is missing'
    : Number.isInteger(offer.itemCount) && offer.itemCount >= 1 && offer.itemCount <= 30
      ? undefined
      : 'data-slotwise-items must be 1 to 30';
  return { ...slot, source: 'offer', id: offerSlot(offer), offer, ...(invalid ? { invalid } : {}) };
}

/** Every slot in `root`, `root` itself included. */
export function findSlots(root: ParentNode): Slot[] {
  const elements = [...root.querySelectorAll<HTMLElement>(SLOT_SELECTOR)];
  if (root instanceof HTMLElement && root.matches(SLOT_SELECTOR)) elements.unshift(root);
  return elements.map(slotOf);
}
