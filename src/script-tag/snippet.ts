// The paste-in snippet (dist/snippet.min.js, under 600 bytes). It defines a `slotwise(…)` stub that
// queues calls with the page URL at call time and returns a promise for each, hides the page's
// slots (only them, keeping their boxes) until they are decided, then loads the library
// asynchronously (a Trusted Types policy makes its URL where the page enforces them). Pasting it twice is harmless:
// the second copy sees the global and stops. If the library cannot load, every call resolves to
// `{ ok: false, reason: 'blocked' }` and the slots show their default content; if it is still not
// there after 1 s (the default revealAfterMs), the slots show anyway. Replace the URL with where you host the tag.
((w: Window & { slotwise?: unknown; trustedTypes?: { createPolicy(name: string, rules: object): { createScriptURL(url: string): string } } }, d: Document, url: string) => {
  if (w.slotwise) return;
  let blocked: unknown;
  const stub = (...args: unknown[]) =>
    new Promise((resolve) => (blocked ? resolve(blocked) : stub.q.push([args, '' + location, resolve])));
  w.slotwise = stub;
  stub.q = [] as [unknown, string, (value: unknown) => void][];
  // The rule of src/slots/visibility.ts; `media` switches it off. The library takes over the timer.
  const style = d.createElement('style');
  stub.c = style;
  style.textContent = '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]{visibility:hidden}';
  const unhide = () => (style.media = 'x');
  stub.t = setTimeout(unhide, 1000);
  const script = d.createElement('script');
  // Under Trusted Types a script URL must come from a policy.
  script.src = w.trustedTypes?.createPolicy('sw', { createScriptURL: String }).createScriptURL(url) ?? url;
  style.nonce = script.nonce = (d.currentScript as HTMLScriptElement | null)?.nonce as string;
  // Blocked (ad blocker, 404): every call, queued or later, resolves instead of hanging.
  // (The map's second argument is evaluated first: unhide, and remember the answer for later calls.)
  script.onerror = () => stub.q.map((call) => call[2](blocked), [unhide(), (blocked = { ok: false, reason: 'blocked' })]);
  d.head.append(style, script);
})(window, document, '/slotwise.min.js');
