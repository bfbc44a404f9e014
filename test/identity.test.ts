// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createCookieJar, type CookieJar } from '../src/identity/cookies';
import { createBrowserIds } from '../src/identity/browser-id';
import { createRcsStore, isRcs } from '../src/identity/rcs';
import { SESSION_IDLE_MS, touchSession } from '../src/identity/session';
import { createStore } from '../src/shared/store';
import type { Settings } from '../src/types/options';

beforeEach(() => {
  localStorage.clear();
  for (const pair of document.cookie.split('; ').filter(Boolean))
    document.cookie = `${pair.split('=')[0]}=; Max-Age=-1; Path=/`;
});

describe('rcs (Algonomy Personalize API: send it back exactly as served)', () => {
  it('stores and returns the token byte for byte, however long', () => {
    const rcs = createRcsStore(createCookieJar('host'), 30);
    const token = 'eF5jYSlN9jA0NDM2sEwxM0w1tUxKSUoxNjMxNzQxN0pKTUo2MDa3BADnJgq2' + 'Ab9'.repeat(300);
    expect(rcs.set(token)).toBe(true);
    expect(rcs.get()).toBe(token);
  });

  it("keeps the documentation's own token, `_` included, and reads the cookie undecoded", () => {
    const seedToken =
      'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ';
    expect(createRcsStore(createCookieJar('host'), 30).set(seedToken)).toBe(true);
    expect(createRcsStore(createCookieJar('host'), 30).get()).toBe(seedToken); // a new store: from the cookie
    document.cookie = 'rr_rcs=abc%41; path=/'; // set by a server, percent sign and all
    expect(createRcsStore(createCookieJar('host'), 30).get()).toBeUndefined(); // not decoded into "abcA"
  });

  it.each(['', 'abc def', 'abc;path=/', 'abc%3D', 'é', 'a=b', null, 42])('refuses %j without writing it', (bad) => {
    const rcs = createRcsStore(createCookieJar('host'), 30);
    rcs.set('Valid123');
    expect(rcs.set(bad)).toBe(false);
    expect(rcs.get()).toBe('Valid123');
    expect(isRcs(bad)).toBe(false);
  });
});

describe('cookie jar', () => {
  it('refuses values that are not plain ids', () => {
    const jar = createCookieJar('host');
    expect(jar.set('x', 'a;b', 1)).toBe(false);
    expect(jar.set('x', '', 1)).toBe(false);
    expect(document.cookie).not.toMatch(/(^|; )x=/);
    expect(jar.set('x', 'abc-123.DEF_4', 1)).toBe(true);
  });

  it('lists every value of a name, one per path it is set on, and no other name’s', () => {
    history.replaceState(null, '', '/somewhere/page');
    try {
      document.cookie = 'bid_k=; path=/';
      document.cookie = 'bid_k=ref-1; path=/somewhere';
      document.cookie = 'bid_kk=other; path=/';
      expect(createCookieJar('host').getAll('bid_k').sort()).toEqual(['', 'ref-1']);
      expect(createCookieJar('host').getAll('nothing')).toEqual([]);
    } finally {
      history.replaceState(null, '', '/');
    }
  });
});

describe('browser id: a visitor arriving with Sitecore Engage’s cookies', () => {
  const clientKey = 'engageKey';
  const name = `bid_${clientKey}`;
  /** A browser's view of one name: copies on several domains and paths, as document.cookie lists them. */
  function browserJar(...copies: string[]) {
    let values = [...copies];
    let removals = 0;
    const jar: CookieJar = {
      get: (n) => (n == name ? values[0] : undefined),
      getAll: (n) => (n == name ? [...values] : []),
      set: (n, value) => (n == name && (values = [...values.filter((v) => v !== value), value]), true),
      remove: (n) => void (n == name && ((values = []), removals++)),
    };
    return { jar, values: () => values, removals: () => removals };
  }
  const ids = (jar: CookieJar, mirrored?: string) => {
    if (mirrored) localStorage.setItem('p:bid', mirrored);
    const settings = { clientKey, browserId: 'local', cookieExpiryDays: 400 } as Settings;
    return createBrowserIds({
      settings,
      jar,
      store: createStore('p:', localStorage),
      lockName: 'p:bid',
      allowed: () => true,
      onCreateFailed: () => {},
    });
  };

  it.each([
    ['the empty one first', ['', 'engage-ref-1']],
    ['the empty one last', ['engage-ref-1', '']],
    ['an invalid one beside it', ['not valid!', 'engage-ref-1']],
    ['the same id twice (host-only and domain)', ['engage-ref-1', 'engage-ref-1']],
  ])('adopts Engage’s id with %s, and leaves exactly one copy', (_name, copies) => {
    const browser = browserJar(...copies);
    expect(ids(browser.jar).current()).toBe('engage-ref-1');
    expect(browser.values()).toEqual(['engage-ref-1']);
    expect(localStorage.getItem('p:bid')).toBe('engage-ref-1');
  });

  it('keeps the id this tag already uses when two valid ids compete', () => {
    const browser = browserJar('engage-ref-1', 'ours-2');
    expect(ids(browser.jar, 'ours-2').current()).toBe('ours-2');
    expect(browser.values()).toEqual(['ours-2']);
  });

  it('deletes a lone empty cookie and makes a new id instead of sending it empty', async () => {
    const browser = browserJar('');
    const browserIds = ids(browser.jar);
    expect(browserIds.current()).toBeUndefined();
    expect(browser.values()).toEqual([]);
    const made = await browserIds.ensure();
    expect(made).toMatch(/^[\w-]{21}$/);
    expect(browser.values()).toEqual([made]);
  });

  it('leaves a single good cookie alone: no deletion on every read', () => {
    const browser = browserJar('engage-ref-1');
    const browserIds = ids(browser.jar);
    browserIds.current();
    browserIds.current();
    expect(browser.removals()).toBe(0);
    expect(browser.values()).toEqual(['engage-ref-1']);
  });
});

describe('session', () => {
  it('keeps the id while active and renews it after 30 idle minutes', () => {
    const store = createStore('p:', localStorage);
    const first = touchSession(store, 1_000);
    expect(touchSession(store, 1_000 + SESSION_IDLE_MS - 1)).toBe(first);
    const later = 1_000 + 2 * SESSION_IDLE_MS;
    expect(touchSession(store, later)).not.toBe(first);
  });
});
