// The script-tag entry (dist/slotwise.min.js). It replaces the snippet's `slotwise(…)` stub with the
// real function and replays the calls the stub queued, in order and with the page URL each was
// made on. Options come from `slotwise('init', options)` or the `data-` attributes of the script
// tag. Mistakes are logged to the console, never thrown: the host page must not break.
import { callAt, createTag, type Tag } from './tag';
import type { TagOptions } from './options';
import { failure, type Failure } from './result';

/** A call the stub queued: its arguments, the page URL then, and the stub promise's resolver. */
type QueuedCall = [args: ArrayLike<unknown>, url: string, resolve?: (value: unknown) => void];
type Global = ((...args: unknown[]) => unknown) & { q?: QueuedCall[]; loaded?: boolean };

const NAME = 'slotwise';
const host = window as unknown as Record<string, Global | undefined>;
const stub = host[NAME];

if (stub?.loaded) {
  console.warn('slotwise: the library is loaded twice; the second copy does nothing');
} else {
  const script = document.currentScript as HTMLScriptElement | null;
  const waiting: QueuedCall[] = [];
  let tag: Tag | undefined;
  let broken: Failure | undefined;

  const warn = (message: string) => console.warn(`slotwise: ${message}`);

  const init = (options: unknown): Failure | { ok: true } => {
    if (tag || broken) {
      warn('init was called again; the first configuration stays');
      return { ok: true };
    }
    try {
      tag = createTag(options as TagOptions);
    } catch (error) {
      broken = { ok: false, reason: 'invalid', error: error as Failure['error'] };
      console.error(`slotwise: ${broken.error.message}. Slotwise is off on this page.`);
      return broken;
    }
    waiting.splice(0).forEach(run);
    return { ok: true };
  };

  function run([args, url, resolve]: QueuedCall): Promise<unknown> {
    const [method, ...rest] = Array.from(args);
    let result: unknown;
    if (method == 'init') result = init(rest[0]);
    else if (broken) result = broken;
    else if (!tag) return new Promise((r) => waiting.push([args, url, (v) => (resolve?.(v), r(v))]));
    else {
      const fn = typeof method == 'string' && method in tag ? tag[method as keyof Tag] : undefined;
      result = fn
        ? callAt(url, () => (fn as (...a: unknown[]) => unknown)(...rest))
        : failure('invalid', `unknown call slotwise(${JSON.stringify(method)})`);
    }
    return Promise.resolve(result).then((value) => {
      const failed = value as Partial<Failure> | undefined;
      if (failed?.ok === false && failed.reason == 'invalid' && failed !== broken) warn(failed.error!.message);
      resolve?.(value);
      return value;
    });
  }

  const api: Global = (...args) => run([args, location.href]);
  api.loaded = true;
  host[NAME] = api;

  // `data-client-key="…" data-target="…"` on the script tag: the dataset's camelCase names are the option names.
  const fromAttributes: Record<string, unknown> = { ...script?.dataset };
  if (fromAttributes.cookieExpiryDays) fromAttributes.cookieExpiryDays = Number(fromAttributes.cookieExpiryDays);
  const queued = stub?.q ?? [];
  if (fromAttributes.clientKey && !queued.some(([args]) => args[0] == 'init')) init(fromAttributes);
  else if (fromAttributes.clientKey) {
    // An explicit init wins over attributes, field by field.
    const call = queued.find(([args]) => args[0] == 'init')!;
    call[0] = ['init', { ...fromAttributes, ...(call[0][1] as object) }];
  }
  queued.splice(0).forEach(run);
}
