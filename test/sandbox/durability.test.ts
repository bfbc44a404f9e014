// A restart with the same data dir loses nothing the sandbox acknowledged.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createSandbox } from '../../demo/server/sandbox.mjs';
import { createBrowser, guest, message, postEvent } from './helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'slotwise-sandbox-durable-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('keeps guests, events, sessions, identity and duplicate marks across a restart', async () => {
  const first = await createSandbox({ dataDir });
  const { json: created } = await createBrowser(first.url);
  const id = created.ref;
  const identifiers = [{ id: 'crm-1', provider: 'crm' }];
  await postEvent(first.url, message(id, 'ADD', { product: { item_id: 'A', price: 19.99, quantity: 2 }, ext: { eventId: 'e1' } }));
  await postEvent(first.url, message(id, 'IDENTITY', { email: 'jane@example.com', identifiers, ext: { eventId: 'e2' } }));
  await postEvent(first.url, message(id, 'FORCE_CLOSE', { ext: { eventId: 'e3' } }));
  await postEvent(first.url, message(id, 'VIEW', { ext: { eventId: 'e4' } }));
  const before = (await guest(first.url, id))!;
  // The log is written before the answer: it is already complete here.
  expect(readFileSync(join(dataDir, 'events.ndjson'), 'utf8').trim().split('\n')).toHaveLength(5);
  await first.close();

  const second = await createSandbox({ dataDir });
  try {
    const after = (await guest(second.url, id))!;
    expect(after).toEqual(before);
    expect(after.sessions.map((s) => s.status)).toEqual(['CLOSED', 'OPEN']);
    expect(after.abandonedValue).toBe(39.98);
    expect(after.identity?.email).toBe('jane@example.com');

    // Same eventId after the restart: stored, and known for a duplicate of the event before it.
    const resent = await postEvent(second.url, message(id, 'ADD', { product: { item_id: 'A', price: 19.99, quantity: 2 }, ext: { eventId: 'e1' } }));
    expect(resent.json.ref).not.toBe(before.events[0]!.ref);
    const again = (await guest(second.url, id))!;
    expect(again.events.at(-1)!.duplicateOf).toBe(before.events[0]!.ref);
    expect(again.duplicates).toBe(1);

    const show = await fetch(`${second.url}/v1.2/browser/${id}/show.json?client_key=k`);
    expect(((await show.json()) as any).customer.ref).toBe(created.customer_ref);
  } finally {
    await second.close();
  }
});

it('survives a torn last line (a crash mid-write) and keeps appending on a fresh line', async () => {
  appendFileSync(join(dataDir, 'events.ndjson'), '{"kind":"event","at":1,"ref":"torn-write');
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (msg: string) => warnings.push(msg);
  const sandbox = await createSandbox({ dataDir }).finally(() => (console.warn = original));
  let id = '';
  try {
    expect(warnings.join()).toMatch(/unfinished last line/);
    expect(readFileSync(join(dataDir, 'events.ndjson'), 'utf8')).not.toContain('torn-write');
    id = (await createBrowser(sandbox.url)).json.ref;
    expect((await postEvent(sandbox.url, message(id, 'VIEW'))).status).toBe(200);
  } finally {
    await sandbox.close();
  }
  const restarted = await createSandbox({ dataDir, log: false });
  try {
    const guests = (await (await fetch(`${restarted.url}/sandbox/guests`)).json()) as unknown[];
    expect(guests).toHaveLength(2); // the first test's guest and this one
    expect((await guest(restarted.url, id))!.events.map((e) => e.type)).toEqual(['VIEW']);
  } finally {
    await restarted.close();
  }
});

it('POST /sandbox/reset forgets everything, also across a restart', async () => {
  const sandbox = await createSandbox({ dataDir });
  const { json } = await createBrowser(sandbox.url);
  await fetch(`${sandbox.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1.2/events', status: 503 }) });
  expect((await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' })).status).toBe(204);
  expect(await guest(sandbox.url, json.ref)).toBeNull();
  expect(await (await fetch(`${sandbox.url}/sandbox/faults`)).json()).toEqual([]);
  expect(await (await fetch(`${sandbox.url}/sandbox/requests`)).json()).toEqual([
    expect.objectContaining({ path: `/sandbox/guests/${json.ref}` }),
    expect.objectContaining({ path: '/sandbox/faults' }),
  ]);
  expect(readFileSync(join(dataDir, 'events.ndjson'), 'utf8')).toBe('');
  await sandbox.close();
  const restarted = await createSandbox({ dataDir });
  expect(await (await fetch(`${restarted.url}/sandbox/guests`)).json()).toEqual([]);
  await restarted.close();
});

it('requires a dataDir', async () => {
  // @ts-expect-error dataDir is required
  await expect(createSandbox({})).rejects.toThrow(/dataDir/);
});
