// A Web Locks API for tests: exclusive locks granted in request order, a signal withdraws a
// waiting request, and query() lists what is held and what waits, as a browser's lock manager does.
import { vi } from 'vitest';

export function installLocks() {
  const held = new Set<string>();
  const waiting = new Map<string, Array<() => void>>();
  const locks = {
    request(name: string, ...rest: unknown[]): Promise<unknown> {
      const task = rest.pop() as () => unknown;
      const { signal } = (rest[0] ?? {}) as { signal?: AbortSignal };
      return new Promise((resolve, reject) => {
        const start = () => {
          held.add(name);
          Promise.resolve()
            .then(task)
            .then(resolve, reject)
            .finally(() => {
              held.delete(name);
              waiting.get(name)?.shift()?.();
            });
        };
        if (!held.has(name)) return start();
        const queue = waiting.get(name) ?? [];
        waiting.set(name, queue);
        queue.push(start);
        signal?.addEventListener('abort', () => {
          queue.splice(queue.indexOf(start) >>> 0, 1);
          reject(new DOMException('The request was aborted', 'AbortError'));
        });
      });
    },
    query: async () => ({
      held: [...held].map((name) => ({ name, mode: 'exclusive' })),
      pending: [...waiting].flatMap(([name, queue]) => queue.map(() => ({ name, mode: 'exclusive' }))),
    }),
  };
  vi.stubGlobal('navigator', Object.create(globalThis.navigator ?? {}, { locks: { value: locks } }));
  return held;
}
