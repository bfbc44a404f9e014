// @vitest-environment happy-dom
// The one observer of the page (src/slots/watcher.ts): what it reports, to whom, and when it stops
// observing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchPage } from '../src/slots/watcher';
import type { PageChanges } from '../src/types/parts';

/** A listener that keeps every batch it hears, as the ids of the roots (or their tag names). */
function recorder() {
  const batches: { added: string[]; removed: string[] }[] = [];
  const name = (el: HTMLElement) => el.id || el.tagName.toLowerCase();
  const elements = (lists: NodeList[]) =>
    lists.flatMap((list) => [...list]).filter((node): node is HTMLElement => node instanceof HTMLElement);
  const listener: PageChanges = (records) =>
    batches.push({
      added: elements(records.map((record) => record.addedNodes)).map(name),
      removed: elements(records.map((record) => record.removedNodes)).map(name),
    });
  return { batches, listener };
}

const element = (html: string) => {
  const box = document.createElement('div');
  box.innerHTML = html;
  return box.firstElementChild as HTMLElement;
};
/** Mutation records are delivered in a microtask. */
const delivered = () => new Promise((resolve) => setTimeout(resolve));

describe('watchPage', () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
    document.body.innerHTML = '';
    vi.restoreAllMocks();
  });

  it('reports the element subtrees added and removed in one batch, to every listener', async () => {
    const first = recorder();
    const second = recorder();
    stops.push(watchPage(first.listener), watchPage(second.listener));
    document.body.innerHTML = '<section id="old"></section>';
    await delivered();
    first.batches.length = second.batches.length = 0;
    document.querySelector('#old')!.remove();
    document.body.append(element('<section id="view"><div data-slotwise-flow="f"></div></section>'), 'some text');
    await delivered();
    expect(first.batches).toEqual([{ added: ['view'], removed: ['old'] }]); // text is no subtree
    expect(second.batches).toEqual(first.batches);
  });

  it('holds a listener once, and stops observing when the last one leaves', async () => {
    const disconnect = vi.spyOn(MutationObserver.prototype, 'disconnect');
    const first = recorder();
    const second = recorder();
    const stopFirst = watchPage(first.listener);
    watchPage(first.listener); // watching again (the renderer does, on every pass) changes nothing
    const stopSecond = watchPage(second.listener);
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
    stops.push(watchPage(second.listener));
    document.body.append(element('<p id="four"></p>'));
    await delivered();
    expect(second.batches.map((batch) => batch.added)).toEqual([['one'], ['two'], ['four']]);
  });

  it("reports a change of the attributes a slot asks with, and no other attribute's", async () => {
    const changed: string[] = [];
    stops.push(
      watchPage((records) => {
        for (const { type, attributeName } of records) if (type === 'attributes') changed.push(attributeName!);
      }),
    );
    document.body.append(element('<div id="slot" data-slotwise-placement="item_page.recs"></div>'));
    await delivered();
    const slot = document.querySelector<HTMLElement>('#slot')!;
    slot.dataset.slotwiseContext = '{"productId":"B"}';
    slot.dataset.slotwisePlacement = 'item_page.similar';
    slot.setAttribute('data-slotwise-state', 'decided'); // the tag's own mark
    slot.className = 'wide';
    slot.style.minHeight = '10px';
    await delivered();
    expect(changed).toEqual(['data-slotwise-context', 'data-slotwise-placement']);
  });
});
