// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore, storageArea } from '../src/shared/store';
import { quotaStorage } from './helpers/storage';

/** A storage whose every call throws, as in a sandboxed frame. */
const hostile = new Proxy(
  {},
  {
    get: () => {
      throw new DOMException('denied', 'SecurityError');
    },
  },
) as Storage;

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('Store', () => {
  it('keeps its values under its prefix, apart from other tags and scripts', () => {
    const store = createStore('slotwise:v1:a:', localStorage);
    localStorage.setItem('slotwise:v1:b:bid', 'other tag');
    localStorage.setItem('bid', 'other script');
    expect(store.set('bid', 'mine')).toBe(true);
    expect(localStorage.getItem('slotwise:v1:a:bid')).toBe('mine');
    expect(store.get('bid')).toBe('mine');
    expect(store.names('b')).toEqual(['bid']);
    store.remove('bid');
    expect([store.get('bid'), localStorage.getItem('slotwise:v1:b:bid'), localStorage.getItem('bid')]).toEqual([
      null,
      'other tag',
      'other script',
    ]);
  });

  it('keeps a value the browser refuses in memory for this page, says so, and lists it', () => {
    const { storage, state } = quotaStorage();
    const store = createStore('p:', storage);
    store.set('q:1', 'stored');
    state.full = true;
    expect(store.set('q:2', 'kept')).toBe(false);
    expect([store.get('q:1'), store.get('q:2'), localStorage.getItem('p:q:2')]).toEqual(['stored', 'kept', null]);
    expect(store.names('q:').sort()).toEqual(['q:1', 'q:2']);
    // A later write the browser takes replaces the one in memory, so a read never sees the older value.
    state.full = false;
    expect(store.set('q:2', 'newer')).toBe(true);
    localStorage.setItem('p:q:2', 'changed by another tab');
    expect(store.get('q:2')).toBe('changed by another tab');
  });

  it('never throws where every storage call throws, and still holds values for the page', () => {
    const store = createStore('p:', hostile);
    expect(store.set('session', 'x')).toBe(false);
    expect(store.get('session')).toBe('x');
    expect(store.names('')).toEqual(['session']);
    expect(() => store.remove('session')).not.toThrow();
    expect(store.get('session')).toBeNull();
  });

  it('works without any storage at all', () => {
    const store = createStore('p:', undefined);
    expect(store.set('a', '1')).toBe(false);
    expect([store.get('a'), store.get('b')]).toEqual(['1', null]);
  });
});

describe('storageArea', () => {
  it('is the browser storage where it works', () => {
    expect(storageArea('localStorage')).toBe(localStorage);
    expect(storageArea('sessionStorage')).toBe(sessionStorage);
  });

  it('is undefined where reading it throws (a sandboxed frame, cookies blocked)', () => {
    vi.stubGlobal('localStorage', hostile);
    expect(storageArea('localStorage')).toBeUndefined();
  });
});
