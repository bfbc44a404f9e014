// @vitest-environment happy-dom
// The core's side of the slots (src/slots/driver.ts) on a page without slots yet, as an SPA
// starts: it waits for the first slot through the one watcher of the page, then hands over.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../src/shared/options';
import { createSlotDriver } from '../src/slots/driver';
import { isLifted, recloak } from '../src/slots/visibility';
import type { Decisions, Engine, Renderer } from '../src/types/parts';

const settings = resolveOptions({ clientKey: 'k', target: '/api', pointOfSale: 'p', currency: 'EUR' });

/** An engine whose renderer only records what it is asked. */
function fakeEngine() {
  const renderer = {
    start: vi.fn(async () => {}),
    render: vi.fn(async () => {}),
    page: vi.fn(async () => {}),
    stop: vi.fn(),
    reports: new WeakMap(),
  };
  const engine: Engine = { decisions: {} as Decisions, renderer: renderer as Renderer, reports: () => [] };
  return { renderer, make: vi.fn(() => engine) };
}

const addSlot = (id: string) => {
  const el = Object.assign(document.createElement('div'), { id, textContent: 'default' });
  el.setAttribute('data-slotwise-flow', id);
  document.body.append(el);
};
/** Mutation records, the engine's import and its promise callbacks, all delivered. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the slot driver on a page without slots yet', () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
    document.body.innerHTML = '';
  });

  it("decides the SPA's first slot, then leaves slots added later to the engine", async () => {
    const { renderer, make } = fakeEngine();
    const driver = createSlotDriver(settings, () => true, make);
    stops.push(() => driver.stop());
    driver.start();
    expect(make).not.toHaveBeenCalled();
    addSlot('first');
    // The engine's file is imported the first time: that may take a while.
    await vi.waitFor(() => expect(renderer.render).toHaveBeenCalled(), { timeout: 5000 });
    expect([make.mock.calls.length, renderer.start.mock.calls.length]).toEqual([1, 0]);
    addSlot('second'); // the engine's own listener decides it: the driver no longer waits
    await settled();
    expect(renderer.render).toHaveBeenCalledOnce();
    driver.stop();
    await settled();
    expect(renderer.stop).toHaveBeenCalledOnce();
  });

  it('shows the first slot with its default without consent, and loads nothing', async () => {
    const { make } = fakeEngine();
    const driver = createSlotDriver(settings, () => false, make);
    stops.push(() => driver.stop());
    driver.start();
    addSlot('first');
    await settled();
    expect(document.getElementById('first')!.getAttribute('data-slotwise-state')).toBe('default');
    expect(make).not.toHaveBeenCalled();
  });

  it('stops waiting when stopped', async () => {
    const { make } = fakeEngine();
    const driver = createSlotDriver(settings, () => true, make);
    driver.start();
    driver.stop();
    addSlot('first');
    await settled();
    expect(make).not.toHaveBeenCalled();
    expect(document.getElementById('first')!.hasAttribute('data-slotwise-state')).toBe(false);
  });

  it('shows the slots after revealAfterMs while a slow script still holds up parsing, as the snippet does', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.spyOn(performance, 'now').mockReturnValue(200); // the tag runs 200 ms into the page's load
    try {
      addSlot('parsed');
      createSlotDriver(settings, () => true, fakeEngine().make); // start() waits for the end of parsing
      await vi.advanceTimersByTimeAsync(799);
      expect(isLifted()).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(isLifted()).toBe(true); // every slot shows its default: revealAfterMs is 1 s from navigation start
    } finally {
      recloak();
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });

  it('hides slots from the moment the tag is made, without the snippet; without consent shows them, and says it runs', () => {
    const rule = () => document.head.querySelector<HTMLStyleElement>('style[data-slotwise]');
    rule()?.remove();
    createSlotDriver(settings, () => true, fakeEngine().make); // a script tag in the <head>: the body is not parsed yet
    expect([rule()?.textContent, rule()?.media]).toEqual([
      '[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]{visibility:hidden}',
      '',
    ]);
    rule()?.remove();
    createSlotDriver(settings, () => false, fakeEngine().make);
    expect(rule()?.media).toBe('x'); // shown, and marked: a page's hideBeforePaint stands down too
  });
});
