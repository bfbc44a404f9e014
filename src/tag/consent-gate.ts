// Consent: nothing is sent before it is granted. Events made while it is pending wait in memory,
// for this page only, and go out when it is granted or are dropped when it is denied; once it is
// denied, events are refused as they are made.
import { failure, type Failure } from '../shared/result';
import type { Consent } from '../types/options';
import type { Message } from '../types/wire';

/** Events made while consent is pending wait in memory, this many at most (oldest dropped). */
export const MAX_HELD = 100;

/** Whether `value` is a consent state (a script-tag call may pass anything). */
export const isConsent = (value: unknown): value is Consent =>
  typeof value === 'string' && /^(pending|granted|denied)$/.test(value);

export interface ConsentGate {
  /** Whether consent is granted now. */
  granted(): boolean;
  /** Why an event made now is refused at once (consent is denied); undefined when it is not. */
  refusal(): Failure | undefined;
  /** An event made now (while consent is not denied): sent when consent is granted, else held until it is decided. */
  pass(message: Message): void;
  /** Consent is now `state`: granted sends what was held, denied drops it, pending keeps it. */
  set(state: Consent): void;
}

export function createConsentGate({
  consent,
  send,
  drop,
}: {
  /** Consent when the page loads. */
  consent: Consent;
  /** Sends an event. */
  send: (message: Message) => void;
  /** Drops a held event, saying why. */
  drop: (message: Message, why: Failure) => void;
}): ConsentGate {
  const held: Message[] = [];
  return {
    granted: () => consent === 'granted',
    refusal: () => (consent === 'denied' ? failure('consent', 'Consent is denied: the event was not sent') : undefined),
    pass(message) {
      if (consent === 'granted') send(message);
      else if (held.push(message) > MAX_HELD)
        drop(
          held.shift() as Message,
          failure('consent', 'Too many events while consent is pending: dropped the oldest'),
        );
    },
    set(state) {
      consent = state;
      for (const message of consent === 'pending' ? [] : held.splice(0))
        if (consent === 'granted') send(message);
        else drop(message, failure('consent', 'Consent was denied: the event was dropped'));
    },
  };
}
