// The tag's listeners (`tag.on('error', …)`): a listener's mistake, or a caller's, never reaches
// the code that emits.

export interface Emitter<Events> {
  /**
  Adds `listener` for `type`; returns the function that removes it. An unknown type or a listener
  that is not a function (from a script-tag call, say) adds nothing.
  */
  on: <K extends keyof Events>(type: K, listener: (detail: Events[K]) => void) => () => boolean;
  /** Calls every listener of `type`, in the order they were added. */
  emit: <K extends keyof Events>(type: K, detail: Events[K]) => void;
}

/** An emitter of `types`, the only ones it takes listeners for. */
export function createEmitter<Events>(types: readonly (keyof Events)[]): Emitter<Events> {
  // A Map, not an object: `on('toString', …)` or a key whose toString throws finds nothing.
  const listeners = new Map(types.map((type) => [type, new Set<(detail: never) => void>()]));
  return {
    on(type, listener) {
      const set = typeof listener === 'function' ? listeners.get(type) : undefined;
      if (!set) return () => false;
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(type, detail) {
      for (const listener of listeners.get(type) ?? []) {
        try {
          (listener as (value: typeof detail) => void)(detail);
        } catch {
          // A listener's bug must not stop delivery.
        }
      }
    },
  };
}
