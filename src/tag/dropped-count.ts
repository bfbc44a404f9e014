// How many events this browser has given up on, for the `error` listeners' `dropped`: kept in
// storage, so it counts across page loads.
import type { Store } from '../shared/store';

/** Returns a function that counts one more dropped event and answers the count. */
export function droppedCounter(store: Store): () => number {
  return () => {
    const dropped = (Number(store.get('dropped')) || 0) + 1;
    store.set('dropped', String(dropped)); // with full storage, counted for this page only
    return dropped;
  };
}
