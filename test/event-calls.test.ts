// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventCalls } from '../src/tag/event-calls';
import { createConsentGate } from '../src/tag/consent-gate';
import { createPending } from '../src/tag/pending';
import { resolveOptions } from '../src/shared/options';
import { failure, type Failure } from '../src/shared/result';
import type { Consent } from '../src/types/options';
import type { Message } from '../src/types/wire';

const settings = resolveOptions({
  clientKey: 'key1',
  target: 'https://api.example',
  pointOfSale: 'shop/uk',
  currency: 'EUR',
});
let sent: Message[];
let dead: Failure | undefined;
function events(consent: Consent = 'granted') {
  const pending = createPending(15_000);
  const gate = createConsentGate({ consent, send: (message) => sent.push(message), drop: () => {} });
  return { calls: createEventCalls(settings, gate, pending, () => dead), pending, gate };
}
const eventIdOf = (message: Message | undefined) => String(message?.ext.eventId);

beforeEach(() => {
  sent = [];
  dead = undefined;
  history.replaceState(null, '', '/shoes?utm_source=mail');
  vi.spyOn(document, 'referrer', 'get').mockReturnValue('https://search.example/');
});

describe('the event calls', () => {
  it('build each event at once, for this page, with a new id, and resolve when it settles', async () => {
    const { calls, pending } = events();
    const tag = calls.at();
    const result = tag.add({ item_id: 'SKU1' });
    expect(sent).toMatchObject([
      { type: 'ADD', page: 'shoes', ext: { eventId: expect.stringMatching(/^[\w-]{21}$/) } },
    ]);
    pending.settle(eventIdOf(sent[0]), { ok: true });
    expect(await result).toEqual({ ok: true, eventId: eventIdOf(sent[0]) });
    void tag.identity({ email: 'a@b.example' });
    void tag.event('wishlist', { item: 'SKU1' });
    void tag.forceClose();
    expect(sent.map((m) => m.type)).toEqual(['ADD', 'IDENTITY', 'WISHLIST', 'FORCE_CLOSE']);
  });

  it('give the first view of the page load its referrer, and no later one', () => {
    const { calls } = events();
    void calls.at().view();
    void calls.at().view();
    expect(sent.map((m) => (m as { referrer?: string }).referrer)).toEqual(['https://search.example/', undefined]);
  });

  it('made for another page URL (a call the snippet queued there), carry that page', () => {
    const { calls } = events();
    void calls.at('https://shop.example/boots?utm_source=ad').view();
    expect(sent).toMatchObject([{ type: 'VIEW', page: 'boots', utm_source: 'ad' }]);
    void calls.at().view();
    expect(sent[1]).toMatchObject({ page: 'shoes', utm_source: 'mail' });
  });

  it('answer invalid for bad arguments, and send nothing', async () => {
    const { calls } = events();
    expect(await calls.at().add({} as never)).toMatchObject({
      ok: false,
      reason: 'invalid',
      error: { message: expect.stringMatching(/item_id/) },
    });
    expect(sent).toEqual([]);
  });

  it('pass the consent gate: held while consent is pending, refused once it is denied', async () => {
    const held = events('pending');
    void held.calls.at().view();
    expect(sent).toEqual([]);
    held.gate.set('granted');
    expect(sent).toHaveLength(1);
    const { calls } = events('denied');
    expect(await calls.at().view()).toMatchObject({
      ok: false,
      reason: 'consent',
      error: { message: 'Consent is denied: the event was not sent' },
    });
  });

  it('after destroy, answer why at once', async () => {
    const { calls } = events();
    dead = failure('destroyed', 'This tag was destroyed');
    expect(await calls.at().view()).toBe(dead);
    expect(
      await calls.track(() => {
        throw new Error('not called');
      }),
    ).toBe(dead);
    expect(sent).toEqual([]);
  });
});
