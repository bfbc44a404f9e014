// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followPage } from '../src/tag/page-lifecycle';
import type { Delivery } from '../src/events/delivery';
import type { Queue } from '../src/events/queue';
import type { Tabs } from '../src/events/tabs';

const stops: (() => void)[] = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  vi.restoreAllMocks();
});

function follow(allowed = true) {
  const delivery = { kick: vi.fn(), wakeUp: vi.fn(), resume: vi.fn(), leave: vi.fn() } satisfies Delivery;
  const tabs = { id: 't', hold: vi.fn(), release: vi.fn(), refresh: vi.fn(), wait: vi.fn() } satisfies Tabs;
  const queue = { invalidate: vi.fn() } as Partial<Queue> as Queue;
  const settle = vi.fn();
  const stop = followPage(delivery, tabs, queue, 'p:q:', () => allowed, settle);
  stops.push(stop);
  return { delivery, tabs, queue, settle, stop };
}
const storageEvent = (key: string | null, newValue: string | null, oldValue: string | null) =>
  Object.assign(new Event('storage'), { key, newValue, oldValue });
const setVisibility = (state: DocumentVisibilityState) =>
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue(state);

describe("the page's life (page lifecycle)", () => {
  it('sends what is ready when the page is hidden, as it may never come back', () => {
    const { delivery } = follow();
    setVisibility('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(delivery.leave).not.toHaveBeenCalled();
    setVisibility('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(delivery.leave).toHaveBeenCalledWith(false);
  });

  it('lets go of its events when the page is left', () => {
    const { delivery, tabs } = follow();
    window.dispatchEvent(new Event('pagehide'));
    expect(delivery.leave).toHaveBeenCalledWith(true);
    expect(tabs.release).toHaveBeenCalled();
  });

  it('resumes a page shown again from the back/forward cache, and holds its tab only when it may send', () => {
    const first = follow();
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    expect(first.delivery.resume).not.toHaveBeenCalled();
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(first.tabs.hold).toHaveBeenCalledWith(true);
    expect(first.delivery.resume).toHaveBeenCalledTimes(1);
    first.stop();
    const withoutConsent = follow(false);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(withoutConsent.tabs.hold).not.toHaveBeenCalled();
    expect(withoutConsent.delivery.resume).toHaveBeenCalled();
  });

  it('tries again at once when the browser is back online', () => {
    const { delivery } = follow();
    window.dispatchEvent(new Event('online'));
    expect(delivery.wakeUp).toHaveBeenCalled();
  });

  it('settles an event of ours that another tab removed from the queue, as it tells', () => {
    const { queue, settle, delivery } = follow();
    window.dispatchEvent(storageEvent('p:q:000000001:e1', null, '{"m":{}}'));
    expect(settle).toHaveBeenLastCalledWith('e1', { ok: true });
    window.dispatchEvent(storageEvent('p:q:000000002:e2', null, '{"f":"rejected"}'));
    expect(settle).toHaveBeenLastCalledWith('e2', expect.objectContaining({ ok: false, reason: 'rejected' }));
    // Changed, not removed: nothing settles, but the cached order is stale and another tab may have work.
    window.dispatchEvent(storageEvent('p:q:000000003:e3', '{"m":{}}', null));
    expect(settle).toHaveBeenCalledTimes(2);
    expect(queue.invalidate).toHaveBeenCalledTimes(3);
    expect(delivery.kick).toHaveBeenCalledTimes(3);
  });

  it('ignores storage changes outside the queue', () => {
    const { queue, delivery } = follow();
    window.dispatchEvent(storageEvent('p:bid', 'x', null));
    window.dispatchEvent(storageEvent(null, null, null)); // storage.clear()
    expect(queue.invalidate).not.toHaveBeenCalled();
    expect(delivery.kick).not.toHaveBeenCalled();
  });

  it('stops listening when told', () => {
    const { delivery, stop } = follow();
    stop();
    window.dispatchEvent(new Event('pagehide'));
    window.dispatchEvent(new Event('online'));
    setVisibility('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(delivery.leave).not.toHaveBeenCalled();
    expect(delivery.wakeUp).not.toHaveBeenCalled();
  });
});
