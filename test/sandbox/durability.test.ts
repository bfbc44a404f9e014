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
  await postEvent(
    first.url,
    message(id, 'ADD', { product: { item_id: 'A', price: 19.99, quantity: 2 }, ext: { eventId: 'e1' } }),
  );
  await postEvent(
    first.url,
    message(id, 'IDENTITY', { email: 'jane@example.com', identifiers, ext: { eventId: 'e2' } }),
  );
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
    const resent = await postEvent(
      second.url,
      message(id, 'ADD', { product: { item_id: 'A', price: 19.99, quantity: 2 }, ext: { eventId: 'e1' } }),
    );
    expect(resent.json.ref).not.toBe(before.events[0]!.ref);
    const again = (await guest(second.url, id))!;
    expect(again.events.at(-1)!.duplicateOf).toBe(before.events[0]!.ref);
    expect(again.duplicates).toBe(1);

    const show = await fetch(`${second.url}/v1.2/browser/${id}/show.json?client_key=k`);
    expect(((await show.json()) as { customer: { ref: string } }).customer.ref).toBe(created.customer_ref);
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
  await fetch(`${sandbox.url}/sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify({ path: '/v1.2/events', status: 503 }),
  });
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

it('starts on a log holding records it cannot apply: skips and reports each, serves the others, keeps the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slotwise-sandbox-bad-records-'));
  const base = { channel: 'WEB', language: 'EN', currency: 'EUR', page: 'home', pos: 'sandbox/uk', client_key: 'k' };
  const now = Date.now();
  let deep: unknown = [];
  for (let i = 0; i < 3600; i++) deep = [deep];
  const event = (ref: string, browserId: string, fields: Record<string, unknown>) => ({
    kind: 'event',
    at: now,
    ref,
    clientKey: 'k',
    message: { ...base, browser_id: browserId, ...fields },
  });
  // What an older sandbox accepted and wrote: an item id with an odd toString, and a 3,600-deep array.
  const records = [
    { kind: 'guest', at: now, browserId: 'good', guestRef: 'g1', clientKey: 'k' },
    { kind: 'guest', at: now, browserId: 'bad', guestRef: 'g2', clientKey: 'k' },
    event('e1', 'good', { type: 'ADD', product: { item_id: 'A', price: 5 } }),
    event('e2', 'bad', { type: 'ADD', product: { item_id: { toString: 1 }, name: 'sneaker' } }),
    event('e3', 'bad', { type: 'VIEW', deep }),
    event('e4', 'bad', { type: 'VIEW' }),
    { kind: 'mystery', at: 1 },
  ];
  const file = join(dir, 'events.ndjson');
  appendFileSync(file, records.map((r) => JSON.stringify(r) + '\n').join(''));
  const before = readFileSync(file, 'utf8');
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (msg: string) => warnings.push(msg);
  let sandbox;
  try {
    sandbox = await createSandbox({ dataDir: dir });
  } finally {
    console.warn = original;
    if (!sandbox) rmSync(dir, { recursive: true, force: true });
  }
  try {
    expect(warnings).toEqual([
      expect.stringMatching(
        /skipping line 4 of .*events\.ndjson: the event is invalid: product\.item_id must be a string/,
      ),
      expect.stringMatching(
        /skipping line 5 of .*: the event is invalid: deep(\[0\])+ is nested deeper than 32 levels/,
      ),
      expect.stringMatching(/skipping line 7 of .*: unknown kind "mystery"/),
      expect.stringMatching(/3 records of .*events\.ndjson skipped; the others are loaded/),
    ]);
    expect((await guest(sandbox.url, 'good'))!.cart.map((i) => i.item_id)).toEqual(['A']);
    const bad = (await guest(sandbox.url, 'bad'))!;
    expect(bad.events.map((e) => e.ref)).toEqual(['e4']);
    // Decisions for that guest answer again.
    const res = await fetch(`${sandbox.url}/v2/callFlows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientKey: 'k',
        pointOfSale: 'sandbox/uk',
        channel: 'WEB',
        language: 'EN',
        currencyCode: 'EUR',
        friendlyId: 'home_hero',
        browserId: 'bad',
      }),
    });
    expect(res.status).toBe(200);
    expect(readFileSync(file, 'utf8')).toBe(before);
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
