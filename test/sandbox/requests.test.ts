// The request log tests use to see what the tag sent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLIENT_KEY, createBrowser, message, postEvent, raw, startSandbox, type Started } from './helpers';

let sandbox: Started;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.dispose());

type Entry = {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  status: number | null;
  bodyBytes: number;
};
const requests = async () => (await (await fetch(`${sandbox.url}/sandbox/requests`)).json()) as Entry[];

it('records every request with method, path, query, headers, status and body size', async () => {
  await fetch(`${sandbox.url}/sandbox/requests`, { method: 'DELETE' });
  const { json } = await createBrowser(sandbox.url);
  await raw(sandbox.url, 'OPTIONS', '/v1.2/events', {
    Origin: 'http://shop.example',
    'Access-Control-Request-Method': 'POST',
  });
  const body = JSON.stringify(message(json.ref, 'VIEW'));
  await fetch(`${sandbox.url}/v1.2/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-library-version': '1.4.3' },
    body,
  });
  await postEvent(sandbox.url, { type: 'VIEW' });
  await fetch(`${sandbox.url}/missing.js`);

  const log = await requests();
  expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
    ['GET', '/v1.2/browser/create.json', 200],
    ['OPTIONS', '/v1.2/events', 204],
    ['POST', '/v1.2/events', 200],
    ['POST', '/v1.2/events', 400],
    ['GET', '/missing.js', 404],
  ]);
  expect(log[0]!.query).toEqual({ client_key: CLIENT_KEY, message: '{}' });
  expect(log[2]!.headers['x-library-version']).toBe('1.4.3');
  expect(log[2]!.bodyBytes).toBe(Buffer.byteLength(body));
  expect(Date.parse(log[0]!.time)).toBeGreaterThan(0);
});

it('does not record reads of the log itself, and DELETE clears it', async () => {
  await requests();
  await requests();
  expect((await requests()).some((r) => r.path === '/sandbox/requests')).toBe(false);
  expect((await fetch(`${sandbox.url}/sandbox/requests`, { method: 'DELETE' })).status).toBe(204);
  expect(await requests()).toEqual([]);
});

it('keeps the newest 5000 entries', async () => {
  await fetch(`${sandbox.url}/sandbox/requests`, { method: 'DELETE' });
  const total = 5050;
  for (let i = 0; i < total; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => fetch(`${sandbox.url}/n/${i + j}`).then((r) => r.arrayBuffer())),
    );
  }
  const log = await requests();
  expect(log).toHaveLength(5000);
  const numbers = new Set(log.map((r) => Number(r.path.slice(3))));
  // The 50 dropped are from the first batch.
  expect(numbers.has(total - 1)).toBe(true);
  expect([...numbers].filter((n) => n < 50).length).toBe(0);
  // 5,050 requests: on a loaded machine that takes longer than the default 5 s.
}, 30_000);
