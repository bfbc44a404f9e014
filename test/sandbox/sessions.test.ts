// Session timeout: a session idle for sessionTimeoutMs is closed (lazily, on the next event
// or read), and an abandoned cart shows its value without a FORCE_CLOSE.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBrowser, guest, message, postEvent, sleep, startSandbox, type Started } from './helpers';

const TIMEOUT = 300;
let sandbox: Started;
beforeAll(async () => {
  sandbox = await startSandbox({ sessionTimeoutMs: TIMEOUT });
});
afterAll(() => sandbox.dispose());

it('closes an idle session on read, dated when it expired', async () => {
  const id = (await createBrowser(sandbox.url)).json.ref;
  await postEvent(sandbox.url, message(id, 'ADD', { product: { item_id: 'A', price: 12.5, quantity: 2 } }));
  const open = (await guest(sandbox.url, id))!;
  expect(open.sessions[0]!.status).toBe('OPEN');
  expect(open.cart).toHaveLength(1);

  await sleep(TIMEOUT + 50);
  const closed = (await guest(sandbox.url, id))!;
  const session = closed.sessions[0]!;
  expect(session).toMatchObject({ status: 'CLOSED', closedBy: 'TIMEOUT', abandonedValue: 25 });
  expect(Date.parse(session.closedAt!) - Date.parse(session.lastEventAt)).toBe(TIMEOUT);
  expect(closed.cart).toEqual([]);
  expect(closed.abandonedValue).toBe(25);
});

it('closes an idle session when the next event arrives, which opens a new one', async () => {
  const id = (await createBrowser(sandbox.url)).json.ref;
  await postEvent(sandbox.url, message(id, 'VIEW'));
  await sleep(TIMEOUT + 50);
  await postEvent(sandbox.url, message(id, 'VIEW'));
  const timeline = (await guest(sandbox.url, id))!;
  expect(timeline.sessions.map((s) => [s.status, s.closedBy])).toEqual([
    ['CLOSED', 'TIMEOUT'],
    ['OPEN', null],
  ]);
  expect(timeline.events.map((e) => e.sessionId)).toEqual([1, 2]);
  expect(timeline.sessions[0]!.abandonedValue).toBe(0);
});

it('keeps a session open while events keep coming', async () => {
  const id = (await createBrowser(sandbox.url)).json.ref;
  for (let i = 0; i < 4; i++) {
    await postEvent(sandbox.url, message(id, 'VIEW'));
    await sleep(50);
  }
  const timeline = (await guest(sandbox.url, id))!;
  expect(timeline.sessions).toHaveLength(1);
  expect(timeline.sessions[0]!.status).toBe('OPEN');
});
