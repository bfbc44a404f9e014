// Storage as the browser may hand it to the tag: localStorage that refuses writes while its quota
// is full.

/** localStorage that refuses every write while `state.full` is set, as a full quota does. */
export function quotaStorage() {
  const state = { full: false };
  const storage = {
    get length() {
      return localStorage.length;
    },
    key: (i: number) => localStorage.key(i),
    getItem: (key: string) => localStorage.getItem(key),
    setItem: (key: string, value: string) => {
      if (state.full) throw new DOMException('full', 'QuotaExceededError');
      localStorage.setItem(key, value);
    },
    removeItem: (key: string) => localStorage.removeItem(key),
  } as Storage;
  return { storage, state };
}
