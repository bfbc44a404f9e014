// @vitest-environment happy-dom
// slotwise/react against a fake tag that keeps the core's decision contract: it dispatches
// `slotwise:decision` on the slot, then (unless a listener prevented it) puts HTML and creatives
// in place of the slot's children, leaves JSON alone, and gives a slot with nothing decided back
// the children it replaced, if the slot still shows what the tag put there. Behaviour in a real browser, with the real tag, is e2e/react.spec.ts.
import { StrictMode, act, useState, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Decision, Tag } from 'slotwise';

const made: Tag[] = [];
vi.mock('slotwise', () => ({
  createTag: vi.fn(() => {
    const tag = { page: vi.fn(() => Promise.resolve({ ok: true })), destroy: vi.fn() } as unknown as Tag;
    made.push(tag);
    return tag;
  }),
}));

const { createTag } = await import('slotwise');
const { Slot, SlotwiseProvider, slotAttributes, stableJson, useDecision, usePage, useTag } =
  await import('../src/react/index');

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** The children a slot had before the tag first filled it, and what it filled it with, as the tag keeps them. */
const defaults = new WeakMap<Element, [before: Node[], ours: Node[]]>();

/** What the tag does with a decision for `el`; returns whether a listener prevented it. */
function decide(el: HTMLElement, decision: Decision): boolean {
  const event = new CustomEvent('slotwise:decision', { detail: decision, bubbles: true, cancelable: true });
  const taken = !el.dispatchEvent(event);
  const [before, ours] = defaults.get(el) ?? [];
  if (!taken && decision.content?.kind === 'html') {
    const node = document.createElement('div');
    node.className = 'from-tag';
    node.textContent = decision.content.html;
    defaults.set(el, [before ?? [...el.childNodes], [node]]);
    el.replaceChildren(node);
  } else if (!taken && before && ours?.every((node) => node.parentNode === el)) {
    el.replaceChildren(...before);
    defaults.delete(el);
  }
  el.setAttribute(
    'data-slotwise-state',
    decision.content && (taken || decision.content.kind === 'html') ? 'decided' : 'default',
  );
  return taken;
}

const html = (text: string): Decision => ({ slot: 'hero', source: 'flow', content: { kind: 'html', html: text } });
const json = (data: unknown): Decision => ({ slot: 'hero', source: 'flow', content: { kind: 'json', data } });
const nothing: Decision = { slot: 'hero', source: 'flow', content: null };

let container: HTMLElement;
let root: Root;
const errors: unknown[] = [];
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container, {
    onUncaughtError: (error) => errors.push(error),
    onRecoverableError: (error) => errors.push(error),
  });
  errors.length = 0;
  made.length = 0;
});
afterEach(() => {
  act(() => {
    root.unmount();
  });
  container.remove();
  expect(errors).toEqual([]);
});
const show = (node: ReactNode) => {
  act(() => {
    root.render(node);
  });
};
const slot = () => container.querySelector<HTMLElement>('#s')!;

describe('slotAttributes', () => {
  it('writes the data- attributes of each kind of slot', () => {
    expect(
      slotAttributes({ placement: 'item_page.recs', context: { productId: 'A' }, size: [300, 250], collapse: true }),
    ).toEqual({
      'data-slotwise-placement': 'item_page.recs',
      'data-slotwise-context': '{"productId":"A"}',
      'data-slotwise-size': '300x250',
      'data-slotwise-empty': 'collapse',
    });
    expect(slotAttributes({ offer: 'p', activity: 'a', items: 2, lazy: true, render: 'iframe' })).toEqual({
      'data-slotwise-offer': 'p',
      'data-slotwise-activity': 'a',
      'data-slotwise-items': '2',
      'data-slotwise-lazy': '',
      'data-slotwise-render': 'iframe',
    });
  });

  it('serializes equal contexts to the same text, whatever the order of their keys', () => {
    expect(stableJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      stableJson({ a: { c: null, d: [2, { e: 0, f: 1 }] }, b: 1 }),
    );
    expect(stableJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});

describe('<Slot>', () => {
  it('renders its container with the attributes and the fallback until a decision lands', () => {
    show(<Slot id="s" as="section" flow="home_hero" className="hero" fallback={<p>Default</p>} />);
    expect(container.innerHTML).toBe(
      '<section id="s" class="hero" data-slotwise-flow="home_hero"><p>Default</p></section>',
    );
  });

  it('lets go of the fallback before the tag puts HTML in, and React never touches the tag’s nodes again', () => {
    function Page({ n }: { n: number }) {
      return (
        <Slot
          id="s"
          flow="home_hero"
          className={`n${n}`}
          context={{ n: 1, m: [n > 100] }}
          fallback={
            n % 2 ? (
              <p>odd {n}</p>
            ) : (
              <ul>
                {Array.from({ length: n }, (_, i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            )
          }
        />
      );
    }
    show(<Page n={1} />);
    let childrenWhenListened = -1;
    slot().addEventListener('slotwise:decision', () => (childrenWhenListened = slot().childNodes.length));
    act(() => {
      expect(decide(slot(), html('Personal hero'))).toBe(false);
    });
    expect(childrenWhenListened).toBe(0); // the Slot's listener ran first and emptied the container
    expect(slot().innerHTML).toBe('<div class="from-tag">Personal hero</div>');
    const context = slot().getAttribute('data-slotwise-context');
    for (const n of [2, 3, 4, 7]) show(<Page n={n} />);
    expect(slot().className).toBe('n7');
    expect(slot().getAttribute('data-slotwise-context')).toBe(context);
    expect(slot().innerHTML).toBe('<div class="from-tag">Personal hero</div>');
    // A new decision replaces the tag's content; nothing of React's comes back.
    act(() => {
      decide(slot(), html('Another'));
    });
    show(<Page n={8} />);
    expect(slot().innerHTML).toBe('<div class="from-tag">Another</div>');
  });

  it('shows the fallback again, and keeps the tag off it, when a later decision has nothing', () => {
    const [fallback, next] = [<p key="a">Default</p>, <p key="b">Default, later</p>];
    show(<Slot id="s" flow="f" fallback={fallback} />);
    act(() => {
      decide(slot(), html('Personal'));
    });
    act(() => {
      expect(decide(slot(), nothing)).toBe(true);
    });
    expect(slot().innerHTML).toBe('<p>Default</p>');
    show(<Slot id="s" flow="f" fallback={next} />);
    expect(slot().innerHTML).toBe('<p>Default, later</p>');
  });

  it('renders JSON with renderData (the tag leaves the slot alone), and keeps the fallback without it', () => {
    const decisions: Decision[] = [];
    show(
      <Slot<{ headline: string }>
        id="s"
        offer="p"
        activity="a"
        fallback={<p>Default</p>}
        renderData={(data) => <h2>{data.headline}</h2>}
        onDecision={(decision) => decisions.push(decision)}
      />,
    );
    act(() => {
      expect(decide(slot(), json({ headline: 'Deal' }))).toBe(true);
      expect(slot().innerHTML).toBe('<h2>Deal</h2>'); // in the same task as the decision
    });
    act(() => {
      expect(decide(slot(), html('Now HTML'))).toBe(false);
    });
    expect(slot().innerHTML).toBe('<div class="from-tag">Now HTML</div>');
    act(() => {
      decide(slot(), json({ headline: 'Back to data' }));
    });
    expect(slot().innerHTML).toBe('<h2>Back to data</h2>');
    expect(decisions.map((d) => d.content?.kind)).toEqual(['json', 'html', 'json']);
  });

  it('keeps the fallback, React’s own nodes, for JSON without renderData, before and after HTML', () => {
    const Page = ({ n }: { n: number }) => <Slot id="s" flow="f" fallback={<p>Default {n}</p>} />;
    show(<Page n={1} />);
    act(() => {
      // Not taken: the tag marks the slot `default` and counts no impression.
      expect(decide(slot(), json({ headline: 'Nobody renders me' }))).toBe(false);
    });
    expect([slot().innerHTML, slot().dataset.slotwiseState]).toEqual(['<p>Default 1</p>', 'default']);
    act(() => {
      decide(slot(), html('Personal'));
    });
    act(() => {
      decide(slot(), json({ headline: 'Nobody renders me either' }));
    });
    expect(slot().innerHTML).toBe('<p>Default 1</p>');
    show(<Page n={2} />);
    expect(slot().innerHTML).toBe('<p>Default 2</p>');
  });

  it('leaves decisions of a slot inside its fallback to that slot', () => {
    show(<Slot id="s" flow="outer" fallback={<Slot id="inner" flow="inner" fallback={<p>Inner</p>} />} />);
    const inner = container.querySelector<HTMLElement>('#inner')!;
    act(() => {
      decide(inner, html('Inner content'));
    });
    expect(slot().innerHTML).toBe(
      '<div id="inner" data-slotwise-flow="inner" data-slotwise-state="decided"><div class="from-tag">Inner content</div></div>',
    );
  });
});

describe('useDecision', () => {
  it('prevents the tag from touching the element and hands over the data in the same task', () => {
    function Data() {
      const [ref, result] = useDecision<{ headline: string }>();
      const [n, setN] = useState(0);
      return (
        <section
          id="s"
          ref={ref}
          {...slotAttributes({ flow: 'home_data' })}
          onClick={() => {
            setN(n + 1);
          }}
        >
          {result?.data ? <h2>{result.data.headline}</h2> : <p>Default {n}</p>}
        </section>
      );
    }
    show(
      <StrictMode>
        <Data />
      </StrictMode>,
    );
    act(() => {
      expect(decide(slot(), json({ headline: 'Picked for you' }))).toBe(true);
      expect(slot().innerHTML).toBe('<h2>Picked for you</h2>');
    });
    act(() => {
      expect(decide(slot(), nothing)).toBe(true);
    });
    expect(slot().innerHTML).toBe('<p>Default 0</p>');
  });
});

describe('SlotwiseProvider, useTag and usePage', () => {
  function Shows({ url }: { url: string }) {
    usePage(url);
    return <p id="tag">{useTag() ? 'tag' : 'none'}</p>;
  }

  it('creates one tag after the first render, StrictMode included, and destroys it a task after the last unmount', async () => {
    const options = { clientKey: 'k1', target: 'https://api', pointOfSale: 'p', currency: 'EUR' };
    show(
      <StrictMode>
        <SlotwiseProvider options={options}>
          <Shows url={location.href} />
        </SlotwiseProvider>
      </StrictMode>,
    );
    expect(made).toHaveLength(1);
    expect(container.textContent).toBe('tag');
    // Re-rendered with new options objects: the same tag.
    show(
      <StrictMode>
        <SlotwiseProvider options={{ ...options }}>
          <Shows url={location.href} />
        </SlotwiseProvider>
      </StrictMode>,
    );
    expect(made).toHaveLength(1);
    const [tag] = made;
    // The tag decides the page it starts on itself: usePage does not ask again for that URL.
    expect(tag!.page).not.toHaveBeenCalled();
    show(<p>gone</p>);
    expect(tag!.destroy).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(tag!.destroy).toHaveBeenCalledTimes(1);
  });

  it('tells the tag about each new URL once, however often StrictMode runs the effect', () => {
    const options = { clientKey: 'k2', target: 'https://api', pointOfSale: 'p', currency: 'EUR' };
    const at = (url: string) => (
      <StrictMode>
        <SlotwiseProvider options={options}>
          <Shows url={url} />
        </SlotwiseProvider>
      </StrictMode>
    );
    show(at('/'));
    const page = vi.mocked(made[0]!.page);
    show(at('/product/A'));
    show(at('/product/A'));
    show(at('/product/B'));
    show(at('/product/A'));
    expect(page.mock.calls.map(([url]) => new URL(url!).pathname)).toEqual(['/product/A', '/product/B', '/product/A']);
  });

  it('reports options createTag refuses instead of throwing into the app', () => {
    const onError = vi.fn();
    const refused = new Error('bad option');
    vi.mocked(createTag).mockImplementationOnce(() => {
      throw refused;
    });
    show(
      <SlotwiseProvider options={{ clientKey: 'k3', target: '', pointOfSale: '', currency: '' }} onError={onError}>
        <Shows url="/" />
      </SlotwiseProvider>,
    );
    expect(onError).toHaveBeenCalledWith(refused);
    expect(container.textContent).toBe('none');
  });
});
