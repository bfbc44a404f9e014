import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTabs, GRACE_MS } from '../src/events/tabs';
import { installLocks } from './helpers/locks';

beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('which tab sends which event', () => {
  it('sends its own events, and leaves those of another open tab to it', async () => {
    installLocks();
    const a = createTabs('p:', 'a');
    const b = createTabs('p:', 'b');
    a.hold();
    b.hold();
    await Promise.all([a.refresh(), b.refresh()]);
    expect([a.wait('a'), b.wait('b')]).toEqual([0, 0]);
    expect(a.wait('b')).toBeGreaterThan(0);
    expect(b.wait('a')).toBeGreaterThan(0);
  });

  it("lets one open tab alone adopt a gone tab's events, once its last writes can have arrived", async () => {
    installLocks();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => createTabs('p:', id)) as [
      ReturnType<typeof createTabs>,
      ReturnType<typeof createTabs>,
      ReturnType<typeof createTabs>,
    ];
    [a, b, c].forEach((tab) => tab.hold());
    await Promise.all([a.refresh(), b.refresh(), c.refresh()]);
    a.release(); // tab a's page is left
    await vi.waitFor(() => b.refresh().then(() => expect(b.wait('a')).toBe(GRACE_MS)));
    await c.refresh();
    // b is the open tab with the lowest id: it adopts a's events, after the grace; c never does.
    expect(b.wait('a')).toBe(GRACE_MS);
    vi.advanceTimersByTime(GRACE_MS);
    await Promise.all([b.refresh(), c.refresh()]);
    expect(b.wait('a')).toBe(0);
    // Left by an older version of the tag, which named no tab: adopted too, a grace after it is seen.
    expect(b.wait(undefined)).toBe(GRACE_MS);
    expect(c.wait('a')).toBeGreaterThan(0);
    // b goes too: c adopts, after a grace of its own (b's last writes may still be on their way).
    b.release();
    await vi.waitFor(() => c.refresh().then(() => expect(c.wait('a')).toBe(GRACE_MS)));
  });

  it('gives a tab that has just gone a grace of its own, however long the adopter has been one', async () => {
    installLocks();
    const [a, c] = [createTabs('p:', 'a'), createTabs('p:', 'c')];
    a.hold();
    c.hold();
    await a.refresh();
    vi.advanceTimersByTime(60_000); // a has adopted for a minute
    c.release(); // c's page is left; its last writes may not have reached a yet
    await vi.waitFor(() => a.refresh().then(() => expect(a.wait('c')).toBe(GRACE_MS)));
    vi.advanceTimersByTime(GRACE_MS);
    expect(a.wait('c')).toBe(0);
  });

  it('counts a tab whose lock is still being granted as open', async () => {
    vi.stubGlobal('navigator', {
      locks: {
        request: () => new Promise(() => {}),
        query: async () => ({ held: [], pending: [{ name: 'p:tab:b' }] }),
      },
    });
    const a = createTabs('p:', 'a');
    await a.refresh();
    expect(a.wait('b')).toBeGreaterThan(0);
  });

  it('waits a grace before sending its own events again when its page comes back from the back/forward cache', async () => {
    installLocks();
    const a = createTabs('p:', 'a');
    a.hold();
    await a.refresh();
    vi.advanceTimersByTime(60_000); // the adopter for a minute before it went
    a.release();
    a.hold(true);
    await a.refresh();
    expect(a.wait('a')).toBe(GRACE_MS);
    // Nor does it adopt at once: while it was away another tab may have adopted, and sent.
    expect(a.wait('gone')).toBe(GRACE_MS);
    vi.advanceTimersByTime(GRACE_MS);
    expect([a.wait('a'), a.wait('gone')]).toEqual([0, 0]);
  });

  it("without Web Locks, any tab may send any event (the queue's leases keep them apart)", async () => {
    vi.stubGlobal('navigator', {});
    const a = createTabs('p:', 'a');
    a.hold();
    await a.refresh();
    expect([a.wait('a'), a.wait('b'), a.wait(undefined)]).toEqual([0, 0, 0]);
  });
});
