import { describe, expect, it, vi } from 'vitest';
import { createConsentGate, isConsent, MAX_HELD } from '../src/tag/consent-gate';
import type { Message } from '../src/types/wire';

const message = (n: number) => ({ type: 'VIEW', ext: { eventId: `e${n}` } }) as unknown as Message;
const gate = (consent: 'pending' | 'granted' | 'denied') => {
  const send = vi.fn<(message: Message) => void>();
  const drop = vi.fn();
  return { gate: createConsentGate({ consent, send, drop }), send, drop };
};

describe('consent (consent gate)', () => {
  it('knows the three states, and nothing else', () => {
    expect(['pending', 'granted', 'denied'].every(isConsent)).toBe(true);
    expect([' granted', 'GRANTED', '', undefined, 1, { toString: () => 'granted' }].some(isConsent)).toBe(false);
  });

  it('sends at once when consent is granted', () => {
    const { gate: g, send, drop } = gate('granted');
    expect(g.granted()).toBe(true);
    expect(g.refusal()).toBeUndefined();
    g.pass(message(1));
    expect(send).toHaveBeenCalledWith(message(1));
    expect(drop).not.toHaveBeenCalled();
  });

  it('holds events while consent is pending, and sends them in order when it is granted', () => {
    const { gate: g, send } = gate('pending');
    expect(g.granted()).toBe(false);
    expect(g.refusal()).toBeUndefined();
    g.pass(message(1));
    g.pass(message(2));
    expect(send).not.toHaveBeenCalled();
    g.set('pending');
    expect(send).not.toHaveBeenCalled();
    g.set('granted');
    expect(send.mock.calls.map(([m]) => m)).toEqual([message(1), message(2)]);
    g.set('granted');
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('drops what it held when consent is denied, and refuses events from then on', () => {
    const { gate: g, send, drop } = gate('pending');
    g.pass(message(1));
    g.set('denied');
    expect(drop).toHaveBeenCalledWith(
      message(1),
      expect.objectContaining({
        reason: 'consent',
        error: expect.objectContaining({ message: 'Consent was denied: the event was dropped' }),
      }),
    );
    expect(g.refusal()).toMatchObject({
      ok: false,
      reason: 'consent',
      error: { message: 'Consent is denied: the event was not sent' },
    });
    g.set('granted');
    expect(send).not.toHaveBeenCalled();
  });

  it(`holds ${MAX_HELD} events at most, dropping the oldest`, () => {
    const { gate: g, send, drop } = gate('pending');
    for (let n = 1; n <= MAX_HELD + 1; n++) g.pass(message(n));
    expect(drop).toHaveBeenCalledTimes(1);
    expect(drop).toHaveBeenCalledWith(
      message(1),
      expect.objectContaining({
        reason: 'consent',
        error: expect.objectContaining({ message: 'Too many events while consent is pending: dropped the oldest' }),
      }),
    );
    g.set('granted');
    expect(send).toHaveBeenCalledTimes(MAX_HELD);
    expect(send.mock.calls[0]?.[0]).toEqual(message(2));
  });
});
