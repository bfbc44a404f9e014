// The paste-in snippet (dist/snippet.min.js, under 600 bytes). It defines a `slotwise(…)` stub that
// queues calls with the page URL at call time and returns a promise for each, hides the page's
// slots (only them, keeping their boxes) until they are decided, then loads the library
// asynchronously (a Trusted Types policy makes its URL where the page enforces them). Pasting it twice is harmless:
// the second copy sees the global and stops. If the library cannot load, every call resolves to
// `{ ok: false, reason: 'blocked' }` and the slots show their default content; if it is still not
// there after 1 s (the default revealAfterMs), the slots show anyway. Replace the URL with where you host the tag.
import { CLOAK_CSS } from '../shared/markup';

((
  w: Window & {
    slotwise?: unknown;
    trustedTypes?: { createPolicy(name: string, rules: object): { createScriptURL(url: string): string } };
  },
  d: Document,
  url: string,
) => {
  if (w.slotwise) return;
  let blocked: unknown;
  const stub = (...args: unknown[]) =>
    new Promise((resolve) => {
      if (blocked) resolve(blocked);
      else stub.q.push([args, d.URL, resolve]);
    });
  w.slotwise = stub;
  stub.q = [] as [unknown, string, (value: unknown) => void][];
  const style = d.createElement('style');
  const script = d.createElement('script');
  const unhide = () => (style.media = 'x');
  // The slots' anti-flicker rule, as the library writes it too; `media` switches it off. The library
  // takes over the timer.
  stub.c = style;
  style.textContent = CLOAK_CSS;
  stub.t = setTimeout(unhide, 1000);
  // Under Trusted Types a script URL must come from a policy.
  script.src = w.trustedTypes?.createPolicy('sw', { createScriptURL: String }).createScriptURL(url) ?? url;
  // No current script (run by something other than a parsed <script>): no nonce to pass on.
  style.nonce = script.nonce = d.currentScript?.nonce ?? '';
  // Blocked (ad blocker, 404): every call, queued or later, resolves instead of hanging.
  script.onerror = () => {
    unhide();
    blocked = { ok: false, reason: 'blocked' };
    for (const call of stub.q) call[2](blocked);
  };
  d.head.append(style, script);
})(window, document, '/slotwise.min.js');
