// @vitest-environment happy-dom
// The one observer of the page's slots (src/slots/watcher.ts): what it reports, to whom, and when
// it stops observing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchSlots } from '../src/slots/watcher';
import type { SlotChanges } from '../src/types/parts';

/** A listener that keeps every batch it hears, as the ids of the roots (or their tag names). */
function recorder() {
  const batches: { added: string[]; removed: string[] }[] = [];
  const name = (el: HTMLElement) => el.id || el.tagName.toLowerCase();
  const listener: SlotChanges = (added, removed) =>
    batches.push({ added: added.map(name), removed: removed.map(name) });
  return { batches, listener };
}

const element = (html: string) => {
  const box = document.createElement('div');
  box.innerHTML = html;
  return box.firstElementChild as HTMLElement;
};
/** Mutation records are delivered in a microtask. */
const delivered = () => new Promise((resolve) => setTimeout(resolve));

describe('watchSlots', () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
    document.body.innerHTML = '';
    vi.restoreAllMocks();
  });

  it('reports the element subtrees added and removed in one batch, to every listener', async () => {
    const first = recorder();
    const second = recorder();
    stops.push(watchSlots(first.listener), watchSlots(second.listener));
    document.body.innerHTML = '<section id="old"></section>';
    await delivered();
    first.batches.length = second.batches.length = 0;
    document.querySelector('#old')!.remove();
    document.body.append(element('<section id="view"><div data-slotwise-flow="f"></div></section>'), 'some text');
    await delivered();
    expect(first.batches).toEqual([{ added: ['view'], removed: ['old'] }]); // text is no subtree
    expect(second.batches).toEqual(first.batches);
  });

  it('does not take content put into a shown slot for a new slot', async () => {
    const { batches, listener } = recorder();
    document.body.innerHTML =
      '<div id="slot" data-slotwise-placement="home_page.a" data-slotwise-state="decided"></div>';
    stops.push(watchSlots(listener));
    // A decision's content may itself carry slot attributes: still not a slot of the page.
    document.querySelector('#slot')!.replaceChildren(element('<div id="inside" data-slotwise-flow="f"></div>'));
    document.body.append(element('<div id="beside" data-slotwise-flow="f"></div>'));
    await delivered();
    expect(batches).toEqual([{ added: ['beside'], removed: [] }]);
  });

  it('holds a listener once, and stops observing when the last one leaves', async () => {
    const disconnect = vi.spyOn(MutationObserver.prototype, 'disconnect');
    const first = recorder();
    const second = recorder();
    const stopFirst = watchSlots(first.listener);
    watchSlots(first.listener); // watching again (the renderer does, on every pass) changes nothing
    const stopSecond = watchSlots(second.listener);
    document.body.append(element('<p id="one"></p>'));
    await delivered();
    expect(first.batches).toHaveLength(1);

    stopFirst();
    expect(disconnect).not.toHaveBeenCalled(); // the second listener still listens
    document.body.append(element('<p id="two"></p>'));
    await delivered();
    expect([first.batches.length, second.batches.map((batch) => batch.added)]).toEqual([1, [['one'], ['two']]]);

    stopSecond();
    expect(disconnect).toHaveBeenCalledOnce();
    document.body.append(element('<p id="three"></p>'));
    await delivered();
    expect(second.batches).toHaveLength(2);

    // Watched again later: observing again, from that moment.
    stops.push(watchSlots(second.listener));
    document.body.append(element('<p id="four"></p>'));
    await delivered();
    expect(second.batches.map((batch) => batch.added)).toEqual([['one'], ['two'], ['four']]);
  });
});
