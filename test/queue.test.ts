// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_QUEUED, createQueue, type QueueOptions } from '../src/events/queue';
import { createStore } from '../src/shared/store';
import { quotaStorage } from './helpers/storage';
import type { Message } from '../src/types/wire';

const message = (type: string, eventId = type): Message => ({ type, ext: { eventId } });
/** A queue over `storage` under the prefix `p:`, as a page load of the tag makes it. */
const queueIn = (options: Partial<QueueOptions> = {}, storage: Storage = localStorage) =>
  createQueue({ store: createStore('p:', storage), onOverflow: () => {}, ...options });
const types = (queue: ReturnType<typeof createQueue>) => queue.list().map((e) => e.message.type);

beforeEach(() => localStorage.clear());
afterEach(() => vi.useRealTimers());

describe('persisted queue', () => {
  it('keeps events in the order they were made, across page loads', () => {
    const first = queueIn();
    ['A', 'B', 'C'].forEach((t) => first.add(message(t)));
    const reloaded = queueIn();
    expect(types(reloaded)).toEqual(['A', 'B', 'C']);
    expect(reloaded.head()?.message.type).toBe('A');
  });

  it('shows other tabs which event is being sent, without rewriting the event, and forgets it once settled', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const tabA = queueIn({ leaseMs: 5000 });
    const event = tabA.add(message('ADD'));
    const entry = localStorage.getItem(event.key);
    tabA.lease(event.key);
    expect(localStorage.getItem(event.key)).toBe(entry); // the event itself is not written again
    expect(queueIn({ leaseMs: 5000 }).head()?.leasedUntil).toBe(1_005_000); // tab B sees the lease
    tabA.save({ ...event, attempts: 1 }); // a failed try: no longer on its way
    expect(queueIn({ leaseMs: 5000 }).head()?.leasedUntil).toBe(0);
    tabA.lease(event.key);
    tabA.remove(event.key);
    expect(Object.keys(localStorage).filter((key) => key != 'p:seq')).toEqual([]);
    tabA.lease(event.key); // settled meanwhile: no lease left behind for an event that is gone
    expect(Object.keys(localStorage).filter((key) => key != 'p:seq')).toEqual([]);
  });

  it('marks an event that left with its page, for every later page load to see', () => {
    const leaving = queueIn();
    const event = leaving.add(message('ADD'));
    leaving.lease(event.key);
    leaving.handOff(event.key);
    expect(queueIn().head()).toMatchObject({ handedOff: true, leasedUntil: 0 });
    leaving.release(event.key);
    expect(queueIn().head()).toMatchObject({ handedOff: false, leasedUntil: 0 });
  });

  it('forgets an event it cannot mark as handed off (storage full): the next page load must not send it', () => {
    const { storage, state } = quotaStorage();
    const queue = queueIn({}, storage);
    const event = queue.add(message('ADD'));
    state.full = true;
    queue.handOff(event.key);
    expect(queueIn().head()).toBeUndefined();
  });

  it('keeps the order events were made in when the clock is set back between page loads', () => {
    vi.useFakeTimers({ now: new Date('2026-12-03T10:00:05Z') });
    const first = queueIn();
    first.add(message('ADD', 'a1'));
    first.add(message('ADD', 'a2'));
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z')); // set back 5 s
    queueIn().add(message('FORCE_CLOSE'));
    expect(types(queueIn())).toEqual(['ADD', 'ADD', 'FORCE_CLOSE']);
  });

  it('carries on after the events an earlier version of the tag keyed by time', () => {
    localStorage.setItem(
      `p:q:${(1_790_000_000_000).toString(36).padStart(9, '0')}:old`,
      JSON.stringify({ m: message('VIEW', 'old'), a: 0 }),
    );
    queueIn().add(message('ADD'));
    expect(types(queueIn())).toEqual(['VIEW', 'ADD']);
  });

  it('takes a wait that a clock set back since left behind for no wait at all', () => {
    vi.useFakeTimers({ now: new Date('2026-12-04T10:00:00Z') }); // a day ahead
    const ahead = queueIn({ leaseMs: 5000 });
    const event = ahead.add(message('ADD'));
    ahead.pause(Date.now() + 60_000);
    ahead.save({ ...event, attempts: 1, notBefore: Date.now() + 30_000 });
    ahead.lease(event.key);
    expect(ahead.pausedUntil()).toBe(Date.now() + 60_000);
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z')); // the clock is put right
    const now = queueIn({ leaseMs: 5000 });
    expect(now.pausedUntil()).toBe(0);
    expect(now.head()).toMatchObject({ notBefore: 0 });
    now.lease(event.key);
    vi.setSystemTime(new Date('2026-12-02T10:00:00Z')); // and a lease written then has run out now
    const lease = queueIn({ leaseMs: 5000 }).head()!.leasedUntil!;
    expect(lease > 0 && lease <= Date.now()).toBe(true);
  });

  it('keeps creation order for thousands of events made in the same millisecond', () => {
    const queue = queueIn();
    for (let i = 0; i < 1500; i++) queue.add(message(`E${i}`));
    expect(types(queue)).toEqual(Array.from({ length: 1500 }, (_, i) => `E${i}`));
  });

  it('two tabs adding and removing at once lose nothing (one storage entry per event)', () => {
    const tabA = queueIn();
    const tabB = queueIn();
    const a1 = tabA.add(message('A1'));
    tabB.add(message('B1'));
    tabB.invalidate();
    tabA.remove(a1.key); // tab A delivered its event while tab B was adding
    tabB.invalidate();
    expect(types(tabB)).toEqual(['B1']);
  });

  it('stores attempt counts but never resurrects an event another tab removed', () => {
    const tabA = queueIn();
    const event = tabA.add(message('A'));
    event.attempts = 2;
    tabA.save(event);
    expect(queueIn().head()?.attempts).toBe(2);
    localStorage.removeItem(event.key);
    event.attempts = 3;
    tabA.save(event);
    expect(localStorage.getItem(event.key)).toBeNull();
  });

  it('drops the oldest event past the cap and reports it', () => {
    const dropped: string[] = [];
    const queue = queueIn({ onOverflow: (e) => dropped.push(e.message.type) });
    for (let i = 0; i <= MAX_QUEUED; i++) queue.add(message(`E${i}`));
    expect(dropped).toEqual(['E0']);
    expect(queue.list()).toHaveLength(MAX_QUEUED);
  });

  it('falls back to memory when storage refuses writes', () => {
    const full = {
      ...localStorage,
      length: 0,
      key: () => null,
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => {},
    } as unknown as Storage;
    const queue = queueIn({}, full);
    queue.add(message('A'));
    expect(types(queue)).toEqual(['A']);
  });

  it('shares a Retry-After pause through storage', () => {
    const until = Date.now() + 12_345;
    queueIn().pause(until);
    expect(queueIn().pausedUntil()).toBe(until);
  });
});

describe('entries the queue cannot read', () => {
  it('are removed and reported once, without hiding the entry after them from the same scan', () => {
    localStorage.setItem('p:q:000000001:bad', 'null');
    localStorage.setItem('p:q:000000002:also-bad', JSON.stringify({ m: { type: 'VIEW' }, a: 0 }));
    localStorage.setItem('p:q:000000003:good', JSON.stringify({ m: message('VIEW', 'good'), a: 0 }));
    const unreadable: string[] = [];
    const queue = queueIn({ leaseMs: 15_000, onUnreadable: (key) => unreadable.push(key) });
    expect(queue.head()?.message.ext.eventId).toBe('good');
    expect(types(queue)).toEqual(['VIEW']);
    expect(unreadable).toEqual(['q:000000001:bad', 'q:000000002:also-bad']);
    expect(Object.keys(localStorage).sort()).toEqual(['p:q:000000003:good']);
  });

  it('leaves an entry another tab is finishing alone, and reads counters that are not numbers as none', () => {
    localStorage.setItem('p:q:000000001:done', JSON.stringify({ f: 'dropped' }));
    localStorage.setItem('p:q:000000002:x', JSON.stringify({ m: message('ADD', 'x'), a: 'many', n: 'later' }));
    const unreadable: string[] = [];
    const queue = queueIn({ leaseMs: 15_000, onUnreadable: (key) => unreadable.push(key) });
    expect(queue.head()).toMatchObject({ message: { type: 'ADD' }, attempts: 0, notBefore: 0 });
    expect(unreadable).toEqual([]);
  });
});
