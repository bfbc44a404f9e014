// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { slotHooks } from '../src/tag/slot-hooks';
import { resolveOptions } from '../src/shared/options';
import { SlotwiseError } from '../src/types/errors';
import type { CallContext } from '../src/events/messages';
import type { Decision } from '../src/types/decision';
import type { Message } from '../src/types/wire';

const settings = resolveOptions({
  clientKey: 'key1',
  target: 'https://api.example',
  pointOfSale: 'shop/uk',
  currency: 'EUR',
});
const decision: Decision = { slot: 'hero', source: 'flow', content: null, campaign: 'c1', creative: 'v2', score: 3 };
let messages: Message[];
let fetch: ReturnType<typeof vi.fn>;
const track = (build: (ctx: CallContext) => Message) => {
  messages.push(build({ url: location.href, eventId: 'e1' }));
  return Promise.resolve({ ok: true as const, eventId: 'e1' });
};

beforeEach(() => {
  messages = [];
  fetch = vi.fn(async () => new Response(null, { status: 204 }));
  vi.stubGlobal('fetch', fetch);
});
afterEach(() => vi.unstubAllGlobals());

describe('what the slot engine reports back (slot hooks)', () => {
  it('tracks impressions and clicks as events, naming the slot and what it showed', () => {
    const hooks = slotHooks(
      settings,
      track,
      () => undefined,
      () => true,
      () => {},
    );
    hooks.track('viewable', decision);
    hooks.track('click', decision);
    expect(messages).toMatchObject([
      {
        type: 'SLOT_IMPRESSION',
        ext: { slot: 'hero', source: 'flow', campaign: 'c1', creative: 'v2', impression: 'viewable' },
      },
      { type: 'SLOT_CLICK', ext: { impression: 'click' } },
    ]);
    expect(messages[0]?.ext).not.toHaveProperty('preview');
    expect(messages[0]?.ext).not.toHaveProperty('score');
  });

  it("marks a marketer's preview, and never pings the vendor's tracking URL in one", () => {
    const hooks = slotHooks(
      settings,
      track,
      () => 'audience=vip',
      () => true,
      () => {},
    );
    hooks.track('rendered', decision);
    hooks.ping('https://recs.example/click?x=1');
    expect(messages[0]?.ext).toMatchObject({ preview: true });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('pings a tracking URL (not keepalive) only while it may send', () => {
    let allowed = false;
    const hooks = slotHooks(
      settings,
      track,
      () => undefined,
      () => allowed,
      () => {},
    );
    hooks.ping('https://recs.example/click?x=1');
    expect(fetch).not.toHaveBeenCalled();
    allowed = true;
    hooks.ping('https://recs.example/click?x=1');
    expect(fetch).toHaveBeenCalledWith(
      'https://recs.example/click?x=1',
      expect.objectContaining({ method: 'GET', keepalive: false }),
    );
  });

  it("passes the engine's errors on", () => {
    const error = vi.fn();
    const failed = new SlotwiseError('blocked', 'x');
    slotHooks(
      settings,
      track,
      () => undefined,
      () => true,
      error,
    ).error(failed);
    expect(error).toHaveBeenCalledWith(failed);
  });
});
