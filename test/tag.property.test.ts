// @vitest-environment happy-dom
// Property: whatever a page passes to any call of the npm tag, the call never throws, resolves (never
// rejects) within a bounded time to a result with a known reason, answers bad arguments `invalid`
// with a message that names them, and leaves storage that the next page load reads and delivers from.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import Cookies from 'js-cookie';
import { createTag } from '../src/tag/tag';
import type { Tag } from '../src/tag/api';
import { installFakeApi } from './helpers/fake-api';
import { hostile, isResult, materialize, outcome, throwingProxy } from './helpers/hostile';

const options = {
  clientKey: 'prop1',
  target: 'https://api.example',
  pointOfSale: 'shop/uk',
  currency: 'EUR',
  browserId: 'local' as const,
  placements: { target: 'https://recs.example', apiKey: 'k', apiClientKey: 'c' },
  offers: { target: '/adobe-offers', identityNamespace: 'SlotwiseBrowser' },
};
/** Fake time allowed for a call to resolve: past the event call's own deadline (15 s). */
const BOUND_MS = 20_000;

// What an `invalid` message must name, per call: the argument, or the part of it that was wrong.
const CALLS: [keyof Tag, number, RegExp][] = [
  ['view', 1, /view\(data|ext|page/],
  ['add', 2, /product|ext/],
  ['identity', 1, /person/],
  ['event', 3, /event\(type|data|ext|page/],
  ['consent', 1, /state/],
  ['flow', 2, /flow\(|friendlyId|options|params/],
  ['placements', 2, /placements\(|names|context|placement name/],
  ['offers', 1, /offers\(|calls|itemCount|offer/],
  ['page', 2, /url|page\(options\)/],
  ['render', 2, /root|render\(options\)/],
  ['browserId', 1, /./],
  ['flush', 1, /./],
  ['forceClose', 1, /./],
];

let api: ReturnType<typeof installFakeApi>;
beforeAll(async () => {
  // Loaded once beforehand, as a warm cache would have them: then a call's time is the tag's own.
  await Promise.all([
    import('../src/engine/engine'),
    import('../src/codecs/sitecore'),
    import('../src/codecs/algonomy'),
    import('../src/codecs/adobe'),
  ]);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  localStorage.clear();
  Object.keys(Cookies.get()).forEach((name) => Cookies.remove(name, { path: '/' }));
  api = installFakeApi();
});
afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Calls `method` with `args`; the result, or what went wrong. */
async function attempt(tag: Tag, method: keyof Tag, args: unknown[]): Promise<unknown> {
  let promise: unknown;
  try {
    promise = (tag[method] as (...a: unknown[]) => unknown)(...args);
  } catch (error) {
    return { threw: error };
  }
  return outcome(promise, BOUND_MS);
}

/** Every stored key of ours, read as the next page load reads it: a list of what does not parse. */
function unreadable(): string[] {
  const bad: string[] = [];
  for (const key of Object.keys(localStorage)) {
    const value = localStorage.getItem(key)!;
    const kind = key.split(':')[3];
    const ok =
      kind == 'q'
        ? ((m) => typeof m?.type == 'string' && typeof m?.ext?.eventId == 'string')(JSON.parse(value).m)
        : kind == 'session'
          ? /^[\w-]+ \d+$/.test(value)
          : kind == 'bid'
            ? /^[\w-]+$/.test(value)
            : kind == 'lease'
              ? value == 'gone' || Number.isFinite(Number(value))
              : Number.isFinite(Number(value)); // seq, dropped, pause, cookies
    if (!ok) bad.push(`${key}=${value.slice(0, 60)}`);
  }
  return bad;
}

describe('every public call of createTag(...), with arbitrary arguments', () => {
  it('never throws, resolves in bounded time with a known reason, names what was invalid, and keeps storage readable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...CALLS), fc.array(hostile, { maxLength: 3 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (calls) => {
          const tag = createTag(options);
          try {
            for (const [[method, , names], args] of calls) {
              const result = await attempt(tag, method, materialize(args) as unknown[]);
              expect(
                isResult(result),
                `${method} gave ${String((result as { threw?: unknown }).threw ?? JSON.stringify(result))}`,
              ).toBe(true);
              const failure = result as { ok: boolean; reason?: string; error?: Error };
              // The API is up and consent granted: the network never stops a call, bad input does.
              expect(failure.reason, `${method}: ${failure.error?.message}`).not.toBe('blocked');
              if (failure.reason == 'invalid') expect(failure.error!.message, method).toMatch(names);
            }
            // Odd listeners change nothing, and stopping them never throws.
            for (const [type, listener] of [
              materialize(calls[0]![1]) as unknown[],
              ['error', throwingProxy(1, () => {})],
            ])
              expect(() => tag.on(type as never, listener as never)()).not.toThrow();
          } finally {
            tag.destroy();
          }
        },
      ),
      { numRuns: 150, interruptAfterTimeLimit: 20_000 },
    );
    expect(unreadable()).toEqual([]);
    // The next page load delivers what is queued and a new event.
    const before = api.events().length;
    const next = createTag(options);
    const view = next.view();
    await vi.advanceTimersByTimeAsync(BOUND_MS);
    expect(await view).toMatchObject({ ok: true });
    expect(api.events().length).toBeGreaterThan(before);
    expect(Object.keys(localStorage).filter((key) => key.includes(':q:'))).toEqual([]);
    next.destroy();
  }, 60_000);

  it('throws only SlotwiseErrors for arbitrary options, and runs with valid ones under hostile extras', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostile,
          fc
            .dictionary(
              fc.constantFrom(
                'nonce',
                'language',
                'channel',
                'cookieDomain',
                'consent',
                'placements',
                'offers',
                'revealAfterMs',
              ),
              hostile,
              { maxKeys: 2 },
            )
            .map((extra) => ({ ...options, ...extra })),
        ),
        (given) => {
          try {
            createTag(materialize(given) as never).destroy();
          } catch (error) {
            expect(error).toMatchObject({
              name: 'SlotwiseError',
              code: 'invalid',
              message: expect.stringMatching(/option|options/),
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
