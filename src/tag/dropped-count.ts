// How many events this browser has given up on, for the `error` listeners' `dropped`: kept in
// storage, so it counts across page loads.

/** Returns a function that counts one more dropped event and answers the count. */
export function droppedCounter(storage: Storage | undefined, key: string): () => number {
  return () => {
    const dropped = (Number(storage?.getItem(key)) || 0) + 1;
    try {
      storage?.setItem(key, String(dropped));
    } catch {
      // full storage: counted for this page only
    }
    return dropped;
  };
}
