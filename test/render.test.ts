// @vitest-environment happy-dom
// Slot rendering logic with a stand-in for the decision APIs. Real browsers (setHTML, CSP,
// layout shift, viewport) are covered in e2e/render.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlotwiseError } from '../src/types/errors';
import { resolveOptions } from '../src/shared/options';
import { findSlots } from '../src/engine/slots';
import { createRenderer } from '../src/engine/renderer';
import { coreServices } from './helpers/core';
import { MAX_SLOT_HTML } from '../src/engine/content';
import { frameElement, MAX_FRAME_HEIGHT } from '../src/engine/frame';
import type { Decision } from '../src/types/decision';
import type { Decisions, Renderer } from '../src/types/parts';

const settings = resolveOptions({
  clientKey: 'k',
  target: '/api',
  pointOfSale: 'p',
  currency: 'EUR',
  revealAfterMs: 1000,
});

describe('slots', () => {
  it('reads the three kinds of slot and their options', () => {
    document.body.innerHTML = `
      <div data-slotwise-flow="home_hero*" data-slotwise-size="300x250" data-slotwise-empty="collapse"></div>
      <div data-slotwise-placement="item_page.recs" data-slotwise-lazy data-slotwise-context='{"productId":"P1"}'></div>
      <div data-slotwise-offer="xcore:offer-placement:1" data-slotwise-activity="xcore:offer-activity:2" data-slotwise-items="2"></div>
      <div data-slotwise-offer="no-activity"></div>`;
    expect(findSlots(document).map((slot) => ({ ...slot, el: undefined }))).toEqual([
      // toEqual skips the undefined `el`
      { source: 'flow', id: 'home_hero*', context: {}, lazy: false, collapse: true, size: [300, 250] },
      { source: 'placement', id: 'item_page.recs', context: { productId: 'P1' }, lazy: true, collapse: false },
      {
        source: 'offer',
        id: 'xcore:offer-placement:1|xcore:offer-activity:2',
        context: {},
        lazy: false,
        collapse: false,
        offer: { placementId: 'xcore:offer-placement:1', activityId: 'xcore:offer-activity:2', itemCount: 2 },
      },
      {
        source: 'offer',
        id: 'no-activity|',
        context: {},
        lazy: false,
        collapse: false,
        invalid: 'data-slotwise-activity is missing',
        offer: { placementId: 'no-activity', activityId: '', itemCount: 1 },
      },
    ]);
  });
});

describe('renderer', () => {
  let renderer: Renderer;
  const calls: string[] = [];
  const errors: SlotwiseError[] = [];
  const html = (slot: string, text: string): Decision => ({
    slot,
    source: 'placement',
    content: { kind: 'html', html: `<p>${text}</p>` },
  });
  let answer: (what: string) => Promise<Decision[]>;
  const decisions: Decisions = {
    flow: async ({ friendlyId }) => ({ ...(await answer(`flow:${friendlyId}`))[0]!, data: {} }),
    placements: (names, context) =>
      answer(`placements:${names.join('|')}${context.productId ? `@${String(context.productId)}` : ''}`),
    offers: (calls) => answer(`offers:${calls.length}`),
  };
  const state = (selector: string) => document.querySelector(selector)!.getAttribute('data-slotwise-state');

  /** A new renderer whose impressions and clicks are kept, as `kind:slot` (or `kind:campaign`). */
  const trackImpressions = (by: 'slot' | 'campaign') => {
    const tracked: string[] = [];
    renderer.stop();
    renderer = createRenderer(
      settings,
      coreServices({ event: (_, ext) => tracked.push(`${String(ext.impression)}:${String(ext[by])}`) }),
      decisions,
    );
    return tracked;
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    calls.length = errors.length = 0;
    document.head.innerHTML = '';
    renderer = createRenderer(settings, coreServices({ error: (e) => errors.push(e) }), decisions);
  });
  afterEach(() => {
    renderer.stop();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('decides all placement slots in one call and reveals each when filled', async () => {
    document.body.innerHTML =
      '<div id="a" data-slotwise-placement="home_page.a">A</div><div id="b" data-slotwise-placement="home_page.b">B</div>';
    answer = async (what) => (
      calls.push(what),
      [html('home_page.a', 'for you'), { slot: 'home_page.b', source: 'placement', content: null }]
    );
    await renderer.render();
    expect(calls).toEqual(['placements:home_page.a|home_page.b']);
    expect([state('#a'), document.querySelector('#a')!.textContent]).toEqual(['decided', 'for you']);
    expect([state('#b'), document.querySelector('#b')!.textContent]).toEqual(['default', 'B']);
    expect(document.head.querySelector('style')!.textContent).toContain('[data-slotwise-placement]');
  });

  it('keeps a declared size, never wider than the container, and no taller than it scaled to the screen', async () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a" data-slotwise-size="960x320">A</div>';
    answer = async () => [html('home_page.a', 'for you')];
    await renderer.render();
    const { minWidth, minHeight } = document.querySelector<HTMLElement>('#a')!.style;
    // 960 px wide at most the container's width; 320 px tall, or a third of the screen's width on a phone.
    expect([minWidth, minHeight.replace(/(\.\d{4})\d+/, '$1')]).toEqual(['min(960px,100%)', 'min(320px,33.3333vw)']);
  });

  it("names a creative link without alt or text by the decision's creative or campaign", async () => {
    document.body.innerHTML =
      '<div id="a" data-slotwise-placement="home_page.a">A</div><div id="b" data-slotwise-placement="home_page.b">B</div>';
    const creative = { kind: 'creative' as const, items: [{ imageUrl: 'https://cdn.example/a.png', href: '/sale' }] };
    answer = async () => [
      { slot: 'home_page.a', source: 'placement', content: creative, campaign: 'Spring Sale 2025' },
      {
        slot: 'home_page.b',
        source: 'offer',
        content: creative,
        campaign: 'xcore:activity:1',
        creativeName: 'Free shipping',
      },
    ];
    await renderer.render();
    expect([...document.querySelectorAll('a img')].map((img) => img.getAttribute('alt'))).toEqual([
      'Spring Sale 2025',
      'Free shipping',
    ]);
  });

  it("never names a creative link by an Adobe activity's id: where it goes says more", async () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">A</div>';
    const creative = { kind: 'creative' as const, items: [{ imageUrl: 'https://cdn.example/a.png', href: '/sale' }] };
    answer = async () => [
      { slot: 'home_page.a', source: 'offer', content: creative, campaign: 'xcore:offer-activity:1' },
    ];
    await renderer.render();
    expect(document.querySelector('a img')!.getAttribute('alt')).toBe(new URL('/sale', location.href).href);
  });

  it('shows the default after revealAfterMs, and a late decision never replaces it where the reader is', async () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default</div>';
    vi.spyOn(performance, 'now').mockReturnValue(0); // the first pass counts from navigation start
    let resolve!: (d: Decision[]) => void;
    answer = () => new Promise((r) => (resolve = r));
    const done = renderer.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(state('#a')).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(state('#a')).toBe('timeout');
    resolve([html('home_page.a', 'late')]);
    await done;
    // happy-dom lays everything out at the top of the page, where the reader is: the default stays.
    // (A slot below the viewport does get late content: e2e/render.spec.ts.)
    expect([state('#a'), document.querySelector('#a')!.textContent]).toEqual(['timeout', 'default']);
  });

  it('counts the first pass from navigation start, and later passes from when their slots appear', async () => {
    vi.spyOn(performance, 'now').mockReturnValue(5000); // the page began loading 5 s ago
    answer = () => new Promise(() => {});
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default</div>';
    void renderer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(state('#a')).toBe('timeout'); // hidden since navigation began: shown at once
    const later = Object.assign(document.createElement('div'), { id: 'b' });
    later.setAttribute('data-slotwise-placement', 'item_page.b');
    document.body.append(later);
    await vi.advanceTimersByTimeAsync(999);
    expect(state('#b')).toBeNull(); // an SPA's slot gets its whole revealAfterMs
    await vi.advanceTimersByTimeAsync(1);
    expect(state('#b')).toBe('timeout');
  });

  it('decides a page once per URL: page() again asks nothing, { again: true } asks anew and keeps the content until then', async () => {
    answer = async (what) => (calls.push(what), [html('home_page.a', `answer ${calls.length}`)]);
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default</div>';
    const text = () => document.querySelector('#a')!.textContent;
    await renderer.start();
    await renderer.page(); // a route hook telling of the view just decided (twice under StrictMode)
    await renderer.page();
    expect(calls).toHaveLength(1);
    let resolve!: (d: Decision[]) => void;
    answer = (what) => (calls.push(what), new Promise((r) => (resolve = r)));
    const again = renderer.page({ again: true }); // the same page again: say, the visitor just signed in
    await vi.advanceTimersByTimeAsync(2000); // past revealAfterMs: the slot never went blank meanwhile
    expect([state('#a'), text()]).toEqual(['decided', 'answer 1']);
    resolve([html('home_page.a', 'answer 2')]);
    await again;
    expect([calls.length, state('#a'), text()]).toEqual([2, 'decided', 'answer 2']);
    answer = async (what) => (calls.push(what), [html('home_page.a', `answer ${calls.length}`)]);
    history.replaceState(null, '', '/route-2');
    await renderer.render(); // the SPA's new view was decided as it appeared...
    await renderer.page(); // ...so telling the tag about the new URL asks nothing twice
    history.replaceState(null, '', '/route-2#reviews');
    await renderer.page(); // nor does a new #hash
    expect(calls).toHaveLength(3);
    history.replaceState(null, '', '/');
  });

  it('gives a slot its default content back when a later decision has nothing for it', async () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a"><b>default</b></div>';
    answer = async () => [html('home_page.a', 'for you')];
    await renderer.render();
    expect(document.querySelector('#a')!.textContent).toBe('for you');
    answer = async () => [{ slot: 'home_page.a', source: 'placement', content: null }];
    await renderer.page({ again: true });
    expect([state('#a'), document.querySelector('#a')!.innerHTML]).toEqual(['default', '<b>default</b>']);
    // Content the page (or a framework) put in the slot since is its own: an empty decision leaves it.
    answer = async () => [html('home_page.a', 'for you')];
    await renderer.page({ again: true });
    document.querySelector('#a')!.innerHTML = '<i>the page’s own</i>';
    answer = async () => [];
    await renderer.page({ again: true });
    expect([state('#a'), document.querySelector('#a')!.innerHTML]).toEqual(['default', '<i>the page’s own</i>']);
  });

  it('decides a slot again when its context changes, for the new context only, and drops the answer for the old one', async () => {
    const pending = new Map<string, (d: Decision[]) => void>();
    answer = (what) => (calls.push(what), new Promise((r) => pending.set(what, r)));
    document.body.innerHTML =
      '<div id="r" data-slotwise-placement="item_page.recs" data-slotwise-context=\'{"productId":"A"}\'>d</div>';
    const el = document.querySelector<HTMLElement>('#r')!;
    void renderer.render();
    await vi.advanceTimersByTimeAsync(0);
    el.className = 'highlighted'; // not an attribute a slot asks with
    el.dataset.slotwiseContext = '{"productId":"B"}'; // the same element, showing product B now
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['placements:item_page.recs@A', 'placements:item_page.recs@B']);
    pending.get('placements:item_page.recs@B')!([html('item_page.recs', 'for B')]);
    await vi.advanceTimersByTimeAsync(0);
    pending.get('placements:item_page.recs@A')!([html('item_page.recs', 'for A')]);
    await vi.advanceTimersByTimeAsync(0);
    expect([state('#r'), el.textContent]).toEqual(['decided', 'for B']);
  });

  it('asks once when a route hook tells of the new page before the changed context is reported', async () => {
    answer = async (what) => (calls.push(what), [html('item_page.recs', what)]);
    document.body.innerHTML =
      '<div id="r" data-slotwise-placement="item_page.recs" data-slotwise-context=\'{"productId":"A"}\'>d</div>';
    await renderer.render();
    // A framework commits the new view and runs its effects before the page's observers hear of it.
    document.querySelector<HTMLElement>('#r')!.dataset.slotwiseContext = '{"productId":"B"}';
    history.replaceState(null, '', '/product/B');
    await renderer.page();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['placements:item_page.recs@A', 'placements:item_page.recs@B']);
    history.replaceState(null, '', '/');
  });

  // A new pass must not restart the slot's wait: a slot whose context changes faster than
  // revealAfterMs (a shopper clicking through variants while the API is slow) would never show.
  it('shows a waiting slot within revealAfterMs, however often its context changes meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    answer = () => new Promise(() => {}); // the API is slow
    document.body.innerHTML =
      '<div id="r" data-slotwise-placement="item_page.recs" data-slotwise-context=\'{"productId":"0"}\'>d</div>';
    const el = document.querySelector<HTMLElement>('#r')!;
    void renderer.render();
    for (const variant of [1, 2, 3]) {
      await vi.advanceTimersByTimeAsync(600);
      el.dataset.slotwiseContext = `{"productId":"${variant}"}`;
    }
    expect(state('#r')).toBe('timeout'); // 1800 ms after it began waiting
  });

  it('asks nothing when a slot is written again with the attributes it was decided with, as a listener or a second commit does', async () => {
    const creative = (text: string): Decision => ({
      slot: 'item_page.recs',
      source: 'placement',
      content: { kind: 'creative', items: [{ text }] },
    });
    // Past a few calls the API stops answering: a loop ends the test instead of the test run.
    answer = (what) => (calls.push(what), calls.length > 5 ? new Promise(() => {}) : Promise.resolve([creative(what)]));
    document.body.innerHTML =
      '<div id="r" data-slotwise-placement="item_page.recs" data-slotwise-context=\'{"productId":"A"}\'>d</div>';
    const el = document.querySelector<HTMLElement>('#r')!;
    // Page code that renders the slot's attributes from its own state whenever a decision arrives.
    let product = 'A';
    el.addEventListener('slotwise:decision', () =>
      el.setAttribute('data-slotwise-context', `{"productId":"${product}"}`),
    );
    await renderer.render();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['placements:item_page.recs@A']);
    product = 'B';
    el.setAttribute('data-slotwise-context', '{"productId":"B"}'); // a real change: asked once
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['placements:item_page.recs@A', 'placements:item_page.recs@B']);
    expect([state('#r'), el.textContent]).toEqual(['decided', 'placements:item_page.recs@B']);
  });

  it('asks nothing for a slot edited and removed in the same batch', async () => {
    answer = async (what) => (calls.push(what), [html('item_page.recs', 'x')]);
    document.body.innerHTML =
      '<div id="r" data-slotwise-placement="item_page.recs" data-slotwise-context=\'{"productId":"A"}\'>d</div>';
    await renderer.render();
    const el = document.querySelector<HTMLElement>('#r')!;
    el.dataset.slotwiseContext = '{"productId":"B"}'; // the view updates it, then unmounts it
    el.remove();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['placements:item_page.recs@A']);
  });

  it('decides the slots of a root that is not in the page yet once it is added', async () => {
    answer = async (what) => (calls.push(what), [html('home_page.a', 'for you')]);
    document.body.innerHTML = '<p>page</p>';
    await renderer.render();
    const view = document.createElement('section'); // a view built before it is mounted
    view.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default</div>';
    await renderer.render(view);
    document.body.append(view);
    await vi.advanceTimersByTimeAsync(0);
    expect([calls, state('#a'), document.querySelector('#a')!.textContent]).toEqual([
      ['placements:home_page.a'],
      'decided',
      'for you',
    ]);
  });

  it('never takes what it put into a slot for slots: not on page(), not when that slot is decided again', async () => {
    answer = async (what) => (
      calls.push(what),
      what.startsWith('flow') ? [] : [html('home_page.a', '<i data-slotwise-flow="inner">in a slot</i>')]
    );
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a"></div>';
    await renderer.render();
    expect(document.querySelector('#a [data-slotwise-flow="inner"]')).not.toBeNull();
    await renderer.page({ url: '/next' });
    await renderer.render(document.querySelector('#a')!, true);
    await renderer.render();
    expect(calls).toEqual(['placements:home_page.a', 'placements:home_page.a', 'placements:home_page.a']);
    history.replaceState(null, '', '/');
  });

  it('re-decides one slot when asked, and no other', async () => {
    answer = async (what) => (calls.push(what), [html(what.split(':')[1]!, what)]);
    document.body.innerHTML =
      '<div id="a" data-slotwise-placement="home_page.a"></div><div id="b" data-slotwise-placement="cart_page.b"></div>';
    await renderer.render();
    await renderer.render(document.querySelector('#b')!); // decided already: nothing to ask
    await renderer.render(document.querySelector('#b')!, true);
    expect(calls).toEqual(['placements:home_page.a', 'placements:cart_page.b', 'placements:cart_page.b']);
  });

  it("tells the page of every decision before the slot changes; a listener that takes it keeps the slot's children its own", async () => {
    const tracked = trackImpressions('slot');
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a"><i>rendered by the page</i></div>';
    const el = document.querySelector<HTMLElement>('#a')!;
    const heard: unknown[] = [];
    el.addEventListener('slotwise:decision', (event) => {
      heard.push([(event as CustomEvent<Decision>).detail.content?.kind ?? null, el.textContent, state('#a')]);
      event.preventDefault();
    });
    answer = async () => [html('home_page.a', 'for you')];
    await renderer.render();
    answer = async () => [];
    await renderer.page({ again: true });
    expect(heard).toEqual([
      ['html', 'rendered by the page', null],
      [null, 'rendered by the page', 'decided'],
    ]);
    expect([state('#a'), el.innerHTML]).toEqual(['default', '<i>rendered by the page</i>']);
    expect(tracked).toEqual(['rendered:home_page.a']);
  });

  it('keeps counting clicks on the content a slot still shows while it is decided again, and after that pass failed', async () => {
    const tracked = trackImpressions('campaign');
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default</div>';
    const el = document.querySelector<HTMLElement>('#a')!;
    answer = async () => [{ ...html('home_page.a', 'for you'), campaign: 'spring' }];
    await renderer.render();
    let fail!: (error: SlotwiseError) => void;
    answer = () => new Promise((_, reject) => (fail = reject));
    const again = renderer.page({ again: true });
    el.click(); // the reader still sees the spring campaign
    fail(new SlotwiseError('rejected', 'the API answered 500', 500));
    await again;
    el.click(); // and still does
    expect([state('#a'), el.textContent]).toEqual(['decided', 'for you']);
    expect(tracked).toEqual(['rendered:spring', 'click:spring', 'click:spring']);
  });

  it('counts no impression for a slot that a listener removed, or had decided anew, before it changed', async () => {
    const tracked = trackImpressions('slot');
    document.body.innerHTML =
      '<div id="gone" data-slotwise-placement="home_page.gone">g</div><div id="anew" data-slotwise-placement="cart_page.anew">a</div>';
    const anew = document.querySelector<HTMLElement>('#anew')!;
    let asked = 0;
    answer = async (what) => [html(what.split(':')[1]!, `answer ${++asked}`)];
    document.querySelector('#gone')!.addEventListener('slotwise:decision', (event) => {
      (event.currentTarget as HTMLElement).remove(); // the view unmounts it
    });
    const listener = () => {
      anew.removeEventListener('slotwise:decision', listener);
      void renderer.render(anew, true); // say, the page's code asks again at once
    };
    anew.addEventListener('slotwise:decision', listener);
    await renderer.render();
    await vi.advanceTimersByTimeAsync(0);
    expect(anew.textContent).toBe('answer 3');
    expect(tracked).toEqual(['rendered:cart_page.anew']);
  });

  it('never puts late content where the reader is into a slot that was still waiting when it was decided again', async () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default</div>';
    const pending: ((d: Decision[]) => void)[] = [];
    answer = () => new Promise((r) => pending.push(r));
    void renderer.render();
    await vi.advanceTimersByTimeAsync(500); // the API is slow, and the SPA moves on meanwhile
    const next = renderer.page({ url: '/next' });
    await vi.advanceTimersByTimeAsync(1000);
    expect([state('#a'), document.querySelector('#a')!.textContent]).toEqual(['timeout', 'default']);
    pending[1]!([html('home_page.a', 'late')]);
    await next;
    // happy-dom lays everything out where the reader is: the default the reader sees stays.
    expect([state('#a'), document.querySelector('#a')!.textContent]).toEqual(['timeout', 'default']);
  });

  it('keeps the URL given to page() for slots added later while only the #hash changes', async () => {
    const urls: string[] = [];
    renderer.stop();
    renderer = createRenderer(settings, coreServices(), {
      ...decisions,
      flow: async ({ friendlyId }, url) => (
        urls.push(url),
        { slot: friendlyId, source: 'flow', content: null, data: {} }
      ),
    });
    document.body.innerHTML = '<div data-slotwise-flow="step"></div>';
    await renderer.start();
    // A checkout whose steps share one location: each step is its own page to the tag.
    await renderer.page({ url: '/checkout/payment' });
    history.replaceState(null, '', '#card'); // the same step, scrolled to its card form
    const later = document.createElement('div');
    later.setAttribute('data-slotwise-flow', 'card_offer');
    document.body.append(later);
    await vi.advanceTimersByTimeAsync(0);
    await renderer.page({ url: '/checkout/payment' }); // the step's hook, on a re-render: nothing new
    expect(urls.map((url) => new URL(url).pathname)).toEqual(['/', '/checkout/payment', '/checkout/payment']);
    history.replaceState(null, '', '/');
  });

  it('drops a decision made for an earlier SPA page', async () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default</div>';
    const pending: ((d: Decision[]) => void)[] = [];
    answer = () => new Promise((r) => pending.push(r));
    const first = renderer.render();
    const second = renderer.page({ url: '/next' });
    pending[0]!([html('home_page.a', 'for the old page')]);
    await first;
    expect(state('#a')).toBeNull();
    pending[1]!([html('home_page.a', 'for this page')]);
    await second;
    expect([state('#a'), document.querySelector('#a')!.textContent]).toEqual(['decided', 'for this page']);
  });

  it('shows a slot with broken attributes at once and still asks for the others', async () => {
    document.body.innerHTML =
      '<div id="bad" data-slotwise-placement="nodot">B</div><div id="ok" data-slotwise-placement="home_page.ok">O</div>';
    answer = async (what) => (calls.push(what), [html('home_page.ok', 'fine')]);
    await renderer.render();
    expect([state('#bad'), state('#ok')]).toEqual(['error', 'decided']);
    expect(calls).toEqual(['placements:home_page.ok']);
    expect(errors[0]!.message).toMatch(/nodot/);
  });

  it('collapses an empty slot that asks for it, and reveals on errors and without consent', async () => {
    document.body.innerHTML = `
      <div id="c" data-slotwise-placement="home_page.c" data-slotwise-empty="collapse">C</div>
      <div id="f" data-slotwise-flow="broken">F</div>
      <div id="o" data-slotwise-offer="p" data-slotwise-activity="a">O</div>`;
    answer = async (what) => {
      if (what.startsWith('flow')) throw new SlotwiseError('rejected', 'the flow API answered 500', 500);
      if (what.startsWith('offers')) throw new SlotwiseError('consent', 'no consent');
      return [{ slot: 'home_page.c', source: 'placement', content: null }];
    };
    await renderer.render();
    expect([state('#c'), (document.querySelector('#c') as HTMLElement).style.display]).toEqual(['collapsed', 'none']);
    expect([state('#f'), state('#o')]).toEqual(['error', 'default']);
    expect(errors.map((e) => e.message)).toEqual(['the flow API answered 500']);
  });

  it("hands JSON offers to the page's code: a listener that renders one makes the slot decided, others keep their default", async () => {
    const tracked: string[] = [];
    renderer.stop();
    renderer = createRenderer(
      settings,
      coreServices({
        event: (_, ext) => tracked.push(`${String(ext.impression)}:${String(ext.slot)}`),
        error: (e) => errors.push(e),
      }),
      decisions,
    );
    document.body.innerHTML = `
      <div id="mine" data-slotwise-offer="p1" data-slotwise-activity="a1">default one</div>
      <div id="theirs" data-slotwise-offer="p2" data-slotwise-activity="a2">default two</div>`;
    const data = (slot: string, headline: string): Decision => ({
      slot,
      source: 'offer',
      campaign: 'a',
      content: { kind: 'json', data: { headline } },
    });
    answer = async () => [data('p1|a1', 'Members earn double points'), data('p2|a2', 'Unused')];
    const seen: unknown[] = [];
    document.addEventListener('slotwise:decision', (event) =>
      seen.push((event as CustomEvent<Decision>).detail.content),
    );
    document.querySelector('#mine')!.addEventListener('slotwise:decision', (event) => {
      const { content } = (event as CustomEvent<Decision>).detail;
      if (content?.kind != 'json') return;
      (event.currentTarget as HTMLElement).replaceChildren(
        Object.assign(document.createElement('h3'), { textContent: (content.data as { headline: string }).headline }),
      );
      event.preventDefault();
    });
    await renderer.render();
    expect(seen).toEqual([
      { kind: 'json', data: { headline: 'Members earn double points' } },
      { kind: 'json', data: { headline: 'Unused' } },
    ]);
    expect([state('#mine'), document.querySelector('#mine')!.innerHTML]).toEqual([
      'decided',
      '<h3>Members earn double points</h3>',
    ]);
    expect([state('#theirs'), document.querySelector('#theirs')!.textContent]).toEqual(['default', 'default two']);
    expect(tracked).toEqual(['rendered:p1|a1']); // only content someone rendered counts as an impression
  });

  it('keeps the default of a slot whose HTML is over the limit, reports it, and still fills the other slots of the call', async () => {
    const sanitized: string[] = [];
    renderer.stop();
    const loadSanitizer = async () => (html: string) => (sanitized.push(html), html);
    renderer = createRenderer(settings, coreServices({ loadSanitizer, error: (e) => errors.push(e) }), decisions);
    document.body.innerHTML =
      '<div id="a" data-slotwise-placement="home_page.a">default A</div><div id="b" data-slotwise-placement="home_page.b">default B</div>';
    const huge = `<p>${'x'.repeat(10 * 1024 * 1024)}</p>`;
    answer = async () => [html('home_page.a', huge.slice(3, -4)), html('home_page.b', 'fine')];
    await renderer.render();
    expect([state('#a'), document.querySelector('#a')!.textContent]).toEqual(['error', 'default A']);
    expect([state('#b'), document.querySelector('#b')!.textContent]).toEqual(['decided', 'fine']);
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['rejected', `${huge.length} characters of HTML for slot home_page.a, over the limit of ${MAX_SLOT_HTML}`],
    ]);
    // The sanitizer never saw it.
    expect(sanitized).toEqual([expect.stringContaining('fine')]);
  });

  it('takes HTML up to the limit', async () => {
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a">default A</div>';
    answer = async () => [html('home_page.a', 'y'.repeat(MAX_SLOT_HTML - 7))];
    await renderer.render();
    expect([state('#a'), document.querySelector('#a')!.textContent!.length]).toEqual(['decided', MAX_SLOT_HTML - 7]);
  });

  it('lets go of the observers of a removed slot, and only after its first pass watches for new ones', async () => {
    const unobserved: Element[] = [];
    vi.spyOn(IntersectionObserver.prototype, 'unobserve').mockImplementation((el) => void unobserved.push(el));
    answer = async (what) => (calls.push(what), []);
    document.body.innerHTML = '<div id="lazy" data-slotwise-placement="home_page.a" data-slotwise-lazy></div>';
    const early = Object.assign(document.createElement('div'), { id: 'early' });
    early.setAttribute('data-slotwise-placement', 'home_page.early');
    document.body.append(early); // before the first pass: that pass collects it, not the watcher
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([]);
    await renderer.render();
    expect(calls).toEqual(['placements:home_page.early']);
    const lazy = document.querySelector('#lazy')!;
    lazy.remove();
    await vi.advanceTimersByTimeAsync(0);
    expect(unobserved).toContain(lazy);
  });

  it('does not take content it put into a slot for a new slot, whatever its attributes say', async () => {
    // A decision's content may itself carry slot attributes: still not a slot of the page.
    answer = async (what) => (calls.push(what), [html('home_page.a', '<i data-slotwise-flow="inner">in a slot</i>')]);
    document.body.innerHTML = '<div id="a" data-slotwise-placement="home_page.a"></div>';
    await renderer.render();
    await vi.advanceTimersByTimeAsync(0);
    expect(document.querySelector('#a [data-slotwise-flow="inner"]')).not.toBeNull();
    expect(calls).toEqual(['placements:home_page.a']);
  });

  it('decides slots added later, and every slot again on page()', async () => {
    answer = async (what) => (calls.push(what), [html(what.split(':')[1]!, 'x')]);
    document.body.innerHTML = '<div data-slotwise-placement="home_page.a"></div>';
    await renderer.render();
    const later = document.createElement('section');
    later.innerHTML = '<div data-slotwise-placement="category_page.b"></div>';
    document.body.append(later);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['placements:home_page.a', 'placements:category_page.b']);
    await renderer.page({ url: '/next' });
    expect(calls.slice(2)).toEqual(['placements:home_page.a', 'placements:category_page.b']); // one call per page type
  });
});

describe('sandboxed frames', () => {
  afterEach(() => (document.body.innerHTML = ''));
  const post = (data: unknown, source: MessageEventSource | null) =>
    dispatchEvent(new MessageEvent('message', { data, source }));

  it('grow to the height their own window reports, clamped, and ignore any other message', () => {
    const frame = frameElement('<p>ad</p>', (html) => html);
    const other = document.createElement('iframe'); // say, one the creative's HTML brought along
    other.setAttribute('data-slotwise-frame', '');
    document.body.append(frame, other);
    const own = frame.contentWindow!;
    expect(own).toBeTruthy();
    post({ slotwiseHeight: 250.2 }, own);
    expect(frame.style.height).toBe('251px');
    // Out of bounds, or not a number from 0 up: clamped, or ignored.
    post({ slotwiseHeight: 1e7 }, own);
    expect(frame.style.height).toBe(`${MAX_FRAME_HEIGHT}px`);
    post({ slotwiseHeight: Infinity }, own);
    expect(frame.style.height).toBe(`${MAX_FRAME_HEIGHT}px`);
    for (const height of [NaN, -5, '300', null, { valueOf: () => 9 }, 2n]) {
      post({ slotwiseHeight: 120 }, own);
      post({ slotwiseHeight: height }, own);
      expect(frame.style.height, String(height)).toBe('120px');
    }
    post(null, own);
    post('slotwiseHeight', own);
    // From anywhere but that frame's own window: ignored.
    post({ slotwiseHeight: 900 }, window);
    post({ slotwiseHeight: 900 }, null);
    post({ slotwiseHeight: 900 }, other.contentWindow);
    expect(frame.style.height).toBe('120px');
    expect(other.style.height).toBe('');
  });
});
