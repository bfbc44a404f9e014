// @vitest-environment happy-dom
// Impressions, clicks and tracking pings (src/engine/impressions.ts): what the slot engine sends
// through the core when content is shown or clicked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createImpressions } from '../src/engine/impressions';
import { resolveOptions } from '../src/shared/options';
import { coreServices } from './helpers/core';
import type { Decision } from '../src/types/decision';
import type { CoreServices } from '../src/types/parts';

const settings = resolveOptions({
  clientKey: 'key1',
  target: 'https://api.example',
  pointOfSale: 'shop/uk',
  currency: 'EUR',
});
const decision: Decision = { slot: 'hero', source: 'flow', content: null, campaign: 'c1', creative: 'v2', score: 3 };
let events: { type: string; ext: Record<string, unknown> }[];
let fetch: ReturnType<typeof vi.fn>;
const impressions = (core: Partial<CoreServices> = {}) =>
  createImpressions(settings, coreServices({ event: (type, ext) => events.push({ type, ext }), ...core }));

beforeEach(() => {
  events = [];
  fetch = vi.fn(async () => new Response(null, { status: 204 }));
  vi.stubGlobal('fetch', fetch);
});
afterEach(() => vi.unstubAllGlobals());

describe('impressions and clicks', () => {
  it('are events naming the slot and what it showed', () => {
    const sent = impressions();
    sent.track('viewable', decision);
    sent.track('click', decision);
    expect(events).toEqual([
      {
        type: 'SLOT_IMPRESSION',
        ext: { slot: 'hero', source: 'flow', campaign: 'c1', creative: 'v2', impression: 'viewable' },
      },
      {
        type: 'SLOT_CLICK',
        ext: { slot: 'hero', source: 'flow', campaign: 'c1', creative: 'v2', impression: 'click' },
      },
    ]);
  });

  it("mark a marketer's preview, which never pings the vendor's tracking URL", () => {
    const sent = impressions({ preview: () => 'audience=vip' });
    sent.track('rendered', decision);
    sent.ping('https://recs.example/click?x=1');
    expect(events[0]?.ext).toMatchObject({ preview: true });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('ping a tracking URL (not keepalive) only while they may send', () => {
    let allowed = false;
    const sent = impressions({ allowed: () => allowed });
    sent.ping('https://recs.example/click?x=1');
    expect(fetch).not.toHaveBeenCalled();
    allowed = true;
    sent.ping('https://recs.example/click?x=1');
    expect(fetch).toHaveBeenCalledWith(
      'https://recs.example/click?x=1',
      expect.objectContaining({ method: 'GET', keepalive: false }),
    );
  });
});
