// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { previewBar } from '../src/tag/preview-bar';
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
