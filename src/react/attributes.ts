// The data- attributes that make an element a slot, from typed props: what <Slot> puts on its
// container and what an app spreads on an element it renders itself (useDecision).

/** Which decision fills the slot: a Sitecore flow, an Algonomy placement, or an Adobe offer. */
export type SlotTarget =
  | { flow: string; placement?: never; offer?: never; activity?: never; items?: never }
  | { placement: string; flow?: never; offer?: never; activity?: never; items?: never }
  | { offer: string; activity: string; items?: number; flow?: never; placement?: never };

/** How the slot is decided and shown (see the README's attribute table). */
export interface SlotSettings {
  /** Page context for placements, e.g. `{ productId: 'SKU-1' }`: an object (serialized with sorted keys) or JSON text. */
  context?: Readonly<Record<string, unknown>> | string | undefined;
  /** The box to keep, `'300x250'` or `[300, 250]`. */
  size?: string | readonly [width: number, height: number] | undefined;
  /** Decide only when the slot comes near the viewport. */
  lazy?: boolean | undefined;
  /** An empty decision hides the slot instead of showing the fallback. */
  collapse?: boolean | undefined;
  /** `'iframe'`: this slot's HTML goes into a sandboxed frame. */
  render?: 'inline' | 'iframe' | undefined;
}

export type SlotAttributes = Partial<Record<`data-slotwise-${string}`, string>>;

const sorted = (_key: string, value: unknown): unknown =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value;

/**
JSON with every object's keys in order: equal objects give equal text, so a parent that builds a
new context object on each render never changes the attribute (and never re-decides the slot).
*/
export const stableJson = (value: unknown): string => JSON.stringify(value, sorted);

/**
The slot's `data-slotwise-*` attributes.
@example <section ref={ref} {...slotAttributes({ flow: 'home_data' })}>…</section>
*/
export function slotAttributes(slot: SlotTarget & SlotSettings): SlotAttributes {
  const { context, size, lazy, collapse, render } = slot;
  const attributes: SlotAttributes = {};
  if (slot.flow !== undefined) attributes['data-slotwise-flow'] = slot.flow;
  else if (slot.placement !== undefined) attributes['data-slotwise-placement'] = slot.placement;
  else {
    attributes['data-slotwise-offer'] = slot.offer;
    attributes['data-slotwise-activity'] = slot.activity;
    if (slot.items !== undefined) attributes['data-slotwise-items'] = String(slot.items);
  }
  if (context !== undefined)
    attributes['data-slotwise-context'] = typeof context === 'string' ? context : stableJson(context);
  if (size !== undefined) attributes['data-slotwise-size'] = typeof size === 'string' ? size : size.join('x');
  if (lazy) attributes['data-slotwise-lazy'] = '';
  if (collapse) attributes['data-slotwise-empty'] = 'collapse';
  if (render) attributes['data-slotwise-render'] = render;
  return attributes;
}
