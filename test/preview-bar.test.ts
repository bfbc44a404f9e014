// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { previewBar } from '../src/tag/preview-bar';
import { showOverlay } from '../src/debug/overlay';
import type { SlotReport } from '../src/types/decision';
import type { Engine } from '../src/types/parts';
import { failure, type Failure } from '../src/shared/result';

const loaded = vi.hoisted(() => ({ close: vi.fn(), show: vi.fn(), fail: false }));
vi.mock('../src/loaders/dynamic-import', () => ({
  loadOverlay: vi.fn(async () => {
    if (loaded.fail) throw new Error('could not load');
    return loaded.show;
  }),
}));

const reports = vi.fn(() => []);
const endPreview = vi.fn();
const engine = { reports } as Partial<Engine> as Engine;
const bar = (options: { preview?: string; allowed?: () => boolean; stopped?: () => Failure | undefined } = {}) =>
  previewBar({
    nonce: 'n1',
    engine: async () => engine,
    preview: () => options.preview,
    endPreview,
    allowed: options.allowed ?? (() => true),
    stopped: options.stopped ?? (() => undefined),
  });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  loaded.show.mockReset().mockReturnValue(loaded.close);
  loaded.close.mockReset();
  loaded.fail = false;
  history.replaceState(null, '', '/?slotwise_debug=1');
});
afterEach(() => vi.restoreAllMocks());

describe('the preview bar', () => {
  it("shows on ?slotwise_debug=1, once, listing the engine's slots", async () => {
    const preview = bar();
    preview.show();
    preview.show();
    await settle();
    expect(loaded.show).toHaveBeenCalledTimes(1);
    const [slots, nonce, control] = loaded.show.mock.calls[0] as [() => unknown, string, unknown];
    expect([nonce, control]).toEqual(['n1', undefined]);
    slots();
    expect(reports).toHaveBeenCalled();
    preview.close();
    expect(loaded.close).toHaveBeenCalled();
  });

  it("shows in a marketer's preview, with the preview to end", async () => {
    history.replaceState(null, '', '/');
    bar({ preview: 'audience=vip' }).show();
    await settle();
    expect(loaded.show).toHaveBeenCalledWith(expect.any(Function), 'n1', { value: 'audience=vip', end: endPreview });
  });

  it('loads nothing on other pages, or without consent until it is given', async () => {
    history.replaceState(null, '', '/?slotwise_debug=10');
    bar().show();
    history.replaceState(null, '', '/?slotwise_debug=1');
    let allowed = false;
    const preview = bar({ allowed: () => allowed });
    preview.show();
    await settle();
    expect(loaded.show).not.toHaveBeenCalled();
    allowed = true;
    preview.show();
    await settle();
    expect(loaded.show).toHaveBeenCalledTimes(1);
  });

  it('shows nothing when the tag was destroyed while it loaded, and closing before it shows does nothing', async () => {
    const tag: { stopped?: Failure } = {}; // read when the overlay arrives, after the destroy below
    const preview = bar({ stopped: () => tag.stopped });
    preview.show();
    preview.close();
    tag.stopped = failure('destroyed', 'This tag was destroyed');
    await settle();
    expect(loaded.show).not.toHaveBeenCalled();
    expect(loaded.close).not.toHaveBeenCalled();
  });

  it('says so in the console when it cannot load', async () => {
    loaded.fail = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    bar().show();
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/preview bar could not load/));
  });
});

describe('the bar itself', () => {
  const slot = (attributes: string, state?: string) => {
    const el = document.createElement('div');
    for (const [name, value] of attributes.split(' ').map((pair) => pair.split('=')))
      el.setAttribute(name!, value ?? '');
    if (state) el.setAttribute('data-slotwise-state', state);
    document.body.append(el);
    return el;
  };
  const region = () => document.querySelector<HTMLElement>('[role=region][aria-label="Slotwise preview"]')!;
  const button = (name: string) =>
    [...region().querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent) == name)!;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let close = () => {};
  let slots: [HTMLElement, SlotReport | undefined][];
  const end = vi.fn();
  const open = (preview: string | undefined = 'audience=abandoned-cart,identified;home_hero=hero-cart') =>
    (close = showOverlay(() => slots, 'n1', preview ? { value: preview, end } : undefined));

  // A bar left open would keep watching the page (and put itself back) in the next test.
  afterEach(() => close());
  beforeEach(() => {
    document.body.replaceChildren();
    sessionStorage.clear();
    const hero = slot('data-slotwise-flow=home_hero', 'decided');
    const promo = slot('data-slotwise-placement=home_page.promo_1', 'decided');
    const offer = slot('data-slotwise-offer=xcore:offer-placement:ffed0456', 'default');
    slots = [
      [
        hero,
        {
          source: 'flow',
          id: 'home_hero',
          ms: 42,
          decision: { slot: 'home_hero', source: 'flow', content: { kind: 'html', html: '<p>Hi</p>' } },
        },
      ],
      [
        promo,
        {
          source: 'placement',
          id: 'home_page.promo_1',
          ms: 80,
          decision: {
            slot: 'home_page.promo_1',
            source: 'placement',
            campaign: 'Spring Sale 2025',
            creative: 'https://cdn.example/hero-spring.svg',
            content: {
              kind: 'creative',
              items: [{ imageUrl: 'https://cdn.example/hero-spring.svg', alt: 'Spring Sale: 20% off runners' }],
            },
          },
        },
      ],
      [
        offer,
        {
          source: 'offer',
          id: 'xcore:offer-placement:ffed0456|xcore:offer-activity:ffed0123',
          ms: 95,
          decision: {
            slot: 'xcore:offer-placement:ffed0456|xcore:offer-activity:ffed0123',
            source: 'offer',
            campaign: 'xcore:activity:ffed0123',
            campaignName: 'Home page offers',
            creative: 'xcore:personalized-option:free-shipping',
            creativeName: '<img src=x onerror=alert(1)>Free shipping',
            score: 40,
            content: { kind: 'html', html: '<p>Free</p>' },
          },
        },
      ],
    ];
  });
  afterEach(() => {
    close();
  });

  it('is one line by default: what is previewed, how the slots went, and its buttons', () => {
    open();
    expect(region().querySelector('.slotwise-line > span')!.textContent).toBe(
      'Slotwise preview · audience=abandoned-cart,identified;home_hero=hero-cart · 3 slots: 2 decided, 1 default',
    );
    expect(button('Slots').getAttribute('aria-expanded')).toBe('false');
    expect(region().querySelector('table')!.closest('[hidden]')).not.toBeNull();
    expect(button('Labels').getAttribute('aria-pressed')).toBe('false');
    button('Exit preview').click();
    expect(end).toHaveBeenCalled();
    // The value as written, free to wrap between its parts only.
    expect([...region().querySelectorAll('.slotwise-part')].map((part) => part.textContent)).toEqual([
      'audience=abandoned-cart,identified;',
      'home_hero=hero-cart',
    ]);
  });

  it('remembers being expanded for the tab, and works when storage throws', () => {
    open();
    button('Slots').click();
    expect(button('Slots').getAttribute('aria-expanded')).toBe('true');
    close();
    open();
    expect(button('Slots').getAttribute('aria-expanded')).toBe('true');
    expect(region().querySelector('table')!.closest('[hidden]')).toBeNull();
    close();
    // A sandboxed frame, say: the storage cannot even be reached.
    vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(() => {
      throw new DOMException('The document is sandboxed', 'SecurityError');
    });
    open();
    expect(button('Slots').getAttribute('aria-expanded')).toBe('false');
    button('Slots').click();
    expect(button('Slots').getAttribute('aria-expanded')).toBe('true');
  });

  it('names what each slot shows as people say it, the ids one click away, and all of it as text', () => {
    open('');
    expect(region().querySelector('.slotwise-line > span')!.textContent).toBe(
      'Slotwise debug · 3 slots: 2 decided, 1 default',
    );
    const rows = [...region().querySelectorAll('tbody tr:not([id])')].map((row) =>
      [...row.querySelectorAll('td')].slice(0, 3).map((cell) => cell.textContent),
    );
    expect(rows).toEqual([
      ['home_hero', 'decided', 'HTML'],
      ['home_page.promo_1', 'decided', 'Spring Sale: 20% off runnerscampaign Spring Sale 2025'],
      ['Home page offers', 'default', '<img src=x onerror=alert(1)>Free shippingcampaign Home page offers'],
    ]);
    expect(region().querySelector('img')).toBeNull();
    const details = button('Details: Home page offers');
    expect(details.getAttribute('aria-expanded')).toBe('false');
    details.click();
    const answer = document.getElementById(details.getAttribute('aria-controls')!)!;
    expect(answer.hidden).toBe(false);
    expect(
      [...answer.querySelectorAll('dt')].map((dt) => `${dt.textContent}: ${dt.nextElementSibling!.textContent}`),
    ).toEqual([
      'source: offer',
      'slot id: xcore:offer-placement:ffed0456|xcore:offer-activity:ffed0123',
      'state: default',
      'campaign: Home page offers',
      'campaign id: xcore:activity:ffed0123',
      'creative: <img src=x onerror=alert(1)>Free shipping',
      'creative id: xcore:personalized-option:free-shipping',
      'score: 40',
      'time: 95 ms',
      'content: html',
    ]);
    // Ids wrap after their punctuation, never inside a word (nor inside promo_1).
    const name = button('home_page.promo_1');
    expect([...name.childNodes].map((node) => node.nodeName)).toEqual(['#text', 'WBR', '#text']);
    expect(name.lastChild!.textContent).toBe('promo_1');
  });

  it('brings a slot into view from its row', () => {
    const scroll = vi.spyOn(window, 'scrollBy').mockImplementation(() => {});
    open();
    button('Slots').click();
    button('home_page.promo_1').click();
    expect(scroll).toHaveBeenCalled();
    expect(document.querySelector<HTMLElement>('.slotwise-ring')!.hidden).toBe(true); // happy-dom lays out nothing
  });

  it('tells the page its height and keeps as much room at the end of the body, until it is removed', () => {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      return new DOMRect(0, 0, 800, this.classList.contains('slotwise-bar') ? 33.2 : 0);
    });
    open();
    const root = document.documentElement.style;
    expect(root.getPropertyValue('--slotwise-bar-height')).toBe('34px');
    const spacer = document.body.lastElementChild as HTMLElement;
    expect(spacer.style.height).toBe('34px');
    document.body.append(document.createElement('footer')); // the page adds to its end later
    return frame().then(() => {
      expect(document.body.lastElementChild).toBe(spacer);
      close();
      expect(root.getPropertyValue('--slotwise-bar-height')).toBe('0px');
      expect(document.querySelector('.slotwise-bar')).toBeNull();
    });
  });

  it('once removed, stays removed whatever the page does next', () => {
    open();
    close();
    document.body.replaceChildren(document.createElement('main'));
    slots[0]![0].setAttribute('data-slotwise-state', 'default');
    return frame().then(() => {
      expect(document.querySelector('.slotwise-bar')).toBeNull();
      expect(document.documentElement.style.getPropertyValue('--slotwise-bar-height')).toBe('0px');
    });
  });

  it("labels slots only when asked: one line each, above the slot, else below it, never over the page's controls", () => {
    const link = Object.assign(document.createElement('a'), { href: '/sale', textContent: 'Sale' });
    document.body.append(link);
    const boxes = new Map<Element, DOMRect>([
      [slots[0]![0], new DOMRect(0, 0, 960, 320)], // at the top of the page: no room above
      [slots[1]![0], new DOMRect(0, 400, 300, 160)],
      [link, new DOMRect(0, 840, 100, 20)], // right above the third slot
      [slots[2]![0], new DOMRect(0, 862, 300, 160)],
    ]);
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      return boxes.get(this) ?? new DOMRect(0, 0, 0, 0);
    });
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(16);
    vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockReturnValue(120);
    open();
    expect(document.querySelectorAll('.slotwise-label')).toHaveLength(0);
    button('Labels').click();
    expect(button('Labels').getAttribute('aria-pressed')).toBe('true');
    return frame().then(() => {
      const labels = [...document.querySelectorAll<HTMLElement>('.slotwise-label')];
      expect(labels.map((label) => [label.textContent, label.style.top])).toEqual([
        ['home_hero · decided', '323px'], // below
        ['home_page.promo_1 · decided', '381px'], // above
        ['Home page offers · default', '1025px'], // below: the link is above it
      ]);
    });
  });
});
