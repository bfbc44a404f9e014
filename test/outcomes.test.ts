import { describe, expect, it } from 'vitest';
import { removedByAnotherTab, undelivered } from '../src/tag/outcomes';
import type { QueuedEvent } from '../src/events/queue';
import type { HttpAnswer } from '../src/shared/http';

const event = { key: 'k', message: { type: 'ADD', ext: { eventId: 'e1' } }, attempts: 3 } as unknown as QueuedEvent;
const answer = (status: number, more: Partial<HttpAnswer> = {}): HttpAnswer => ({
  status,
  retryAfter: null,
  json: undefined,
  ...more,
});
const outcome = (status: number, more: Partial<HttpAnswer> = {}, unconfirmed?: true) =>
  undelivered(event, { delivered: false, answer: answer(status, more), ...(unconfirmed ? { unconfirmed } : {}) });

describe("what an undelivered event's call resolves to (outcomes)", () => {
  it('an unconfirmed event: timeout or dropped, not given up on (it may be stored)', () => {
    expect(outcome(0, { timedOut: true }, true)).toEqual({
      why: expect.objectContaining({
        reason: 'timeout',
        error: expect.objectContaining({
          message: 'No confirmation of ADD e1 (timed out); not sent again, as it may be stored',
          status: undefined,
        }),
      }),
    });
    expect(outcome(502, {}, true)).toEqual({
      why: expect.objectContaining({
        reason: 'dropped',
        error: expect.objectContaining({
          message: 'No confirmation of ADD e1 (502); not sent again, as it may be stored',
          status: 502,
        }),
      }),
    });
  });

  it('no answer after the last attempt: blocked, or timeout; given up on', () => {
    expect(outcome(0)).toMatchObject({
      givenUp: true,
      why: { reason: 'blocked', error: { message: 'No answer from the API to ADD e1 after 3 attempts' } },
    });
    expect(outcome(0, { timedOut: true })).toMatchObject({ givenUp: true, why: { reason: 'timeout' } });
  });

  it("a 2xx without the API's acknowledgement: dropped, given up on", () => {
    expect(outcome(200)).toMatchObject({
      givenUp: true,
      why: {
        reason: 'dropped',
        error: {
          status: 200,
          message: "200 without the API's acknowledgement to ADD e1, 3 times: a proxy or catch-all page?",
        },
      },
    });
  });

  it('a refusal (4xx) is rejected, not given up on; a retryable status after the last attempt is dropped, given up on', () => {
    expect(outcome(400)).toMatchObject({
      givenUp: false,
      why: { reason: 'rejected', error: { status: 400, message: 'The API answered 400 to ADD e1' } },
    });
    expect(outcome(503)).toMatchObject({ givenUp: true, why: { reason: 'dropped', error: { status: 503 } } });
    expect(outcome(429)).toMatchObject({ givenUp: true, why: { reason: 'dropped' } });
  });

  it('an event another tab removed: delivered, unless it left word of how it ended', () => {
    expect(removedByAnotherTab(undefined)).toEqual({ ok: true });
    expect(removedByAnotherTab('unconfirmed')).toMatchObject({
      ok: false,
      reason: 'timeout',
      error: { message: 'Sent by another tab, unconfirmed; not sent again, as it may be stored' },
    });
    expect(removedByAnotherTab('rejected')).toMatchObject({
      ok: false,
      reason: 'rejected',
      error: { message: 'Another tab gave up on this event' },
    });
    expect(removedByAnotherTab('dropped')).toMatchObject({ ok: false, reason: 'dropped' });
  });
});
