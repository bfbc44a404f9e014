// The event calls (view, add, forceClose, identity, event, and the slots' impressions and clicks):
// each builds its message at once, for the page it was made on, passes the consent gate, and
// resolves when its event is delivered or given up on, or when the page has waited long enough
// (pending.ts).
import { nanoid } from 'nanoid';
import type { SlotwiseError } from '../types/errors';
import {
  addMessage,
  customMessage,
  forceCloseMessage,
  identityMessage,
  viewMessage,
  type CallContext,
} from '../events/messages';
import type { EventResult, Failure } from '../shared/result';
import type { Settings } from '../types/options';
import type { Message } from '../types/wire';
import type { Tag } from './api';
import type { ConsentGate } from './consent-gate';
import type { Pending } from './pending';

export interface EventCalls {
  /** Makes the event `build` returns and resolves to its outcome; `url`: the page it was made on (default: this one, now). */
  track: (build: (ctx: CallContext) => Message, url?: string) => Promise<EventResult>;
  /** The tag's event calls, as if made on page `url` (default: the page at the time of each call). */
  at(url?: string): Pick<Tag, 'view' | 'add' | 'forceClose' | 'identity' | 'event'>;
}

const settled = <T>(value: T) => Promise.resolve(value);

/** @param stopped why every call fails now (the tag is destroyed), if it does */
export function createEventCalls(
  settings: Settings,
  gate: ConsentGate,
  pending: Pending,
  stopped: () => Failure | undefined,
): EventCalls {
  let firstView = true;
  const track: EventCalls['track'] = (build, url) => {
    const dead = stopped();
    if (dead) return settled(dead);
    const eventId = nanoid();
    let message: Message;
    try {
      message = build({ url: url ?? location.href, eventId });
    } catch (error) {
      return settled({ ok: false, reason: 'invalid', error: error as SlotwiseError });
    }
    const refused = gate.refusal();
    if (refused) return settled(refused);
    const done = pending.wait(eventId, message.type);
    gate.pass(message);
    return done;
  };
  return {
    track,
    at: (url) => ({
      view: (data) =>
        track((ctx) => {
          const message = viewMessage(settings, firstView ? { ...ctx, referrer: document.referrer } : ctx, data);
          firstView = false;
          return message;
        }, url),
      add: (product, ext) => track((ctx) => addMessage(settings, ctx, product, ext), url),
      forceClose: () => track((ctx) => forceCloseMessage(settings, ctx), url),
      identity: (person) => track((ctx) => identityMessage(settings, ctx, person), url),
      event: (type, data, ext) => track((ctx) => customMessage(settings, ctx, type, data, ext), url),
    }),
  };
}
