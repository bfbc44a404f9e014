// The paste-in snippet (dist/snippet.min.js, under 600 bytes). It defines a `slotwise(…)` stub that
// queues calls with the page URL at call time and returns a promise for each, then loads the
// library asynchronously, passing on its own `data-` options and CSP nonce. Pasting it twice is
// harmless: the second copy sees the global and stops. If the library cannot load, every call
// resolves to `{ ok: false, reason: 'blocked' }`. Replace the URL with where you host the tag.
((w: Window & { slotwise?: unknown }, d: Document, url: string) => {
  if (w.slotwise) return;
  const self = d.currentScript as HTMLScriptElement | null;
  const queue: unknown[] = [];
  let blocked: unknown;
  const stub = (...args: unknown[]) =>
    new Promise((resolve) => (blocked ? resolve(blocked) : queue.push([args, location.href, resolve])));
  stub.q = queue;
  w.slotwise = stub;
  const script = d.createElement('script');
  script.async = true;
  script.src = url;
  // Blocked (ad blocker, 404): every call, queued or later, resolves instead of hanging.
  script.onerror = () => {
    blocked = { ok: false, reason: 'blocked' };
    queue.splice(0).forEach((call) => (call as [unknown, unknown, (v: unknown) => void])[2](blocked));
  };
  if (self) {
    script.nonce = self.nonce || '';
    Object.assign(script.dataset, self.dataset);
  }
  d.head.appendChild(script);
})(window, document, '/slotwise.min.js');
