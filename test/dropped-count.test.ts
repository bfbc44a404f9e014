// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { droppedCounter } from '../src/tag/dropped-count';
import { createStore } from '../src/shared/store';

const storeIn = (storage: Storage | undefined = localStorage) => createStore('p:', storage);

beforeEach(() => localStorage.clear());

describe('events given up on (dropped count)', () => {
  it('counts across page loads, in storage', () => {
    const count = droppedCounter(storeIn());
    expect([count(), count()]).toEqual([1, 2]);
    expect(droppedCounter(storeIn())()).toBe(3);
    expect(localStorage.getItem('p:dropped')).toBe('3');
  });

  it('counts from a stored value it cannot read as 0, and without storage, or when it is full, never throws', () => {
    localStorage.setItem('p:dropped', 'junk');
    expect(droppedCounter(storeIn())()).toBe(1);
    expect(droppedCounter(createStore('p:', undefined))()).toBe(1);
    const full = {
      getItem: () => '4',
      removeItem: () => {},
      setItem: vi.fn(() => {
        throw new DOMException('full', 'QuotaExceededError');
      }),
    } as unknown as Storage;
    expect(droppedCounter(storeIn(full))()).toBe(5);
  });
});
