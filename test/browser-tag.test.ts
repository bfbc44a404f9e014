// @vitest-environment happy-dom
// browserTag's second face, at(url): the script tag replays the calls its snippet queued with the
// page URL each was made on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browserTag } from '../src/tag/tag';
import { resolveOptions } from '../src/shared/options';
import { installFakeApi } from './helpers/fake-api';

const settings = resolveOptions({
  clientKey: 'key1',
  target: 'https://api.example',
  pointOfSale: 'shop/uk',
  currency: 'EUR',
  browserId: 'local',
});
let api: ReturnType<typeof installFakeApi>;
const made: { destroy(): void }[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  localStorage.clear();
  history.replaceState(null, '', '/now?utm_source=here');
  api = installFakeApi();
});
afterEach(() => {
  made.splice(0).forEach((tag) => tag.destroy());
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('browserTag(settings).at(url)', () => {
  it('makes calls as if on page url; the tag itself, on the page as it is', async () => {
    const { tag, at } = browserTag(settings);
    made.push(tag);
    const results = Promise.all([at('https://shop.example/then?utm_source=queued').view(), tag.event('seen')]);
    await vi.runAllTimersAsync();
    expect((await results).map((r) => r.ok)).toEqual([true, true]);
    expect(api.events()).toMatchObject([
      { type: 'VIEW', page: 'then', utm_source: 'queued' },
      { type: 'SEEN', page: 'now' },
    ]);
  });

  it('shares one state with the tag: one first view, one consent, one destroy', async () => {
    vi.spyOn(document, 'referrer', 'get').mockReturnValue('https://search.example/');
    const { tag, at } = browserTag({ ...settings, consent: 'pending' });
    made.push(tag);
    const first = at('https://shop.example/a').view();
    const second = tag.view();
    expect(await at('https://shop.example/b').consent('granted')).toEqual({ ok: true });
    await vi.runAllTimersAsync();
    expect([await first, await second]).toMatchObject([{ ok: true }, { ok: true }]);
    expect(api.events().map((e) => e.referrer)).toEqual(['https://search.example/', undefined]);
    at('https://shop.example/c').destroy();
    expect(await tag.view()).toMatchObject({ ok: false, reason: 'destroyed' });
  });
});
