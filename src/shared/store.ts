// The tag's storage: one namespace of localStorage or sessionStorage (`slotwise:v1:<clientKey>:`
// for a tag), where reading and writing never throw. Where the browser refuses a write (private
// modes, sandboxed frames, a full quota) the value lives in memory for this page instead, so what
// was just written can always be read back; `set` says whether it will outlive the page.

export interface Store {
  /** The value stored under `name`, or null. */
  get(name: string): string | null;
  /** Stores the value; false when the browser refused it and it is kept for this page only. */
  set(name: string, value: string): boolean;
  remove(name: string): void;
  /** The names that start with `start`, stored or kept in memory, in no particular order. */
  names(start: string): string[];
}

/** localStorage or sessionStorage, or undefined where it is missing or throws (private modes, sandboxed frames). */
export function storageArea(area: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    const storage = window[area];
    storage.getItem('');
    return storage;
  } catch {
    return undefined;
  }
}

export function createStore(prefix: string, storage: Storage | undefined): Store {
  const memory = new Map<string, string>();
  const attempt = <T>(task: (storage: Storage) => T): T | undefined => {
    try {
      return storage && task(storage);
    } catch {
      return undefined;
    }
  };
  return {
    get: (name) => memory.get(name) ?? attempt((s) => s.getItem(prefix + name)) ?? null,
    set(name, value) {
      const kept = attempt((s) => (s.setItem(prefix + name, value), true)) ?? false;
      // A value the browser took replaces one kept in memory after an earlier refusal.
      if (kept) memory.delete(name);
      else memory.set(name, value);
      return kept;
    },
    remove(name) {
      memory.delete(name);
      attempt((s) => {
        s.removeItem(prefix + name);
      });
    },
    names(start) {
      const found = new Set([...memory.keys()].filter((name) => name.startsWith(start)));
      attempt((s) => {
        for (let i = 0; i < s.length; i++) {
          const key = s.key(i);
          if (key?.startsWith(prefix + start)) found.add(key.slice(prefix.length));
        }
      });
      return [...found];
    },
  };
}
