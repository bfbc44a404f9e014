// @ts-check
// Small request/response helpers shared by the route modules.

import { createServer } from 'node:http';

/**
 * What a route handler returns; the dispatcher writes it.
 * @typedef {{ status: number, json?: unknown, pretty?: boolean, body?: string | Buffer,
 *   headers?: Record<string, string | string[]> }} Reply
 *
 * What a handler gets. `path` is the raw (still percent-encoded) path; `body` is fully read.
 * @typedef {{ req: import('node:http').IncomingMessage, method: string, path: string,
 *   query: URLSearchParams, params: Record<string, string>, body: Buffer }} Context
 *
 * A route: `api` routes are the vendor wire (they get `latencyMs`); the others are /sandbox/.
 * @typedef {{ method: string, pattern: RegExp, api: boolean,
 *   handle: (ctx: Context) => Reply | Promise<Reply> }} Route
 */

/** Large enough for any event batch a browser can send (beacons cap at 64 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

/**
 * Reads the whole request body, or answers 413 past the limit and resolves to null.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @returns {Promise<Buffer | null>}
 */
export async function readBodyOr413(req, res) {
  try {
    return await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    send(res, error(413, 'body', err.message));
    return null;
  }
}

/**
 * Reads the whole request body. Rejects with BodyTooLargeError past `limit`.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} [limit]
 * @returns {Promise<Buffer>}
 */
export function readBody(req, limit = MAX_BODY_BYTES) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * @param {number} status
 * @param {unknown} json
 * @returns {Reply}
 */
export function json(status, json) {
  return { status, json };
}

/**
 * The error shape of the API: `{ status: 'error', field?, message }`.
 * @param {number} status
 * @param {string | null} field
 * @param {string} message
 * @returns {Reply}
 */
export function error(status, field, message) {
  return { status, json: field ? { status: 'error', field, message } : { status: 'error', message } };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {Reply} reply
 * @param {boolean} [head] HEAD request: headers only
 */
export function send(res, reply, head = false) {
  if (res.writableEnded || res.destroyed) return;
  /** @type {string | Buffer} */
  let body = '';
  /** @type {Record<string, string | string[]>} */
  const headers = { 'Cache-Control': 'no-store' };
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json, null, reply.pretty ? 2 : undefined) + (reply.pretty ? '\n' : '');
    headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (reply.body !== undefined) {
    body = reply.body;
  }
  Object.assign(headers, reply.headers);
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(reply.status, headers);
  res.end(head ? undefined : body);
}

/** @param {string} text @returns {unknown} undefined when unparseable */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The media type of a request (`application/json`), lower case, without parameters; '' if none.
 * @param {import('node:http').IncomingMessage} req
 */
export function mediaType(req) {
  return (header(req.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The value of a header, first one if repeated.
 * @param {import('node:http').IncomingHttpHeaders} headers
 * @param {string} name lower case
 */
export function header(headers, name) {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** @param {unknown} err */
function errorText(err) {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}` : 'a non-Error value was thrown';
  } catch {
    return 'an unreadable error';
  }
}

/**
 * Serves `handle` on `host:port` (0: a free port) and resolves once it listens. A handler that
 * throws answers 500, or ends a response already under way.
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>} handle
 * @param {{ port: number, host: string, name: string }} options `name` prefixes the error log
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function listen(handle, { port, host, name }) {
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      // Only the socket says whether the client went away: Node destroys `req` itself once its body
      // has ended, so `req.destroyed` would leave every failing route's request unanswered.
      if (res.destroyed || req.socket.destroyed) return;
      console.error(`${name}: ${req.method} ${req.url} failed:`, err);
      if (!res.headersSent)
        send(res, error(500, null, `${name} internal error: ${errorText(err)} (details in its log)`));
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (browsers, fetch) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
