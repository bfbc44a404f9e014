// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import Cookies from 'js-cookie';
import { createCookieJar } from '../src/identity/cookies';
import { createRcsStore, isRcs } from '../src/identity/rcs';
import { SESSION_IDLE_MS, touchSession } from '../src/identity/session';

beforeEach(() => {
  localStorage.clear();
  Object.keys(Cookies.get()).forEach((name) => Cookies.remove(name, { path: '/' }));
});

describe('rcs (seed 001: send it back exactly as served)', () => {
  it('stores and returns the token byte for byte, however long', () => {
    const rcs = createRcsStore(createCookieJar('host'), 30);
    const token = 'eF5jYSlN9jA0NDM2sEwxM0w1tUxKSUoxNjMxNzQxN0pKTUo2MDa3BADnJgq2' + 'Ab9'.repeat(300);
    expect(rcs.set(token)).toBe(true);
    expect(rcs.get()).toBe(token);
  });

  it('keeps the seed\'s own token, `_` included, and reads the cookie undecoded', () => {
    const seedToken = 'eF4Ny7ERgDAMA8AmFbuIQ1gO8QbMEZOCgg6YH77_Up7cxaV1DkPPcMhMUGdFrh6xDY8c63S993nM0QJ0mazWZhTxD_ADc7cRDQ';
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
    expect(Cookies.get('x')).toBeUndefined();
    expect(jar.set('x', 'abc-123.DEF_4', 1)).toBe(true);
  });
});

describe('session', () => {
  it('keeps the id while active and renews it after 30 idle minutes', () => {
    const first = touchSession(localStorage, 's', 1_000);
    expect(touchSession(localStorage, 's', 1_000 + SESSION_IDLE_MS - 1)).toBe(first);
    const later = 1_000 + 2 * SESSION_IDLE_MS;
    expect(touchSession(localStorage, 's', later)).not.toBe(first);
  });
});
