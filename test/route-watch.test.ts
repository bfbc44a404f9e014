// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchRoutes } from '../src/tag/route-watch';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame'] });
  history.replaceState(null, '', '/start');
});
afterEach(() => vi.useRealTimers());

describe('SPA navigation (route watch)', () => {
  it('tells of a new URL from pushState or replaceState after the next frame, once per URL', () => {
    const changed = vi.fn();
    const stop = watchRoutes(changed);
    history.pushState(null, '', '/products');
    vi.advanceTimersByTime(1); // a task later, the framework may not have shown the new view yet
    expect(changed).not.toHaveBeenCalled();
    history.replaceState(null, '', '/products'); // the same URL again, before the task ran
    vi.runAllTimers();
    expect(changed).toHaveBeenCalledTimes(1);
    history.replaceState(null, '', '/cart');
    vi.runAllTimers();
    expect(changed).toHaveBeenCalledTimes(2);
    stop();
  });

  it('takes a new #hash alone for the same page', () => {
    const changed = vi.fn();
    const stop = watchRoutes(changed);
    history.pushState(null, '', '/start#reviews');
    vi.runAllTimers();
    expect(changed).not.toHaveBeenCalled();
    stop();
  });

  it('follows back and forward (popstate)', () => {
    const changed = vi.fn();
    const stop = watchRoutes(changed);
    history.replaceState = History.prototype.replaceState; // as if another script had replaced ours
    history.replaceState(null, '', '/elsewhere');
    window.dispatchEvent(new PopStateEvent('popstate'));
    vi.runAllTimers();
    expect(changed).toHaveBeenCalledTimes(1);
    stop();
  });

  it('puts the history API back, and stops listening, when told', () => {
    const { pushState, replaceState } = history;
    const changed = vi.fn();
    const stop = watchRoutes(changed);
    expect(history.pushState).not.toBe(pushState);
    stop();
    expect([history.pushState, history.replaceState]).toEqual([pushState, replaceState]);
    history.pushState(null, '', '/later');
    window.dispatchEvent(new PopStateEvent('popstate'));
    vi.runAllTimers();
    expect(changed).not.toHaveBeenCalled();
  });

  it('keeps what the history API answers and the `this` it is called on', () => {
    const stop = watchRoutes(() => {});
    expect(history.pushState({ a: 1 }, '', '/x')).toBeUndefined();
    expect(history.state).toEqual({ a: 1 });
    stop();
  });
});
