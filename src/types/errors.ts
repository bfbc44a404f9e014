/**
Why a call did not succeed: `invalid` input or option, no `consent`, `timeout` (an event stays
queued and is still sent), `rejected` by the API (4xx), `dropped` after the last attempt or when
the queue overflowed, `blocked` (no network, no browser, or an ad blocker), `destroyed` tag.
*/
export type FailReason = 'invalid' | 'consent' | 'timeout' | 'rejected' | 'dropped' | 'blocked' | 'destroyed';

/**
The one error class of Slotwise. `createTag` throws it for bad options; every other call
resolves to a result that carries it instead of throwing into the host page.
*/
export class SlotwiseError extends Error {
  override readonly name = 'SlotwiseError';
  constructor(
    readonly code: FailReason,
    message: string,
    /** The HTTP status, when an API answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** One of our own files (an on-demand part) did not arrive: a blocker, a 404, the network. */
export const couldNotLoad = (file: string) => new SlotwiseError('blocked', `${file} could not load`);

/** True for a `SlotwiseError`, also across realms (iframes) where `instanceof` fails. */
export const isSlotwiseError = (value: unknown): value is SlotwiseError =>
  value instanceof Error && value.name === 'SlotwiseError';
