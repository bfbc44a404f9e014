// Shared setup for the sandbox tests: a sandbox on a free port with a throw-away data dir,
// and small clients for its API. Talks HTTP only, as the tag and a developer would.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox, type SandboxOptions, type Timeline } from '../../demo/server/sandbox.mjs';

export const CLIENT_KEY = 'sandboxTestClientKey0000000001';

export interface Started extends Sandbox {
  dataDir: string;
  /** close() and delete the data dir */
  dispose(): Promise<void>;
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Started> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'slotwise-sandbox-'));
  const sandbox = await createSandbox({ ...options, dataDir });
  return {
    ...sandbox,
    dataDir,
    async dispose() {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  json: T;
}

async function asJson<T>(res: Response): Promise<JsonResponse<T>> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

export async function createBrowser(base: string, clientKey = CLIENT_KEY) {
  const res = await fetch(`${base}/v1.2/browser/create.json?client_key=${clientKey}&message={}`);
  return asJson<{ ref: string; customer_ref: string; status: string; version: string; client_key: string }>(res);
}

/** A copy of `value` without `keys`, in the same order: a request that leaves those fields out. */
export const without = <T extends object, K extends keyof T & string>(value: T, ...keys: K[]) =>
  Object.fromEntries(Object.entries(value).filter(([key]) => !(keys as string[]).includes(key))) as Omit<T, K>;

/** The base fields Engage sends, for `browserId`, with `fields` on top. */
export function message(browserId: string, type: string, fields: Record<string, unknown> = {}) {
  return {
    type,
    channel: 'WEB',
    language: 'EN',
    currency: 'EUR',
    page: 'home',
    pos: 'sandbox/uk',
    browser_id: browserId,
    client_key: CLIENT_KEY,
    ...fields,
  };
}

export async function postEvent(base: string, body: unknown, contentType = 'application/json') {
  const res = await fetch(`${base}/v1.2/events`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return asJson<{ ref: string; status: string; version: string; client_key: string; field?: string; message?: string }>(
    res,
  );
}

/** The legacy form of the Sitecore CDP event API: GET /v1.2/event/create.json?client_key=…&message=<json>. */
export async function getEvent(base: string, msg: Record<string, unknown>, clientKey = CLIENT_KEY) {
  const query = new URLSearchParams({ client_key: clientKey, message: JSON.stringify(msg) });
  return asJson<{ ref: string; status: string; field?: string }>(
    await fetch(`${base}/v1.2/event/create.json?${query}`),
  );
}

export async function guest(base: string, browserId: string): Promise<Timeline | null> {
  const res = await fetch(`${base}/sandbox/guests/${encodeURIComponent(browserId)}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET guest: ${res.status}`);
  return (await res.json()) as Timeline;
}

export async function addFault(base: string, spec: Record<string, unknown>) {
  const res = await fetch(`${base}/sandbox/faults`, { method: 'POST', body: JSON.stringify(spec) });
  return asJson<{ id: string }>(res);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request with node:http, for what fetch will not do: a raw (un-normalized) path such as
 * "/../x", or a forbidden header such as Origin.
 */
export function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const url = new URL(base);
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
