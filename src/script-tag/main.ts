// The script-tag entry (dist/slotwise.min.js). It replaces the snippet's `slotwise(…)` stub with the
// real function and replays the calls the stub queued, in order and with the page URL each was
// made on (browserTag's `at(url)`). Options come from `slotwise('init', options)` over the `data-`
// attributes of the script tag. Mistakes are logged to the console, never thrown: the host page
// must not break.
import { browserTag, type BrowserTag } from '../tag/tag';
import { resolveOptions } from '../shared/options';
import { failure, type Failure } from '../shared/result';
import { isSlotwiseError } from '../types/errors';
import { detach, shown } from '../shared/args';
import { adoptCloak, uncloak } from '../slots/visibility';
import type { TagOptions } from '../types/options';

/** A call the stub queued: its arguments, the page URL then, and the stub promise's resolver. */
type QueuedCall = [args: ArrayLike<unknown>, url: string, resolve?: (value: unknown) => void];
/** The snippet's stub: queued calls, its anti-flicker style and safety timer. */
type Global = ((...args: unknown[]) => unknown) & {
  q?: QueuedCall[];
  c?: HTMLStyleElement;
  t?: ReturnType<typeof setTimeout>;
  loaded?: boolean;
};

const host = window as unknown as { slotwise?: Global };
const stub = host.slotwise;

if (stub?.loaded) {
  console.warn('slotwise: loaded twice; the second copy does nothing');
} else {
  // `data-client-key="…"` on the script tag: the dataset's camelCase names are the option names.
  // Options: the `data-` attributes of the snippet's script element, or of ours without the snippet.
  const script =
    document.querySelector<HTMLScriptElement>('script[data-client-key]') ??
    (document.currentScript as HTMLScriptElement | null);
  const attributes: Record<string, unknown> = Object.assign({ nonce: script?.nonce || undefined }, script?.dataset);
  const waiting: QueuedCall[] = [];
  let live: BrowserTag | undefined;
  let broken: Failure | undefined;

  const init = (options: unknown): unknown => {
    try {
      // Read once, here: a getter or Proxy that throws makes the options invalid, not an exception.
      const given: TagOptions = { ...detach(options as TagOptions, 'init(options)') };
      const { consent } = given;
      if (live || broken) {
        console.warn(
          'slotwise: init was called again; the first options stay' + (consent ? ', but consent is applied' : ''),
        );
        return consent && live ? live.tag.consent(consent) : (broken ?? { ok: true });
      }
      live = browserTag(resolveOptions({ ...attributes, ...given }));
    } catch (error) {
      const failed = failure('invalid', isSlotwiseError(error) ? error.message : `init: ${shown(error)}`);
      if (live || broken) return failed;
      broken = failed;
      console.error(`slotwise: ${broken.error.message}. Slotwise is off on this page.`);
      uncloak(script?.nonce ?? ''); // the slots show their default content
    }
    for (const queued of waiting.splice(0)) void run(queued);
    return broken ?? { ok: true };
  };

  const call = (method: unknown, args: unknown[], url: string): unknown => {
    // Strict comparisons: an object whose toString throws is an unknown call, not an exception.
    if (method === 'init') return init(args[0]);
    if (!live) return broken; // init failed: every call answers why
    // The tag as on the page the call was made on: what it sends carries that URL.
    const calls = live.at(url) as unknown as Record<string, (...a: unknown[]) => unknown>;
    const fn = typeof method === 'string' && Object.hasOwn(calls, method) && calls[method];
    try {
      if (fn) return fn(...args);
    } catch (error) {
      return failure('invalid', `slotwise(${shown(method)}): ${shown(error)}`);
    }
    return failure('invalid', `unknown call slotwise(${shown(method)})`);
  };

  function run(queued: QueuedCall): Promise<unknown> {
    const [[method, ...args], url, resolve] = [Array.from(queued[0]), queued[1], queued[2]];
    // Before init (and without data- options) calls wait, like on the stub.
    if (!live && !broken && method !== 'init')
      return new Promise((r) =>
        waiting.push([
          queued[0],
          url,
          (v) => {
            resolve?.(v);
            r(v);
          },
        ]),
      );
    return Promise.resolve(call(method, args, url)).then((result) => {
      const failed = result as Failure | undefined;
      if (failed?.reason === 'invalid' && failed !== broken) console.warn(`slotwise: ${failed.error.message}`);
      resolve?.(result);
      return result;
    });
  }

  const api: Global = (...args) => run([args, location.href]);
  api.loaded = true;
  host.slotwise = api;
  // The snippet's rule and 1 s safety net: the tag's first pass takes them over.
  adoptCloak(stub?.c, stub?.t);
  const queued = stub?.q ?? [];
  if (attributes.clientKey && !queued.some(([args]) => args[0] === 'init')) init({});
  for (const early of queued.splice(0)) void run(early);
}
