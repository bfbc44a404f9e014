import { SlotwiseError, type FailReason } from '../types/errors';

export interface Failure {
  ok: false;
  reason: FailReason;
  error: SlotwiseError;
  /** Set for events. After a `timeout` the event is still queued and will be sent. */
  eventId?: string;
}

/** What an event call resolves to. It never rejects. */
export type EventResult = { ok: true; eventId: string } | Failure;
export type BrowserIdResult = { ok: true; browserId: string } | Failure;
export type Result = { ok: true } | Failure;

export const failure = (reason: FailReason, message: string, status?: number): Failure => ({
  ok: false,
  reason,
  error: new SlotwiseError(reason, message, status),
});
