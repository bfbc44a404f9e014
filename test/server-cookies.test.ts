// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serverCookieRefresh } from '../src/tag/server-cookies';
import { createStore } from '../src/shared/store';
import { resolveOptions } from '../src/shared/options';
import { installFakeApi } from './helpers/fake-api';
import type { BrowserIds } from '../src/identity/browser-id';
import type { CookieJar } from '../src/identity/cookies';

const KEY = 'p:cookies';
const DAY_MS = 86_400_000;
const settings = (serverCookies = '/slotwise/cookies') =>
  resolveOptions({
    clientKey: 'key1',
    target: 'https://api.example',
    pointOfSale: 'shop/uk',
    currency: 'EUR',
    serverCookies,
  });
const jar = (bid?: string) =>
  ({ get: (name: string) => (name === 'bid_key1' ? bid : undefined) }) as Partial<CookieJar> as CookieJar;
const ids = (id: string | undefined) => ({ current: () => id, ensure: vi.fn(async () => id) }) satisfies BrowserIds;

let api: ReturnType<typeof installFakeApi>;
const refreshes = () => api.sent.filter((s) => s.url.pathname === '/slotwise/cookies');
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  localStorage.clear();
  api = installFakeApi();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the server re-sets our cookies (server cookies)', () => {
  it('asks once per page when the browser id cookie was missing, and keeps the time', async () => {
    const asked = Date.now();
    const refresh = serverCookieRefresh({
      settings: settings(),
      jar: jar(),
      ids: ids('bid-1'),
      store: createStore('p:', localStorage),
      allowed: () => true,
    });
    refresh();
    refresh();
    await vi.waitFor(() => expect(Number(localStorage.getItem(KEY))).toBeGreaterThanOrEqual(asked));
    expect(refreshes()).toMatchObject([{ method: 'POST' }]);
  });

  it('with the cookie there, asks only when a day has passed since the last time', async () => {
    localStorage.setItem(KEY, String(Date.now() - DAY_MS + 60_000));
    const browserIds = ids('bid-1');
    serverCookieRefresh({
      settings: settings(),
      jar: jar('bid-1'),
      ids: browserIds,
      store: createStore('p:', localStorage),
      allowed: () => true,
    })();
    await vi.waitFor(() => expect(browserIds.ensure).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(refreshes()).toHaveLength(0);
    vi.setSystemTime(Date.now() + 60_000);
    serverCookieRefresh({
      settings: settings(),
      jar: jar('bid-1'),
      ids: ids('bid-1'),
      store: createStore('p:', localStorage),
      allowed: () => true,
    })();
    await vi.waitFor(() => expect(refreshes()).toHaveLength(1));
  });

  it('asks nothing when not configured, without consent (until it is given), or without a browser id', async () => {
    const notConfigured = ids('bid-1');
    serverCookieRefresh({
      settings: settings(''),
      jar: jar(),
      ids: notConfigured,
      store: createStore('p:', localStorage),
      allowed: () => true,
    })();
    let allowed = false;
    const refresh = serverCookieRefresh({
      settings: settings(),
      jar: jar(),
      ids: ids('bid-1'),
      store: createStore('p:', localStorage),
      allowed: () => allowed,
    });
    refresh();
    const noId = ids(undefined);
    serverCookieRefresh({
      settings: settings(),
      jar: jar(),
      ids: noId,
      store: createStore('p:', localStorage),
      allowed: () => true,
    })();
    await vi.waitFor(() => expect(noId.ensure).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(notConfigured.ensure).not.toHaveBeenCalled();
    expect(refreshes()).toHaveLength(0);
    allowed = true;
    refresh();
    await vi.waitFor(() => expect(refreshes()).toHaveLength(1));
  });

  it('keeps no time when the server failed, or consent was withdrawn meanwhile', async () => {
    api.answer({ status: 500 });
    serverCookieRefresh({
      settings: settings(),
      jar: jar(),
      ids: ids('bid-1'),
      store: createStore('p:', localStorage),
      allowed: () => true,
    })();
    await vi.waitFor(() => expect(refreshes()).toHaveLength(1));
    let allowed = true;
    serverCookieRefresh({
      settings: settings(),
      jar: jar(),
      ids: ids('bid-1'),
      store: createStore('p:', localStorage),
      allowed: () => allowed,
    })();
    allowed = false;
    await vi.waitFor(() => expect(refreshes()).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(localStorage.getItem(KEY)).toBeNull();
  });
});
