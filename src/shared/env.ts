// Guards for the browser globals, so importing or running Slotwise without a DOM (Node, SSR,
// workers) does nothing instead of throwing.

export const hasDom = (): boolean => typeof window == 'object' && typeof document == 'object';

/** localStorage, or undefined where it is missing or throws (private modes, sandboxed iframes). */
export function localStore(): Storage | undefined {
  try {
    const storage = window.localStorage;
    storage.getItem('');
    return storage;
  } catch {
    return undefined;
  }
}
