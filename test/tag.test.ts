// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Cookies from 'js-cookie';
import { createTag } from '../src/tag/tag';
import type { Tag } from '../src/tag/api';
import { installFakeApi } from './helpers/fake-api';
import { installLocks } from './helpers/locks';
import { throwingProxy } from './helpers/hostile';

const options = { clientKey: 'key1', target: 'https://api.example', pointOfSale: 'shop/uk', currency: 'EUR' };
let api: ReturnType<typeof installFakeApi>;
const tags: Tag[] = [];
const make = (extra: object = {}) => {
  const tag = createTag({ ...options, ...extra });
  tags.push(tag);
  return tag;
};
const clearCookies = () => Object.keys(Cookies.get()).forEach((name) => Cookies.remove(name, { path: '/' }));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  localStorage.clear();
  clearCookies();
  api = installFakeApi();
});
afterEach(() => {
  tags.splice(0).forEach((tag) => tag.destroy());
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('identity', () => {
  it('creates the browser id once, stores it in bid_<clientKey> and mirrors it to storage', async () => {
    const tag = make();
    expect(await tag.browserId()).toEqual({ ok: true, browserId: 'bid-1' });
    expect(Cookies.get('bid_key1')).toBe('bid-1');
    expect(localStorage.getItem('slotwise:v1:key1:bid')).toBe('bid-1');
    expect(api.sent.map((s) => s.url.pathname + s.url.search)).toEqual([
      '/v1.2/browser/create.json?client_key=key1&message={}',
    ]);
    expect(await make().browserId()).toEqual({ ok: true, browserId: 'bid-1' });
    expect(api.sent).toHaveLength(1);
  });

  it('restores an evicted cookie from storage with the same value', async () => {
    localStorage.setItem('slotwise:v1:key1:bid', 'kept-id');
    expect(await make().browserId()).toMatchObject({ browserId: 'kept-id' });
    expect(Cookies.get('bid_key1')).toBe('kept-id');
    expect(api.sent).toHaveLength(0);
  });

  it('migrates a legacy BID_ cookie', async () => {
    Cookies.set('BID_key1', 'legacy-id', { path: '/' });
    expect(await make().browserId()).toMatchObject({ browserId: 'legacy-id' });
    expect(Cookies.get('bid_key1')).toBe('legacy-id');
    expect(Cookies.get('BID_key1')).toBeUndefined();
  });

  it('never stores an empty or unsafe id when the create call fails, and tries again later', async () => {
    api.answer({ status: 503 }, { status: 200, json: { ref: '' } }, { status: 200, json: { ref: 'a;b=c' } });
    const tag = make();
    const errors: unknown[] = [];
    tag.on('error', (e) => errors.push(e));
    for (let i = 0; i < 3; i++) expect(await tag.browserId()).toMatchObject({ ok: false, reason: 'blocked' });
    expect(Cookies.get('bid_key1')).toBeUndefined();
    expect(errors).toHaveLength(3);
    expect(await tag.browserId()).toEqual({ ok: true, browserId: 'bid-1' });
  });

  it('makes a local id without asking the API when browserId is local', async () => {
    const result = await make({ browserId: 'local' }).browserId();
    expect(result).toMatchObject({ ok: true, browserId: expect.stringMatching(/^[\w-]{21}$/) });
    expect(api.sent).toHaveLength(0);
  });
});

describe('events', () => {
  it('delivers VIEW, ADD and FORCE_CLOSE in order, each with browser_id and a stable eventId', async () => {
    const tag = make();
    const results = Promise.all([tag.view(), tag.add({ item_id: 'SKU1', price: 5 }), tag.forceClose()]);
    await vi.runAllTimersAsync();
    const [view, add, close] = await results;
    expect([view.ok, add.ok, close.ok]).toEqual([true, true, true]);
    expect(api.eventTypes()).toEqual(['VIEW', 'ADD', 'FORCE_CLOSE']);
    expect(api.events().map((e) => (e.ext as { eventId: string }).eventId)).toEqual(
      [view, add, close].map((r) => r.ok && r.eventId),
    );
    expect(api.events().every((e) => e.browser_id == 'bid-1' && e.client_key == 'key1' && e.pos == 'shop/uk')).toBe(
      true,
    );
    expect(Object.keys(localStorage).sort()).toEqual([
      'slotwise:v1:key1:bid',
      'slotwise:v1:key1:seq',
      'slotwise:v1:key1:session',
    ]); // nothing left queued
  });

  it('waits out 503s with backoff and reuses the same eventId on every retry', async () => {
    api.answer({ status: 503 }, { status: 503 }, { status: 500 });
    const tag = make({ browserId: 'local' });
    const result = tag.add({ item_id: 'SKU1' });
    await vi.advanceTimersByTimeAsync(100);
    expect(api.sent).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ ok: true });
    expect(new Set(api.events().map((e) => (e.ext as { eventId: string }).eventId)).size).toBe(1);
    expect(api.sent).toHaveLength(4);
  });

  it('honours Retry-After on 429, and keeps order behind the failing event', async () => {
    api.answer({ status: 429, headers: { 'Retry-After': '7' } });
    const tag = make({ browserId: 'local' });
    void tag.add({ item_id: 'SKU1' });
    void tag.forceClose();
    await vi.advanceTimersByTimeAsync(6900);
    expect(api.eventTypes()).toEqual(['ADD']);
    await vi.advanceTimersByTimeAsync(200);
    await vi.runAllTimersAsync();
    expect(api.eventTypes()).toEqual(['ADD', 'ADD', 'FORCE_CLOSE']);
  });

  it('does not retry a 400; reports it and goes on with the next event', async () => {
    api.answer({ status: 400, json: { field: 'type' } });
    const tag = make({ browserId: 'local' });
    const errors: unknown[] = [];
    tag.on('error', (e) => errors.push(e));
    const first = tag.event('bad');
    const second = tag.view();
    await vi.runAllTimersAsync();
    expect(await first).toMatchObject({ ok: false, reason: 'rejected', error: { status: 400 } });
    expect(await second).toMatchObject({ ok: true });
    expect(api.eventTypes()).toEqual(['BAD', 'VIEW']);
    expect(errors).toHaveLength(1);
  });

  it('drops an event after the last attempt and says so, instead of retrying forever', async () => {
    api.answer(...Array.from({ length: 10 }, () => 'network-error' as const));
    const tag = make({ browserId: 'local' });
    const errors: unknown[] = [];
    tag.on('error', (e) => errors.push(e));
    void tag.view();
    await vi.runAllTimersAsync();
    expect(errors).toEqual([
      {
        eventId: expect.any(String),
        dropped: 1,
        error: expect.objectContaining({ code: 'blocked', message: expect.stringContaining('after 10 attempts') }),
      },
    ]);
    expect(api.sent).toHaveLength(10);
    expect(Object.keys(localStorage).filter((k) => k.includes(':q:'))).toEqual([]);
    expect(localStorage.getItem('slotwise:v1:key1:dropped')).toBe('1'); // counted, across page loads
  });

  it('keeps events while the browser id cannot be made, then sends them', async () => {
    api.answer({ status: 503 }, { status: 503 });
    const tag = make();
    const result = tag.view();
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ ok: true });
    expect(api.sent.map((s) => s.url.pathname)).toEqual([
      '/v1.2/browser/create.json',
      '/v1.2/browser/create.json',
      '/v1.2/browser/create.json',
      '/v1.2/events',
    ]);
  });

  it('resolves a slow event with timeout while it stays queued and is still sent', async () => {
    api.answer(...Array.from({ length: 8 }, () => ({ status: 503 }))); // backoff adds up to well over 15 s
    const tag = make({ browserId: 'local' });
    const result = tag.view();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(await result).toMatchObject({ ok: false, reason: 'timeout', eventId: expect.any(String) });
    await vi.runAllTimersAsync();
    expect(api.sent.at(-1)).toMatchObject({ body: { type: 'VIEW' } });
    expect(Object.keys(localStorage).filter((k) => k.includes(':q:'))).toEqual([]);
  });

  it('sends events queued by an earlier page load', async () => {
    api.answer({ status: 503 });
    const first = make({ browserId: 'local' });
    void first.view();
    await vi.advanceTimersByTimeAsync(10);
    first.destroy();
    make({ browserId: 'local' });
    await vi.runAllTimersAsync();
    expect(api.eventTypes()).toEqual(['VIEW', 'VIEW']);
    expect(Object.keys(localStorage).filter((k) => k.includes(':q:'))).toEqual([]);
  });

  it('uses the legacy GET form when asked', async () => {
    const tag = make({ browserId: 'local', transport: 'legacy' });
    const result = tag.forceClose();
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ ok: true });
    expect(api.sent[0]).toMatchObject({ method: 'GET', body: { type: 'FORCE_CLOSE' } });
    expect(api.sent[0]!.url.pathname).toBe('/v1.2/event/create.json');
    expect(api.sent[0]!.url.searchParams.get('client_key')).toBe('key1');
  });

  it('answers bad input with ok:false and loses nothing already queued', async () => {
    const tag = make({ browserId: 'local' });
    const good = tag.view();
    const bad = await tag.add({ name: 'no id' });
    expect(bad).toMatchObject({ ok: false, reason: 'invalid', error: { message: expect.stringContaining('item_id') } });
    await vi.runAllTimersAsync();
    expect(await good).toMatchObject({ ok: true });
    expect(api.eventTypes()).toEqual(['VIEW']);
  });

  it('flush() skips the backoff wait and resolves when the events are delivered', async () => {
    api.answer({ status: 503 });
    const tag = make({ browserId: 'local' });
    void tag.view();
    await vi.advanceTimersByTimeAsync(50);
    const flushed = tag.flush();
    await vi.advanceTimersByTimeAsync(50);
    expect(await flushed).toEqual({ ok: true });
    expect(api.eventTypes()).toEqual(['VIEW', 'VIEW']);
  });

  it('sends what is ready with keepalive when the page is left, and the next page never sends it again', async () => {
    api.answer({ status: 503 }, 'no-answer-yet');
    const tag = make({ browserId: 'local' });
    void tag.view();
    void tag.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(10);
    dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10);
    // The VIEW the API just failed waits for the next page: sent now, its answer would go unseen.
    expect(api.sent.map((s) => [s.body?.type, s.keepalive])).toEqual([
      ['VIEW', true],
      ['ADD', true],
    ]);
    tag.destroy();
    // The ADD left with the page (the browser carries the request on): it may be stored, so the
    // next page does not send it again; the VIEW it sends.
    make({ browserId: 'local' });
    await vi.waitFor(() => expect(api.eventTypes()).toEqual(['VIEW', 'ADD', 'VIEW']));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.eventTypes()).toEqual(['VIEW', 'ADD', 'VIEW']);
    expect(Object.keys(localStorage).filter((key) => key.includes(':q:') || key.includes(':lease:'))).toEqual([]);
  });

  it('leaves slot impressions queued for the next page when the page is left, but sends clicks', async () => {
    api.answer({ status: 503 });
    const tag = make({ browserId: 'local' });
    void tag.event('SLOT_IMPRESSION', {}, { slot: 'a' });
    void tag.event('SLOT_CLICK', {}, { slot: 'a' });
    void tag.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(10);
    dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10);
    expect(api.eventTypes()).toEqual(['SLOT_IMPRESSION', 'SLOT_CLICK', 'ADD']); // the first try (503), then the leave
    tag.destroy();
    // The next page sends it, in order.
    make({ browserId: 'local' });
    await vi.waitFor(() => expect(api.eventTypes().slice(3)).toEqual(['SLOT_IMPRESSION']));
  });
});

describe('leaving the page', () => {
  const hide = () => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
  };

  it('sends what waits behind a request in flight at once when the page is hidden, since it may never run again', async () => {
    api.answer('no-answer-yet');
    const tag = make({ browserId: 'local' });
    void tag.view();
    void tag.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(10);
    expect(api.eventTypes()).toEqual(['VIEW']); // one at a time while the page is in use
    hide();
    await vi.advanceTimersByTimeAsync(10);
    expect(api.sent.map((s) => [s.body?.type, s.keepalive])).toEqual([
      ['VIEW', true],
      ['ADD', true],
    ]);
  });

  it('takes a request failed as the page starts to unload for one still on its way, not for one to send again', async () => {
    api.answer('network-error'); // Chromium fails keepalive fetches just before pagehide, and carries them on
    const tag = make({ browserId: 'local' });
    void tag.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(1);
    dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(500);
    tag.destroy();
    make({ browserId: 'local' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.eventTypes()).toEqual(['ADD']);
  });

  it('queues what is made after pagehide for the next page, without spinning', async () => {
    const tag = make({ browserId: 'local' });
    dispatchEvent(new Event('pagehide'));
    void tag.view(); // an unload handler of the site's
    await vi.advanceTimersByTimeAsync(100);
    expect(api.eventTypes()).toEqual([]);
    tag.destroy();
    make({ browserId: 'local' });
    await vi.waitFor(() => expect(api.eventTypes()).toEqual(['VIEW']));
  });

  it('never lets a FORCE_CLOSE overtake the events before it: it waits for the next page', async () => {
    api.answer('no-answer-yet');
    const tag = make({ browserId: 'local' });
    void tag.add({ item_id: 'a' });
    void tag.forceClose();
    void tag.view();
    await vi.advanceTimersByTimeAsync(10);
    dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10);
    expect(api.eventTypes()).toEqual(['ADD']); // the ADD is still unconfirmed: nothing after it races it
    tag.destroy();
    // The next page sends the rest in order; the ADD left with the page, so it is not sent twice.
    make({ browserId: 'local' });
    await vi.waitFor(() => expect(api.eventTypes()).toEqual(['ADD', 'FORCE_CLOSE', 'VIEW']));
  });

  it('with Web Locks too, a FORCE_CLOSE waits for an older event an earlier page left, and goes after it', async () => {
    installLocks();
    api.answer({ status: 503 });
    const first = make({ browserId: 'local' });
    void first.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(10); // the ADD failed: it waits out a backoff
    dispatchEvent(new Event('pagehide'));
    first.destroy();
    // The next page load closes the session: not before the earlier page's ADD has gone.
    void make({ browserId: 'local' }).forceClose();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.eventTypes()).toEqual(['ADD', 'ADD', 'FORCE_CLOSE']);
  });

  it('keeps an event too big for keepalive for the next page, and sends nothing twice after the page is left', async () => {
    const sendBeacon = vi.fn(() => true);
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator), { sendBeacon })); // unstubbed after each test
    api.answer('no-answer-yet');
    const tag = make({ browserId: 'local' });
    void tag.view();
    void tag.add({ item_id: 'a', name: 'x'.repeat(70_000) });
    await vi.advanceTimersByTimeAsync(10);
    dispatchEvent(new Event('pagehide'));
    hide(); // browsers report the page hidden after pagehide
    dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10);
    // A beacon would send it as text/plain, which the event API does not document taking.
    expect(sendBeacon).not.toHaveBeenCalled();
    expect(api.eventTypes()).toEqual(['VIEW']);
    // Flushed by the site's own pagehide handler, then shown again from the back/forward cache:
    // delivery goes on, the ADD behind the VIEW still in flight.
    void tag.flush();
    dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true })); // from the back/forward cache
    await vi.advanceTimersByTimeAsync(10);
    expect(api.eventTypes()).toEqual(['VIEW']);
    tag.destroy();
    // The next page waits while the VIEW may still be answered to the page that sent it, then
    // takes it for stored (its sender went away without a word) and sends the ADD.
    make({ browserId: 'local' });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(api.eventTypes()).toEqual(['VIEW', 'ADD']);
  });
});

describe('delivery edge cases', () => {
  it('does not spend attempts while the browser is offline, and sends when it comes back', async () => {
    api.down(true);
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const tag = make({ browserId: 'local' });
    const errors: unknown[] = [];
    tag.on('error', (e) => errors.push(e));
    void tag.view();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(api.sent.length).toBeGreaterThan(0);
    expect(api.sent.length).toBeLessThan(15); // about one try a minute, not a tight loop
    expect(errors).toEqual([]); // 10 minutes offline did not use up the 10 attempts
    onLine.mockReturnValue(true);
    api.down(false);
    dispatchEvent(new Event('online'));
    await vi.runAllTimersAsync();
    expect(errors).toEqual([]);
    expect(Object.keys(localStorage).filter((k) => k.includes(':q:'))).toEqual([]);
  });

  it('treats Retry-After: 0 as no pause, not as a reason to retry at once', async () => {
    api.answer(...Array.from({ length: 3 }, () => ({ status: 503, headers: { 'Retry-After': '0' } })));
    const tag = make({ browserId: 'local' });
    void tag.view();
    await vi.advanceTimersByTimeAsync(200);
    expect(api.sent).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(api.sent).toHaveLength(4);
  });

  it('reports an event another tab gave up on as failed, not delivered', async () => {
    api.answer({ status: 503 });
    const tag = make({ browserId: 'local' });
    const result = tag.event('FROM_THIS_TAB');
    await vi.advanceTimersByTimeAsync(10);
    const key = Object.keys(localStorage).find((k) => k.includes(':q:'))!;
    const oldValue = JSON.stringify({ f: 'rejected' });
    localStorage.removeItem(key);
    dispatchEvent(new StorageEvent('storage', { key, oldValue, newValue: null }));
    expect(await result).toMatchObject({ ok: false, reason: 'rejected' });
  });
});

describe('exactly once, against an API that stores every request', () => {
  const queued = () => Object.keys(localStorage).filter((key) => key.includes(':q:'));

  it.each([
    ['an HTML page', { status: 200, body: '<!doctype html><title>Welcome</title>' }],
    ['a 204', { status: 204 }],
    ['malformed JSON', { status: 200, body: '{"ref":' }],
    ['JSON without the acknowledgement', { status: 200, json: { ok: true } }],
  ])('does not take %s for delivered: the event stays queued and goes again', async (_, answer) => {
    api.answer(answer, answer);
    const tag = make({ browserId: 'local' });
    const delivered: string[] = [];
    tag.on('delivered', ({ type }) => delivered.push(type));
    const add = tag.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(10);
    expect(delivered).toEqual([]);
    expect(queued()).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(await add).toMatchObject({ ok: true });
    expect(api.eventTypes()).toEqual(['ADD', 'ADD', 'ADD']);
    expect(queued()).toEqual([]);
  });

  it('gives up on a catch-all that never acknowledges, and says what is answering', async () => {
    api.answer(...Array.from({ length: 10 }, () => ({ status: 200, body: '<html>shop</html>' })));
    const tag = make({ browserId: 'local' });
    const errors: Array<{ reason: string; message: string; dropped: number | undefined }> = [];
    tag.on('error', ({ error, dropped }) => errors.push({ reason: error.code, message: error.message, dropped }));
    void tag.view();
    await vi.runAllTimersAsync();
    expect(errors).toEqual([
      {
        reason: 'dropped',
        dropped: 1,
        message: expect.stringMatching(
          /200 without the API's acknowledgement to VIEW .*, 10 times: a proxy or catch-all page/,
        ),
      },
    ]);
  });

  it('never follows a redirect with an event', async () => {
    const tag = make({ browserId: 'local' });
    await tag.view();
    expect(api.sent.map((s) => s.redirect)).toEqual(['error']);
  });

  it('does not send again an ADD whose request timed out (the API may have stored it), but does an IDENTITY', async () => {
    api.answer('timeout', 'timeout');
    const tag = make({ browserId: 'local' });
    const add = tag.add({ item_id: 'a' });
    const identity = tag.identity({ email: 'jane@example.com' });
    expect(await add).toMatchObject({
      ok: false,
      reason: 'timeout',
      error: { message: expect.stringMatching(/\(timed out\); not sent again, as it may be stored/) },
    });
    await vi.runAllTimersAsync();
    expect(await identity).toMatchObject({ ok: true });
    expect(api.eventTypes()).toEqual(['ADD', 'IDENTITY', 'IDENTITY']);
    expect(queued()).toEqual([]);
  });

  it('takes a gateway\'s 502 or 504 as "may be stored" too, but retries a 503, 500 or 429, which store nothing', async () => {
    api.answer({ status: 504 }, { status: 502 }, { status: 503 }, { status: 500 }, { status: 429 });
    const tag = make({ browserId: 'local' });
    const calls = Promise.all([tag.add({ item_id: 'a' }), tag.event('CHECKOUT'), tag.add({ item_id: 'b' })]);
    await vi.runAllTimersAsync();
    const results = await calls;
    expect(results.map((r) => r.ok || r.reason)).toEqual(['dropped', 'dropped', true]);
    expect(api.eventTypes()).toEqual(['ADD', 'CHECKOUT', 'ADD', 'ADD', 'ADD', 'ADD']);
  });

  it('takes a lease that a clock set back left behind for run out: the event is not sent again', async () => {
    api.answer('no-answer-yet');
    const other = make({ browserId: 'local' });
    void other.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(10);
    other.destroy(); // killed mid-request, no pagehide
    vi.setSystemTime(Date.now() - 60_000); // then the clock is put back a minute
    const tag = make({ browserId: 'local' });
    void tag.view();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.eventTypes()).toEqual(['ADD', 'VIEW']);
  });

  it('does not send again an event whose 2xx answer could not be read (it may be stored)', async () => {
    const tag = make({ browserId: 'local' });
    await tag.browserId();
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(new ReadableStream({ pull: (c) => c.error(new TypeError('network error')) }), { status: 200 }),
      ),
    );
    const add = tag.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await add).toMatchObject({
      ok: false,
      reason: 'dropped',
      error: { message: expect.stringMatching(/may be stored/) },
    });
    expect(vi.mocked(fetch)).toHaveBeenCalledTimes(1);
  });

  it('does not resume on the pageshow of a normal load: a backoff is still waited out', async () => {
    api.answer({ status: 503 });
    const tag = make({ browserId: 'local' });
    void tag.view();
    await vi.advanceTimersByTimeAsync(10);
    dispatchEvent(new Event('pageshow'));
    await vi.advanceTimersByTimeAsync(10);
    expect(api.eventTypes()).toEqual(['VIEW']);
  });

  it('puts currency on every event', async () => {
    const tag = make({ browserId: 'local' });
    await Promise.all([
      tag.view(),
      tag.add({ item_id: 'a' }),
      tag.forceClose(),
      tag.identity({ email: 'a@b.co' }),
      tag.event('wish', { x: 1 }),
    ]);
    expect(api.events().map((e) => e.currency)).toEqual(['EUR', 'EUR', 'EUR', 'EUR', 'EUR']);
    expect(await tag.add({ item_id: 'a', currency: 'euro' })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('waits while another tab sends the event at the head, and forgets it if that tab went away mid-request', async () => {
    const other = make({ browserId: 'local' });
    api.answer('no-answer-yet');
    void other.add({ item_id: 'a' });
    await vi.advanceTimersByTimeAsync(10);
    other.destroy(); // the tab is closed with its request in flight, without a pagehide
    const tag = make({ browserId: 'local' });
    void tag.view();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.eventTypes()).toEqual(['ADD']); // the ADD may still be answered to the other tab
    await vi.advanceTimersByTimeAsync(10_000);
    // Its lease ran out unsettled: it may be stored, so it is not sent again; the VIEW goes.
    expect(api.eventTypes()).toEqual(['ADD', 'VIEW']);
    expect(queued()).toEqual([]);
  });

  it('ignores a Retry-After that a clock a day ahead left behind, also when the page is left', async () => {
    vi.setSystemTime(Date.now() + 86_400_000);
    api.answer({ status: 429, headers: { 'retry-after': '300' } });
    const ahead = make({ browserId: 'local' });
    void ahead.view();
    await vi.advanceTimersByTimeAsync(10);
    ahead.destroy();
    vi.setSystemTime(Date.now() - 86_400_000); // the clock is put right
    api.answer('no-answer-yet');
    const tag = make({ browserId: 'local' });
    await vi.advanceTimersByTimeAsync(10);
    void tag.add({ item_id: 'a' });
    dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10);
    expect(api.eventTypes()).toEqual(['VIEW', 'VIEW', 'ADD']);
  });
});

describe('consent holds copies', () => {
  it('sends what the page passed at the time of the call, whatever it does to its objects afterwards', async () => {
    const tag = make({ consent: 'pending', browserId: 'local' });
    const order = { items: [{ id: 'sku-1', qty: 2 }] as unknown[] };
    const product = { item_id: 'a', price: 5, order };
    const add = tag.add(product);
    const view = tag.view({ ext: { step: 'bag' } });
    order.items.length = 0; // emptied by the page
    order.items.push(order); // and given a cycle
    expect(await tag.consent('granted')).toEqual({ ok: true });
    await vi.runAllTimersAsync();
    expect(await add).toMatchObject({ ok: true });
    expect(await view).toMatchObject({ ok: true });
    expect(api.events().map((e) => e.type)).toEqual(['ADD', 'VIEW']);
    expect((api.events()[0]!.product as { order: unknown }).order).toEqual({ items: [{ id: 'sku-1', qty: 2 }] });
  });
});

describe('consent', () => {
  it('granted also sends what an earlier page queued', async () => {
    api.answer({ status: 503 });
    const first = make({ browserId: 'local' });
    void first.view();
    await vi.advanceTimersByTimeAsync(10);
    first.destroy();
    const second = make({ browserId: 'local', consent: 'pending' });
    await vi.runAllTimersAsync();
    expect(api.sent).toHaveLength(1);
    await second.consent('granted');
    await vi.runAllTimersAsync();
    expect(api.eventTypes()).toEqual(['VIEW', 'VIEW']);
  });

  it('while pending: no request, no cookie, no storage; granted sends what waited', async () => {
    const tag = make({ consent: 'pending' });
    const view = tag.view();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await tag.browserId()).toMatchObject({ ok: false, reason: 'consent' });
    expect(api.sent).toHaveLength(0);
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);
    await tag.consent('granted');
    await vi.runAllTimersAsync();
    expect(await view).toMatchObject({ ok: true });
    expect(api.eventTypes()).toEqual(['VIEW']);
  });

  it('denied drops what waited and sends nothing after', async () => {
    const tag = make({ consent: 'pending' });
    const view = tag.view();
    expect(await tag.consent('denied')).toEqual({ ok: true });
    expect(await view).toMatchObject({ ok: false, reason: 'consent' });
    expect(await tag.add({ item_id: 'a' })).toMatchObject({ ok: false, reason: 'consent' });
    await vi.runAllTimersAsync();
    expect(api.sent).toHaveLength(0);
    expect(document.cookie).toBe('');
  });

  it('refuses an unknown state and keeps the current one', async () => {
    const tag = make({ consent: 'pending' });
    expect(await tag.consent('maybe' as never)).toMatchObject({
      ok: false,
      reason: 'invalid',
      error: { message: expect.stringContaining('maybe') },
    });
    await vi.runAllTimersAsync();
    expect(api.sent).toHaveLength(0);
  });

  it('keeps at most 100 events while pending, dropping the oldest', async () => {
    const tag = make({ consent: 'pending', browserId: 'local' });
    const first = tag.event('E0');
    for (let i = 1; i <= 100; i++) void tag.event(`E${i}`);
    expect(await first).toMatchObject({ ok: false, reason: 'consent' });
    await tag.consent('granted');
    await vi.runAllTimersAsync();
    expect(api.sent).toHaveLength(100);
    expect(api.eventTypes()[0]).toBe('E1');
  });
});

describe('lifecycle', () => {
  it('throws a SlotwiseError naming a bad option', () => {
    expect(() => createTag({ ...options, channel: 'TV' as never })).toThrow(/option "channel"/);
  });

  it('listeners can stop listening, and a throwing listener breaks nothing', async () => {
    const tag = make({ browserId: 'local' });
    const seen: string[] = [];
    tag.on('delivered', () => {
      throw new Error('listener bug');
    });
    const off = tag.on('delivered', (e) => seen.push(e.type));
    const view = tag.view();
    await vi.runAllTimersAsync();
    off();
    void tag.forceClose();
    await vi.runAllTimersAsync();
    expect(await view).toMatchObject({ ok: true });
    expect(seen).toEqual(['VIEW']);
  });

  it('after destroy every call resolves destroyed', async () => {
    const tag = make();
    tag.destroy();
    expect(await tag.view()).toMatchObject({ ok: false, reason: 'destroyed' });
    expect(await tag.browserId()).toMatchObject({ ok: false, reason: 'destroyed' });
  });
});

describe('serverCookies', () => {
  const refreshes = () => api.sent.filter((s) => s.url.pathname == '/slotwise/cookies');

  it('asks the site to re-set the cookies when the browser id cookie was missing, then once a day', async () => {
    const first = make({ serverCookies: '/slotwise/cookies' });
    await vi.waitFor(() => expect(refreshes()).toHaveLength(1));
    expect(refreshes()[0]!.method).toBe('POST');
    first.destroy();

    // The cookie is there and was refreshed a moment ago: nothing to ask.
    make({ serverCookies: '/slotwise/cookies' });
    await vi.advanceTimersByTimeAsync(50);
    expect(refreshes()).toHaveLength(1);

    vi.setSystemTime(Date.now() + 25 * 3600_000);
    make({ serverCookies: '/slotwise/cookies' });
    await vi.waitFor(() => expect(refreshes()).toHaveLength(2));
  });

  it('asks nothing without consent, and nothing when not configured; asks once consent is granted', async () => {
    const waiting = make({ serverCookies: '/slotwise/cookies', consent: 'pending' });
    make();
    await vi.advanceTimersByTimeAsync(100);
    expect(refreshes()).toHaveLength(0);
    await waiting.consent('granted');
    await vi.waitFor(() => expect(refreshes()).toHaveLength(1));
    await waiting.consent('granted');
    await vi.advanceTimersByTimeAsync(100);
    expect(refreshes()).toHaveLength(1);
  });

  it('accepts only a path on the site', () => {
    expect(() => make({ serverCookies: 'https://other.example/cookies' })).toThrow(/serverCookies/);
    expect(() => make({ serverCookies: '//other.example/cookies' })).toThrow(/serverCookies/);
    expect(() => make({ serverCookies: '/\\other.example/cookies' })).toThrow(/serverCookies/);
  });
});

describe('flow identity (Sitecore Personalize flow execution: exactly one of browserId, email, identifiers)', () => {
  it('runs a flow for a known person without making a browser id, and refuses two identities', async () => {
    const tag = make();
    api.answer({ status: 200, json: { html: '<p>hi Jane</p>' } });
    expect(await tag.flow('greeting', { email: 'jane@example.com' })).toMatchObject({
      ok: true,
      data: { html: '<p>hi Jane</p>' },
    });
    expect(api.sent.map((s) => s.url.pathname)).toEqual(['/v2/callFlows']);
    const both = await tag.flow('greeting', { email: 'jane@example.com', identifiers: { provider: 'crm', id: '42' } });
    expect(both).toMatchObject({ ok: false, reason: 'invalid', error: { message: expect.stringMatching(/not both/) } });
    expect(api.sent).toHaveLength(1);
  });
});

describe('preview', () => {
  afterEach(() => history.replaceState(null, '', '/'));

  it('rides on every decision request for the rest of the tab session, until an empty value ends it', async () => {
    history.replaceState(null, '', '/?slotwise_preview=%7B%22audience%22%3A%22new%22%7D');
    const tag = make();
    await tag.browserId();
    api.answer({ status: 200, json: { html: '<p>hi</p>' } });
    expect((await tag.flow('home_hero')).ok).toBe(true);
    const flowCall = () => api.sent.filter((s) => s.url.pathname == '/v2/callFlows').at(-1)!;
    expect(flowCall().url.searchParams.get('slotwise_preview')).toBe('{"audience":"new"}');

    history.replaceState(null, '', '/next-page');
    await tag.flow('home_hero');
    expect(flowCall().url.searchParams.get('slotwise_preview')).toBe('{"audience":"new"}');

    history.replaceState(null, '', '/?slotwise_preview=');
    await tag.flow('home_hero');
    expect(flowCall().url.searchParams.has('slotwise_preview')).toBe(false);
  });
});

describe('hostile input never throws into the page', () => {
  const settle = async <T>(call: () => Promise<T>): Promise<T> => {
    let result: Promise<T>;
    expect(() => (result = call())).not.toThrow();
    const answer = result!.then(
      (value) => value,
      (error: unknown) => ({ rejected: error }),
    );
    await vi.runAllTimersAsync();
    return answer as Promise<T>;
  };

  it('answers invalid, naming the argument, for getters, Proxies and BigInts in event data', async () => {
    const tag = make({ browserId: 'local' });
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      [
        'a getter that throws null',
        () =>
          tag.add({
            get item_id(): string {
              throw null;
            },
          }),
        /product/,
      ],
      ['a Proxy that throws on every trap', () => tag.add(throwingProxy(new Error('trap')) as never), /product/],
      ['a Proxy as ext', () => tag.view({ ext: throwingProxy(1) as never }), /data/],
      [
        'a getter in a person',
        () =>
          tag.identity({
            get email(): string {
              throw new Error('no');
            },
          }),
        /person/,
      ],
      [
        'a cycle in custom data',
        () =>
          tag.event(
            'X',
            (() => {
              const o: Record<string, unknown> = {};
              o.self = o;
              return o;
            })(),
          ),
        /data/,
      ],
      ['a BigInt in ext', () => tag.event('X', {}, { n: 10n as never }), /ext/],
    ];
    for (const [name, call, names] of cases)
      expect(await settle(call), name).toMatchObject({
        ok: false,
        reason: 'invalid',
        error: { message: expect.stringMatching(names) },
      });
    expect(api.events()).toEqual([]);
  });

  it('sends what toJSON answered, read once: a second answer changes nothing', async () => {
    const tag = make({ browserId: 'local' });
    let calls = 0;
    const data = { toJSON: () => (calls++ ? { ext: 'not an object' } : { color: 'red' }) };
    expect(await settle(() => tag.event('PICK', data))).toMatchObject({ ok: true });
    expect(api.events()).toEqual([
      expect.objectContaining({ type: 'PICK', color: 'red', ext: { eventId: expect.any(String) } }),
    ]);
    expect(calls).toBe(1);
  });

  it('answers invalid for odd consent states and ignores odd listeners', async () => {
    const tag = make();
    for (const state of [new String('granted'), 10n, throwingProxy(1), Object.create(null), Symbol('granted')])
      expect(await settle(() => tag.consent(state as never))).toMatchObject({
        ok: false,
        reason: 'invalid',
        error: { message: expect.stringMatching(/state/) },
      });
    for (const [type, listener] of [
      [
        {
          toString() {
            throw 1;
          },
        },
        () => {},
      ],
      ['error', 5],
      [Symbol('error'), () => {}],
      ['__proto__', () => {}],
    ])
      expect(() => tag.on(type as never, listener as never)()).not.toThrow();
  });

  it('answers invalid, naming the argument, for bad decision calls, and asks no API', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const tag = make({
      browserId: 'local',
      placements: { target: 'https://recs.example', apiKey: 'k', apiClientKey: 'c' },
      offers: { target: '/adobe-offers', identityNamespace: 'SlotwiseBrowser' },
    });
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => tag.placements(5 as never), /names/],
      [() => tag.placements('home.hero' as never), /names/],
      [() => tag.placements([5] as never), /names/],
      [() => tag.placements(['home.hero'], null as never), /context/],
      [() => tag.placements(['home.hero'], 5 as never), /context/],

      [() => tag.placements(['home.hero'], throwingProxy(1) as never), /context/],
      [() => tag.offers(null as never), /calls/],
      [() => tag.offers([null] as never), /calls/],
      [() => tag.offers([{ placementId: 5, activityId: 'a' }] as never), /calls/],
      [() => tag.render({} as never), /root/],
      [() => tag.render(throwingProxy(1) as never), /root/],
      [() => tag.page('http://['), /url/],
      [() => tag.page(5 as never), /url/],
      [() => tag.flow('f', { params: cyclic }), /params/],
      [() => tag.flow('f', { params: { n: 10n } }), /params/],
      [() => tag.flow('f', throwingProxy(1) as never), /options/],
      [() => tag.flow('f', 'x' as never), /options/],
    ];
    for (const [call, names] of cases)
      expect(await settle(call), String(call)).toMatchObject({
        ok: false,
        reason: 'invalid',
        error: { message: expect.stringMatching(names) },
      });
    expect(api.sent).toEqual([]);
  });

  it('throws a SlotwiseError for options it cannot read, never the getter’s own error', () => {
    const cases = [
      {
        ...options,
        get consent(): string {
          throw new Error('getter');
        },
      },
      throwingProxy(new Error('trap')),
      { ...options, placements: throwingProxy(null) },
      { ...options, currency: 10n },
      {
        ...options,
        target: {
          toString() {
            throw 1;
          },
        },
      },
    ];
    for (const given of cases)
      expect(() => createTag(given as never)).toThrowError(
        expect.objectContaining({ name: 'SlotwiseError', code: 'invalid' }),
      );
    expect(() => createTag(Object.freeze(Object.assign(Object.create(null), options))).destroy()).not.toThrow();
  });
});

describe('a corrupt queue entry', () => {
  const stored = (id: string) => JSON.stringify({ m: { type: 'VIEW', ext: { eventId: id } }, a: 0 });
  it.each([
    ['without ext', JSON.stringify({ m: { type: 'VIEW' }, a: 0 })],
    ['in another shape', JSON.stringify({ message: { type: 'VIEW' } })],
    ['that does not parse', '{"m":'],
    ['a number', '5'],
    ['null', 'null'],
    ['with a message that is a string', JSON.stringify({ m: 'VIEW', a: 0 })],
    ['without a type', JSON.stringify({ m: { ext: { eventId: 'x' } }, a: 0 })],
  ])('%s is skipped, removed and reported once; the events after it go out at once', async (_, entry) => {
    localStorage.setItem('slotwise:v1:key1:q:000000001:bad', entry);
    localStorage.setItem('slotwise:v1:key1:q:000000002:good', stored('good'));
    const errors: unknown[] = [];
    const tag = make({ browserId: 'local' });
    tag.on('error', (e) => errors.push(e));
    await vi.advanceTimersByTimeAsync(50);
    expect(api.events().map((e) => (e.ext as { eventId: string }).eventId)).toEqual(['good']);
    expect(Object.keys(localStorage).filter((key) => key.includes(':q:'))).toEqual([]);
    expect(errors).toEqual([
      {
        eventId: 'bad',
        error: expect.objectContaining({ code: 'dropped', message: expect.stringMatching(/unreadable/) }),
      },
    ]);
    // A new event after it is delivered too, and nothing more is reported.
    const next = tag.view();
    await vi.runAllTimersAsync();
    expect(await next).toMatchObject({ ok: true });
    expect(errors).toHaveLength(1);
  });
});

describe('a queue entry whose attempts are not a number', () => {
  it('is sent, then retried with backoff, not in a loop', async () => {
    localStorage.setItem(
      'slotwise:v1:key1:q:000000001:x',
      JSON.stringify({ m: { type: 'VIEW', ext: { eventId: 'x' } }, a: 'many' }),
    );
    api.answer(...Array.from({ length: 20 }, () => ({ status: 503 })));
    make({ browserId: 'local' });
    await vi.advanceTimersByTimeAsync(200);
    expect(api.events()).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(api.events()).toHaveLength(10); // maxAttempts, then dropped
  });
});
