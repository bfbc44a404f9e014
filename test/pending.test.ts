import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPending } from '../src/tag/pending';
import { failure } from '../src/shared/result';

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => vi.useRealTimers());

describe('event calls waiting for their event (pending)', () => {
  it("resolves a call with its event's outcome and id", async () => {
    const pending = createPending(15_000);
    const done = pending.wait('e1', 'VIEW');
    pending.settle('e1', { ok: true });
    expect(await done).toEqual({ ok: true, eventId: 'e1' });
  });

  it('answers timeout after the delivery timeout, and the outcome that follows changes nothing', async () => {
    const pending = createPending(15_000);
    const done = pending.wait('e1', 'ADD');
    vi.advanceTimersByTime(14_999);
    pending.settle('other', { ok: true });
    vi.advanceTimersByTime(1);
    expect(await done).toMatchObject({
      ok: false,
      reason: 'timeout',
      eventId: 'e1',
      error: { message: 'ADD is not confirmed yet; it stays queued' },
    });
    pending.settle('e1', failure('rejected', 'too late'));
    expect(await pending.all()).toEqual([]);
  });

  it('gathers the results of the calls waiting now', async () => {
    const pending = createPending(15_000);
    void pending.wait('e1', 'VIEW');
    void pending.wait('e2', 'ADD');
    const all = pending.all();
    void pending.wait('e3', 'VIEW'); // made after: not waited for
    pending.settle('e2', failure('rejected', 'no'));
    pending.settle('e1', { ok: true });
    expect(await all).toMatchObject([
      { ok: true, eventId: 'e1' },
      { ok: false, reason: 'rejected', eventId: 'e2' },
    ]);
  });

  it('resolves every call still waiting at once (the tag is destroyed)', async () => {
    const pending = createPending(15_000);
    const calls = [pending.wait('e1', 'VIEW'), pending.wait('e2', 'ADD')];
    const destroyed = failure('destroyed', 'This tag was destroyed');
    pending.settleAll(destroyed);
    expect(await Promise.all(calls)).toEqual([
      { ...destroyed, eventId: 'e1' },
      { ...destroyed, eventId: 'e2' },
    ]);
    expect(await pending.all()).toEqual([]);
  });
});
