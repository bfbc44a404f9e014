// @vitest-environment happy-dom
// The script-tag entry (src/script-tag/main.ts) behind the snippet's stub: calls queued before the library
// loads and calls made after, with arbitrary arguments, never throw into the page and always
// resolve to a result, in bounded time.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import Cookies from 'js-cookie';
import { installFakeApi } from './helpers/fake-api';
import { hostile, isResult, materialize, outcome as settledWithin, throwingProxy } from './helpers/hostile';

type Slotwise = (...args: unknown[]) => Promise<unknown>;
const host = window as unknown as { slotwise?: Slotwise & { q?: unknown[] } };
const options = {
  clientKey: 'browser1',
  target: 'https://api.example',
  pointOfSale: 'shop/uk',
  currency: 'EUR',
  browserId: 'local',
};
const BOUND_MS = 20_000;

let api: ReturnType<typeof installFakeApi>;
beforeAll(async () => {
  await Promise.all([
    import('../src/engine/engine'),
    import('../src/codecs/sitecore-flows'),
    import('../src/codecs/algonomy'),
    import('../src/codecs/adobe'),
  ]);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  api = installFakeApi();
});
afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});
beforeEach(() => {
  localStorage.clear();
  Object.keys(Cookies.get()).forEach((name) => Cookies.remove(name, { path: '/' }));
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

/** The snippet's stub: calls made before the library loads wait in `q`, each with its promise. */
function snippet(): Slotwise {
  delete host.slotwise;
  const q: unknown[] = [];
  const stub = Object.assign(
    (...args: unknown[]) => new Promise((resolve) => q.push([args, String(location), resolve])),
    { q },
  );
  host.slotwise = stub;
  return stub;
}
/** Loads the library as a fresh script would: it takes over the stub and replays what it queued. */
async function load(): Promise<Slotwise> {
  vi.resetModules();
  await import('../src/script-tag/main');
  return host.slotwise!;
}
const outcome = (promise: unknown) => settledWithin(promise, BOUND_MS);
const call = (slotwise: Slotwise, ...args: unknown[]) => {
  try {
    return slotwise(...args);
  } catch (error) {
    return { threw: error };
  }
};

describe('hostile input through slotwise(...)', () => {
  it('an init whose options throw, queued before the library loads, resolves invalid, and so does every call after it', async () => {
    const stub = snippet();
    const init = stub('init', {
      ...options,
      get consent(): string {
        throw new Error('getter');
      },
    });
    const view = stub('view');
    await load();
    expect(await outcome(init)).toMatchObject({
      ok: false,
      reason: 'invalid',
      error: { message: expect.stringMatching(/consent/) },
    });
    expect(await outcome(view)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('a queued call whose name cannot be turned into a string neither stops the library nor the calls after it', async () => {
    const stub = snippet();
    const odd = stub({
      toString() {
        throw new Error('no');
      },
    });
    const big = stub(10n);
    const init = stub('init', options);
    const view = stub('view');
    let slotwise!: Slotwise;
    await expect((async () => (slotwise = await load()))()).resolves.toBeDefined();
    expect(await outcome(odd)).toMatchObject({
      ok: false,
      reason: 'invalid',
      error: { message: expect.stringMatching(/unknown call/) },
    });
    expect(await outcome(big)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await outcome(init)).toEqual({ ok: true });
    expect(await outcome(view)).toMatchObject({ ok: true });
    expect(
      await outcome(
        call(slotwise, 'add', {
          get item_id(): string {
            throw null;
          },
        }),
      ),
    ).toMatchObject({ ok: false, reason: 'invalid', error: { message: expect.stringMatching(/product/) } });
    expect(await outcome(call(slotwise, 'init', throwingProxy(1)))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await outcome(call(slotwise, 'consent', 'granted'))).toEqual({ ok: true }); // the first init still stands
    expect(await outcome(call(slotwise, 'flush'))).toEqual({ ok: true });
    expect(api.eventTypes()).toContain('VIEW');
  });
});

const METHODS = [
  'init',
  'view',
  'add',
  'identity',
  'event',
  'consent',
  'flow',
  'placements',
  'offers',
  'page',
  'render',
  'browserId',
  'flush',
  'forceClose',
  'on',
];
const aCall = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...METHODS) }, hostile),
  fc.array(hostile, { maxLength: 3 }),
);

describe('every call of slotwise(...), queued or not, with arbitrary arguments', () => {
  it('never throws and always resolves to a result, and storage stays readable for the next page load', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(aCall, { maxLength: 3 }),
        fc.oneof(fc.constant(options), hostile),
        fc.array(aCall, { maxLength: 3 }),
        async (before, initOptions, after) => {
          const stub = snippet();
          const queued = [
            ['init', stub('init', materialize(initOptions))] as const,
            ...before.map(
              ([method, args]) => [method, stub(materialize(method), ...(materialize(args) as unknown[]))] as const,
            ),
          ];
          const slotwise = await load();
          const made = after.map(
            ([method, args]) =>
              [method, call(slotwise, materialize(method), ...(materialize(args) as unknown[]))] as const,
          );
          for (const [method, promise] of [...queued, ...made]) {
            const result = await outcome(promise);
            // `on` answers the function that stops listening.
            if (method === 'on' && typeof result == 'function') expect(() => result()).not.toThrow();
            else
              expect(
                isResult(result),
                `${typeof method == 'string' ? method : typeof method} gave ${typeof result}`,
              ).toBe(true);
          }
          await outcome(call(slotwise, 'destroy'));
        },
      ),
      { numRuns: 60, interruptAfterTimeLimit: 15_000 },
    );
    // The next page load, on the same storage, delivers a normal event.
    snippet()('init', options);
    const slotwise = await load();
    expect(await outcome(slotwise('view'))).toMatchObject({ ok: true });
    expect(Object.keys(localStorage).filter((key) => key.includes(':q:'))).toEqual([]);
  }, 60_000);
});
