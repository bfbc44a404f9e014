// Cross-tab mutual exclusion with the Web Locks API: the lock is released when its callback
// settles or the tab goes away, so a closed tab never strands the queue. Where the API is
// missing or refuses (opaque origins), the task just runs, and only the leases the queue keeps
// stop two tabs from sending the same event.
// `signal` withdraws the request while it waits; the task then never runs.
export function withLock<T>(name: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const locks = typeof navigator === 'object' ? navigator.locks : undefined;
  if (!locks) return task();
  let started = false;
  const run = () => ((started = true), task());
  // request() settles as the callback's promise does; lib.dom types it as a promise of that promise.
  const locked = locks.request(name, signal ? { signal } : {}, run) as Promise<T>;
  // Refused before the task started, and not withdrawn: the task runs without the lock. Otherwise
  // the failure stands.
  return locked.catch(() => (started || signal?.aborted ? locked : task()));
}
