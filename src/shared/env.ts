// Guards for the browser globals, so importing or running Slotwise without a DOM (Node, SSR,
// workers) does nothing instead of throwing.

export const hasDom = (): boolean => typeof window === 'object' && typeof document === 'object';
