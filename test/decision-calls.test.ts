// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createDecisionCalls,
  flowCall,
  offerCalls,
  pageUrl,
  againOption,
  placementsCall,
  renderRoot,
} from '../src/tag/decision-calls';
import { SlotwiseError } from '../src/types/errors';
import { failure, type Failure } from '../src/shared/result';
import type { Decision } from '../src/types/decision';
import type { Engine } from '../src/types/parts';
import { throwingProxy } from './helpers/hostile';

const decision: Decision = { slot: 'hero', source: 'flow', content: null };
function fakeEngine() {
  return {
    decisions: {
      flow: vi.fn(async () => ({ ...decision, data: { answer: 42 } })),
      placements: vi.fn(async () => [decision]),
      offers: vi.fn(async () => [decision]),
    },
    renderer: {
      start: vi.fn(),
      render: vi.fn(async () => {}),
      page: vi.fn(async () => {}),
      reports: new WeakMap(),
      stop: vi.fn(),
    },
    reports: () => [],
  } satisfies Engine;
}
let engine: ReturnType<typeof fakeEngine>;
let dead: Failure | undefined;
const calls = () =>
  createDecisionCalls(
    async () => engine,
    () => dead,
  );
const invalid = (pattern: RegExp) =>
  expect.objectContaining({ code: 'invalid', message: expect.stringMatching(pattern) });

beforeEach(() => {
  engine = fakeEngine();
  dead = undefined;
  history.replaceState(null, '', '/shop?x=1');
});

describe("the decision calls' arguments", () => {
  it('flow: a non-empty friendlyId, and options whose params are an object', () => {
    expect(flowCall('hero', { params: { a: 1 } })).toEqual({ friendlyId: 'hero', params: { a: 1 } });
    expect(flowCall('hero', undefined)).toEqual({ friendlyId: 'hero' });
    expect(() => flowCall('', undefined)).toThrow(invalid(/flow\(friendlyId\) must be a non-empty string/));
    expect(() => flowCall('hero', { params: [] } as never)).toThrow(
      invalid(/flow\(options\) and its params must be objects/),
    );
    expect(() => flowCall('hero', throwingProxy(1) as never)).toThrow(invalid(/flow\(options\)/));
  });

  it('placements: an array of strings and an object', () => {
    expect(placementsCall(['a', 'b'], { pageType: 'home' } as never)).toEqual([['a', 'b'], { pageType: 'home' }]);
    expect(() => placementsCall(['a', ''], {})).toThrow(invalid(/placements\(names\) must be an array of strings/));
    expect(() => placementsCall(['a'], [] as never)).toThrow(invalid(/placements\(context\) must be an object/));
  });

  it('offers: an array of { placementId, activityId }', () => {
    expect(offerCalls([{ placementId: 'p', activityId: 'a' }])).toEqual([{ placementId: 'p', activityId: 'a' }]);
    expect(() => offerCalls([{ placementId: 'p' }] as never)).toThrow(
      invalid(/offers\(calls\) must be an array of \{ placementId, activityId \}/),
    );
  });

  it('page: none, a URL or a path', () => {
    expect([pageUrl(undefined), pageUrl('/cart'), pageUrl('https://shop.example/')]).toEqual([
      undefined,
      '/cart',
      'https://shop.example/',
    ]);
    expect(() => pageUrl('http://[bad')).toThrow(invalid(/page\(url\) must be a URL or a path/));
    expect(() => pageUrl(7 as never)).toThrow(invalid(/page\(url\)/));
  });

  it('page and render options: none, or { again: boolean }', () => {
    expect([againOption(undefined, 'page'), againOption({}, 'page'), againOption({ again: true }, 'render')]).toEqual([
      false,
      false,
      true,
    ]);
    expect(() => againOption({ again: 'yes' } as never, 'page')).toThrow(
      invalid(/page\(options\) must be \{ again\?: boolean \}/),
    );
    expect(() => againOption(7 as never, 'render')).toThrow(invalid(/render\(options\)/));
  });

  it('render: none, an element, a document or a fragment', () => {
    const roots = [document.body, document, document.createDocumentFragment()];
    expect(roots.map(renderRoot)).toEqual(roots);
    expect(renderRoot(undefined)).toBeUndefined();
    for (const root of [{}, document.createTextNode('x'), throwingProxy(1)])
      expect(() => renderRoot(root as never)).toThrow(invalid(/render\(root\) must be an element or a document/));
  });
});

describe('the decision calls', () => {
  it('run on the engine and resolve ok with what it answers; a flow is asked for the page it was made on', async () => {
    const tag = calls().at();
    expect(await tag.flow('hero', { params: { a: 1 } })).toEqual({ ok: true, data: { answer: 42 }, decision });
    expect(engine.decisions.flow).toHaveBeenCalledWith({ friendlyId: 'hero', params: { a: 1 } }, location.href);
    expect(await calls().at('https://shop.example/then').flow('hero')).toMatchObject({ ok: true });
    expect(engine.decisions.flow).toHaveBeenLastCalledWith({ friendlyId: 'hero' }, 'https://shop.example/then');
    expect(await tag.placements(['a'])).toEqual({ ok: true, decisions: [decision] });
    expect(engine.decisions.placements).toHaveBeenCalledWith(['a'], {});
    expect(await tag.offers([{ placementId: 'p', activityId: 'a' }])).toEqual({ ok: true, decisions: [decision] });
    expect(await tag.page('/next')).toEqual({ ok: true });
    expect(engine.renderer.page).toHaveBeenCalledWith({ url: '/next', again: false });
    expect(await tag.page(undefined, { again: true })).toEqual({ ok: true });
    expect(engine.renderer.page).toHaveBeenLastCalledWith({ url: undefined, again: true });
    expect(await tag.render(document.body)).toEqual({ ok: true });
    expect(engine.renderer.render).toHaveBeenCalledWith(document.body, false);
    expect(await tag.render(document.body, { again: true })).toEqual({ ok: true });
    expect(engine.renderer.render).toHaveBeenLastCalledWith(document.body, true);
  });

  it('answer invalid for bad arguments, before the engine is asked', async () => {
    const ask = vi.fn(async () => engine);
    const tag = createDecisionCalls(ask, () => undefined).at();
    expect(await tag.offers('nope' as never)).toMatchObject({
      ok: false,
      reason: 'invalid',
      error: { message: expect.stringMatching(/offers\(calls\)/) },
    });
    expect(ask).not.toHaveBeenCalled();
  });

  it('answer a SlotwiseError with its own reason, and anything else the engine throws as blocked, naming the call', async () => {
    engine.decisions.placements.mockRejectedValueOnce(new SlotwiseError('consent', 'No decisions without consent'));
    expect(await calls().at().placements(['a'])).toMatchObject({
      ok: false,
      reason: 'consent',
      error: { message: 'No decisions without consent' },
    });
    engine.renderer.render.mockRejectedValueOnce(new TypeError('x is not a function'));
    expect(await calls().at().render()).toMatchObject({
      ok: false,
      reason: 'blocked',
      error: { message: 'render: x is not a function' },
    });
  });

  it('after destroy, answer why at once', async () => {
    dead = failure('destroyed', 'This tag was destroyed');
    expect(await calls().at().flow('')).toBe(dead);
    expect(await calls().routeChanged()).toBe(dead);
  });

  it('on a new route, decide the slots not yet decided for it, never the same page again', async () => {
    expect(await calls().routeChanged()).toEqual({ ok: true });
    expect(engine.renderer.page).toHaveBeenCalledWith();
  });
});
