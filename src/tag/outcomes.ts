// How an event that was not delivered ended, in the words its call resolves to and its `error`
// listeners hear. Pure: no state, no I/O.
import { isRetryable } from '../shared/http-status';
import { failure, type Failure, type Result } from '../shared/result';
import type { Outcome } from '../events/delivery';
import type { Finish, QueuedEvent } from '../events/queue';

/** Why an event failed; `givenUp`: it left the queue undelivered, and counts as dropped. */
export interface EventFailure {
  why: Failure;
  givenUp?: boolean;
}

/** What delivery's outcome for an event it did not deliver means for the event's call. */
export function undelivered(
  { message, attempts }: QueuedEvent,
  { answer, unconfirmed }: Extract<Outcome, { delivered: false }>,
): EventFailure {
  const what = `${message.type} ${String(message.ext.eventId)}`;
  const { status, timedOut } = answer;
  if (unconfirmed)
    return {
      why: failure(
        timedOut ? 'timeout' : 'dropped',
        `No confirmation of ${what} (${timedOut ? 'timed out' : status}); not sent again, as it may be stored`,
        status || undefined,
      ),
    };
  // Refused by the API (a 4xx), or given up on after its last attempt.
  const givenUp = !status || status < 300 || isRetryable(status);
  return {
    why:
      status < 200
        ? failure(timedOut ? 'timeout' : 'blocked', `No answer from the API to ${what} after ${attempts} attempts`)
        : status < 300
          ? failure(
              'dropped',
              `${status} without the API's acknowledgement to ${what}, ${attempts} times: a proxy or catch-all page?`,
              status,
            )
          : failure(givenUp ? 'dropped' : 'rejected', `The API answered ${status} to ${what}`, status),
    givenUp,
  };
}

/** An event of ours that another tab removed from the queue: delivered, unless it left word (`finish`) of how it ended. */
export const removedByAnotherTab = (finish: Finish | undefined): Result =>
  finish === 'unconfirmed'
    ? failure('timeout', 'Sent by another tab, unconfirmed; not sent again, as it may be stored')
    : finish
      ? failure(finish, 'Another tab gave up on this event')
      : { ok: true };
