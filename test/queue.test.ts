// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_QUEUED, createQueue } from '../src/events/queue';
import type { Message } from '../src/wire/sitecore';

const message = (type: string, eventId = type): Message => ({ type, ext: { eventId } });
const types = (queue: ReturnType<typeof createQueue>) => queue.list().map((e) => e.message.type);

beforeEach(() => localStorage.clear());

describe('persisted queue', () => {
  it('keeps events in the order they were made, across page loads', () => {
    const first = createQueue('p:', localStorage, () => {});
    ['A', 'B', 'C'].forEach((t) => first.add(message(t)));
    const reloaded = createQueue('p:', localStorage, () => {});
    expect(types(reloaded)).toEqual(['A', 'B', 'C']);
    expect(reloaded.head()?.message.type).toBe('A');
  });

  it('shows other tabs which event is being sent, without rewriting the event, and forgets it once settled', () => {
    const tabA = createQueue('p:', localStorage, () => {});
    const event = tabA.add(message('ADD'));
    const entry = localStorage.getItem(event.key);
    tabA.lease(event, 5000);
    expect(localStorage.getItem(event.key)).toBe(entry); // the event itself is not written again
    expect(createQueue('p:', localStorage, () => {}).head()?.leasedUntil).toBe(5000); // tab B sees the lease
    tabA.save({ ...event, attempts: 1 }); // a failed try: no longer on its way
    expect(createQueue('p:', localStorage, () => {}).head()?.leasedUntil).toBe(0);
    tabA.lease(event, 6000);
    tabA.remove(event.key);
    expect(localStorage.length).toBe(0);
  });

  it('keeps creation order for thousands of events made in the same millisecond', () => {
    const queue = createQueue('p:', localStorage, () => {});
    for (let i = 0; i < 1500; i++) queue.add(message(`E${i}`));
    expect(types(queue)).toEqual(Array.from({ length: 1500 }, (_, i) => `E${i}`));
  });

  it('two tabs adding and removing at once lose nothing (one storage entry per event)', () => {
    const tabA = createQueue('p:', localStorage, () => {});
    const tabB = createQueue('p:', localStorage, () => {});
    const a1 = tabA.add(message('A1'));
    tabB.add(message('B1'));
    tabB.invalidate();
    tabA.remove(a1.key); // tab A delivered its event while tab B was adding
    tabB.invalidate();
    expect(types(tabB)).toEqual(['B1']);
  });

  it('stores attempt counts but never resurrects an event another tab removed', () => {
    const tabA = createQueue('p:', localStorage, () => {});
    const event = tabA.add(message('A'));
    event.attempts = 2;
    tabA.save(event);
    expect(createQueue('p:', localStorage, () => {}).head()?.attempts).toBe(2);
    localStorage.removeItem(event.key);
    event.attempts = 3;
    tabA.save(event);
    expect(localStorage.getItem(event.key)).toBeNull();
  });

  it('drops the oldest event past the cap and reports it', () => {
    const dropped: string[] = [];
    const queue = createQueue('p:', localStorage, (e) => dropped.push(e.message.type));
    for (let i = 0; i <= MAX_QUEUED; i++) queue.add(message(`E${i}`));
    expect(dropped).toEqual(['E0']);
    expect(queue.list()).toHaveLength(MAX_QUEUED);
  });

  it('falls back to memory when storage refuses writes', () => {
    const full = { ...localStorage, length: 0, key: () => null, getItem: () => null, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); }, removeItem: () => {} } as unknown as Storage;
    const queue = createQueue('p:', full, () => {});
    queue.add(message('A'));
    expect(types(queue)).toEqual(['A']);
  });

  it('shares a Retry-After pause through storage', () => {
    createQueue('p:', localStorage, () => {}).pause(12345);
    expect(createQueue('p:', localStorage, () => {}).pausedUntil()).toBe(12345);
  });
});
