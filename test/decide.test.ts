// @vitest-environment happy-dom
// Decision calls as the page makes them (the network stubbed): whose ids the placements API gets,
// what an error answer says, and the one rcs token that calls racing for several page types leave.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../src/shared/options';
import { createDecisions } from '../src/engine/decisions';
import { coreServices } from './helpers/core';
import { createRcsStore, RCS_COOKIE } from '../src/identity/rcs';
import type { CookieJar } from '../src/identity/cookies';
import { SlotwiseError } from '../src/types/errors';
import { MAX_ANSWER_BYTES } from '../src/engine/read-limited';
import type { TagOptions } from '../src/types/options';

const placements = { target: 'https://recs.example', apiKey: '4faeaf752ee40a0f', apiClientKey: 'b0126f995ac848159d' };
const ok = (rcs: string, names: string[]) => ({
  status: 'ok',
  message: '',
  rcs,
  placements: names.map((placement) => ({ placement, html: '', creatives: [] })),
});

/** A cookie jar in memory that records every write. */
function memoryJar() {
  const cookies = new Map<string, string>();
  const writes: string[] = [];
  const jar: CookieJar = {
    get: (name) => cookies.get(name),
    getAll: (name) => (cookies.has(name) ? [cookies.get(name)!] : []),
    set: (name, value) => (writes.push(value), cookies.set(name, value), true),
    remove: (name) => void cookies.delete(name),
  };
  return { jar, writes };
}

/** Answers each request when the test says, with what it says; records the URLs asked. */
function network() {
  const asked: URL[] = [];
  const pending: Array<(status: number, body: unknown) => void> = [];
  vi.stubGlobal('fetch', (url: string) => {
    asked.push(new URL(url));
    return new Promise((resolve) =>
      pending.push((status, body) => resolve(new Response(JSON.stringify(body), { status }))),
    );
  });
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return { asked, pending, settle };
}

function decisionsFor(options: Partial<TagOptions> = {}, jar = memoryJar().jar, reported: SlotwiseError[] = []) {
  const settings = resolveOptions({
    clientKey: 'k',
    target: 'https://api.example',
    pointOfSale: 'p',
    currency: 'EUR',
    placements,
    ...options,
  } as TagOptions);
  const ensure = vi.fn(async () => 'browser-1');
  const rcs = createRcsStore(jar, 30);
  const decisions = createDecisions(settings, coreServices({ browserId: ensure, rcs, error: (e) => reported.push(e) }));
  return { decisions, ensure, rcs };
}

afterEach(() => vi.unstubAllGlobals());

describe('placements', () => {
  it("sends the browser id and the tag's session by default, the site's ids from the option or the call", async () => {
    const net = network();
    const run = async (options: Partial<TagOptions>, context: Record<string, string> = {}) => {
      const { decisions, ensure } = decisionsFor(options);
      const before = net.pending.length;
      const done = decisions.placements(['home_page.a'], context);
      await vi.waitFor(() => expect(net.pending.length).toBe(before + 1));
      net.pending[before]!(200, ok('R1-a_b', ['home_page.a']));
      await done;
      const query = net.asked[before]!.searchParams;
      return [query.get('userId'), query.get('sessionId'), ensure.mock.calls.length];
    };
    expect(await run({})).toEqual(['browser-1', 'session-1', 1]);
    // The site's own user id needs no browser id.
    expect(await run({ placements: { ...placements, userId: 'crm-42', sessionId: 'site-s' } })).toEqual([
      'crm-42',
      'site-s',
      0,
    ]);
    expect(
      await run({ placements: { ...placements, userId: 'crm-42' } }, { userId: 'crm-7', sessionId: 'call-s' }),
    ).toEqual(['crm-7', 'call-s', 0]);
  });

  it('says what the API said when it refuses a call', async () => {
    const net = network();
    const { decisions } = decisionsFor();
    const done = decisions.placements(['home_page.a'], {});
    await vi.waitFor(() => expect(net.pending).toHaveLength(1));
    net.pending[0]!(403, { status: 'error', field: 'apiKey', errormessage: 'unknown apiKey' });
    await expect(done).rejects.toMatchObject({
      code: 'rejected',
      status: 403,
      message: expect.stringContaining('unknown apiKey'),
    });
  });

  it('keeps the token of the latest request when calls for several page types race, written exactly as served', async () => {
    const net = network();
    const { jar, writes } = memoryJar();
    const { decisions, rcs } = decisionsFor({}, jar);
    const done = decisions.placements(['home_page.a', 'item_page.b'], {});
    await vi.waitFor(() => expect(net.pending).toHaveLength(2));
    expect(net.asked.map((u) => u.searchParams.get('placements'))).toEqual(['home_page.a', 'item_page.b']);
    // The later request's answer arrives first; the earlier one's, stale, after it.
    net.pending[1]!(200, ok('R1-newer_token-2', ['item_page.b']));
    await net.settle();
    net.pending[0]!(200, ok('R1-older_token-1', ['home_page.a']));
    await done;
    expect(rcs.get()).toBe('R1-newer_token-2');
    expect([jar.get(RCS_COOKIE), writes]).toEqual(['R1-newer_token-2', ['R1-newer_token-2']]);
    // The next call sends it back.
    const next = decisions.placements(['home_page.a'], {});
    await vi.waitFor(() => expect(net.pending).toHaveLength(3));
    expect(net.asked[2]!.searchParams.get('rcs')).toBe('R1-newer_token-2');
    net.pending[2]!(200, ok('R1-newest_token-3', ['home_page.a']));
    await next;
    expect(writes).toEqual(['R1-newer_token-2', 'R1-newest_token-3']);
  });
});

describe('the placements options', () => {
  const resolve = (extra: Record<string, unknown>) =>
    resolveOptions({
      clientKey: 'k',
      target: '/api',
      pointOfSale: 'p',
      currency: 'EUR',
      placements: { ...placements, ...extra } as NonNullable<TagOptions['placements']>,
    }).placements;

  it("take the site's own user and session ids, and refuse ones a query string would mangle", () => {
    expect(resolve({ userId: 'crm-42', sessionId: 's1' })).toEqual({
      ...placements,
      userId: 'crm-42',
      sessionId: 's1',
    });
    expect(resolve({})).toEqual(placements); // not given, not there
    expect(() => resolve({ userId: 'two words' })).toThrow(/"placements.userId" must be an id without spaces/);
    expect(() => resolve({ sessionId: { id: 1 } })).toThrow(/"placements.sessionId"/);
  });
});

describe('limits on what the decision APIs send back', () => {
  /** An answer of `total` bytes, streamed in 64 kB parts; counts the bytes the tag pulled. */
  function hugeAnswer(total: number) {
    const pulled = { bytes: 0, cancelled: false };
    const part = new TextEncoder().encode('x'.repeat(65536));
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              start: (c) => c.enqueue(new TextEncoder().encode('{"html":"')),
              pull(c) {
                if (pulled.bytes >= total) return (c.enqueue(new TextEncoder().encode('"}')), c.close());
                pulled.bytes += part.byteLength;
                c.enqueue(part);
              },
              cancel: () => void (pulled.cancelled = true),
            },
            { highWaterMark: 0 },
          ),
          { status: 200 },
        ),
    );
    return pulled;
  }

  it('stops reading an answer at the byte limit, while it streams, and fails the call saying so', async () => {
    const pulled = hugeAnswer(10 * 1024 * 1024);
    const { decisions } = decisionsFor();
    await expect(decisions.flow({ friendlyId: 'hero' }, 'https://shop.example/')).rejects.toMatchObject({
      code: 'rejected',
      message: 'https://api.example/v2/callFlows answered over 512 kB, the limit for a decision',
    });
    // Given up on at the limit: the other 9.5 MB were never read.
    expect(pulled.bytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES + 2 * 65536);
    expect(pulled.cancelled).toBe(true);
  });

  it('reads an answer just under the limit whole', async () => {
    hugeAnswer(MAX_ANSWER_BYTES - 2 * 65536);
    const { decisions } = decisionsFor();
    const decision = await decisions.flow({ friendlyId: 'hero' }, 'https://shop.example/');
    expect(decision.content).toMatchObject({ kind: 'html' });
    expect((decision.content as { html: string }).html).toHaveLength(MAX_ANSWER_BYTES - 2 * 65536);
  });

  it('judges the answer it uses: a huge 503 retried into a small 200 is fine', async () => {
    const answers = [
      new Response('x'.repeat(MAX_ANSWER_BYTES + 1), { status: 503 }),
      new Response(JSON.stringify({ html: '<p>ok</p>' })),
    ];
    vi.stubGlobal('fetch', async () => answers.shift());
    const { decisions } = decisionsFor();
    expect((await decisions.flow({ friendlyId: 'hero' }, 'https://shop.example/')).content).toEqual({
      kind: 'html',
      html: '<p>ok</p>',
    });
  });

  it("pings no tracking URL off the placements API's host: it is left out of the decision and reported", async () => {
    const urls = [
      '/account/delete?id=1',
      'https://evil.example/t',
      'javascript:alert(1)',
      'https://recs.example/rrserver/track?p=d',
      'https://recs.richrelevance.com/rrserver/apiclick?p=e',
    ];
    const names = urls.map((_, i) => `home_page.p${i}`);
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          JSON.stringify({
            status: 'ok',
            placements: names.map((placement, i) => ({
              placement,
              html: '<p>x</p>',
              creatives: [{ trackingUrl: urls[i] }],
            })),
          }),
        ),
    );
    const reported: SlotwiseError[] = [];
    const { decisions } = decisionsFor({}, memoryJar().jar, reported);
    const answer = await decisions.placements(names, {});
    expect(answer.map((d) => d.trackingUrl)).toEqual([undefined, undefined, undefined, urls[3], urls[4]]);
    expect(reported.map((e) => [e.code, e.message])).toEqual(
      urls.slice(0, 3).map((url) => ['rejected', expect.stringContaining(`trackingUrl ${url} is not`)]),
    );
  });
});

describe('decision calls given anything', () => {
  const hostile = fc.oneof(
    fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true }),
    fc.constantFrom<unknown>(null, 5, 'home_page.a', Symbol('s'), { toString: 1 }, ['home_page.a', { toString: 1 }]),
    fc.constant(
      Object.defineProperty({}, 'userId', {
        enumerable: true,
        get: () => {
          throw null;
        },
      }),
    ),
    fc.constant(
      Object.defineProperty({}, 'placementId', {
        enumerable: true,
        get: () => {
          throw new Error('getter');
        },
      }),
    ),
    fc.constant(
      (() => {
        const o: Record<string, unknown> = {};
        o.o = o;
        return o;
      })(),
    ),
  );

  it('resolve, or reject with a SlotwiseError whose reason names the problem: never a TypeError the page would see as blocked', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify({ status: 'ok', placements: [], 'xdm:propositions': [] })),
    );
    const { decisions } = decisionsFor({ offers: { target: '/adobe-offers', identityNamespace: 'ECID' } });
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (a, b) => {
        for (const call of [
          () => decisions.placements(a as never, b as never),
          () => decisions.offers(a as never),
          () => decisions.flow({ friendlyId: 'hero', params: a as never }, 'https://shop.example/'),
        ]) {
          const error = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          if (error === undefined) continue;
          expect(error).toBeInstanceOf(SlotwiseError);
          expect((error as SlotwiseError).code).toBe('invalid');
        }
      }),
      { numRuns: 150 },
    );
  });
});
