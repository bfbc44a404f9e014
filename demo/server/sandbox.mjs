// @ts-check
// The Slotwise sandbox: a local HTTP server that speaks the vendor wire formats, keeps
// guests/sessions/carts durably, serves the demo and test pages, and injects faults.
// It shares no code with src/ (the tag): it parses the wire itself so it catches the tag's
// mistakes instead of mirroring them.
//
// Request pipeline: log → CORS (control routes: only allowed origins, else 403) → preflight? →
// read body (413 past 1 MB) → fault? → route (+ latency) → static. A route that throws answers 500.
// Decision routes (flows, Algonomy, Adobe) answer from a campaign catalog re-read on change.

import { fileURLToPath } from 'node:url';
import { answerPreflight, applyControlCors, applyCors } from './cors.mjs';
import { createControlGuard, isControlPath } from './control-guard.mjs';
import { error, listen, readBodyOr413, send } from './http.mjs';
import { createStore } from './store.mjs';
import { answersRequest, createFaults, faultReply } from './faults.mjs';
import { createRequestLog } from './requests.mjs';
import { createStatic } from './static.mjs';
import { sitecoreRoutes } from './sitecore.mjs';
import { controlRoutes } from './control.mjs';
import { createCatalog } from './catalog.mjs';
import { flowRoutes } from './flows.mjs';
import { algonomyRoutes } from './algonomy.mjs';
import { adobeRoutes } from './adobe.mjs';
import { orderRoutes } from './orders.mjs';
import { createDecisionLog } from './decisions.mjs';

/**
 * @typedef {import('./types.js').SandboxOptions} SandboxOptions
 * @typedef {import('./types.js').Sandbox} Sandbox
 * @typedef {import('./http.mjs').Route} Route
 */

export const DEFAULT_SESSION_TIMEOUT_MS = 20 * 60 * 1000;
export const DEFAULT_CATALOG = fileURLToPath(new URL('../catalog.json', import.meta.url));
/** Vendor credentials: a browser tag must never send them (they belong on the site's server); logged as a note, value hidden. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-gw-ims-org-id'];
/** Routes a site's server (or proxy) calls with its credentials, as it should: Optimizely orders, Adobe's Decisioning API. */
const SERVER_TO_SERVER = /^\/(tracker\/smart-api\/|data\/core\/ods\/)/;

/**
 * Starts a sandbox and resolves once it listens.
 * @param {SandboxOptions} options
 * @returns {Promise<Sandbox>}
 * @example
 *   const sandbox = await createSandbox({ dataDir: '.sandbox-data', static: { '/': 'demo/site' } });
 *   // … point the tag's `target` at sandbox.url …
 *   await sandbox.close();
 */
export async function createSandbox(options) {
  const {
    port = 0,
    host = '127.0.0.1',
    dataDir,
    static: mounts = {},
    sessionTimeoutMs = DEFAULT_SESSION_TIMEOUT_MS,
    latencyMs = 0,
    log = false,
    catalog: catalogPath = DEFAULT_CATALOG,
    routes: siteRoutes = [],
    orderAuth,
    dedupeEvents = false,
    dedupeOrders = false,
    textPlainEvents = false,
    controlOrigins = [],
  } = options ?? {};
  if (typeof dataDir !== 'string' || !dataDir) {
    throw new TypeError('createSandbox: options.dataDir is required (the directory of the durable event log)');
  }
  if (!(sessionTimeoutMs > 0))
    throw new TypeError('createSandbox: options.sessionTimeoutMs must be a positive number of ms');
  if (!(latencyMs >= 0)) throw new TypeError('createSandbox: options.latencyMs must be ≥ 0');
  if (typeof catalogPath !== 'string' || !catalogPath)
    throw new TypeError('createSandbox: options.catalog must be the path of a catalog JSON file');
  if (!Array.isArray(controlOrigins) || !controlOrigins.every(isOrigin)) {
    throw new TypeError(
      'createSandbox: options.controlOrigins must be a list of origins such as "http://127.0.0.1:8787"',
    );
  }
  /** Origins besides the sandbox's own that may use the control routes; the caller may add more. */
  const allowedOrigins = new Set(controlOrigins);
  const guard = createControlGuard({ origins: allowedOrigins, host });
  const print = typeof log === 'function' ? log : log ? (/** @type {string} */ line) => console.log(line) : null;
  const catalog = createCatalog(catalogPath, print ?? undefined, print);
  const decisions = createDecisionLog();

  const store = createStore({ dataDir, sessionTimeoutMs, dedupeEvents });
  const faults = createFaults();
  const requests = createRequestLog();
  const serveStatic = createStatic(mounts);
  /** @type {Route[]} */
  const routes = [
    ...sitecoreRoutes(store, { textPlainEvents }),
    ...flowRoutes({ store, catalog, decisions }),
    ...algonomyRoutes({ store, catalog, decisions }),
    ...adobeRoutes({ store, catalog, decisions }),
    ...orderRoutes({ store, auth: orderAuth, dedupe: dedupeOrders }),
    ...controlRoutes({ store, faults, requests, catalog, decisions }),
    // A site's own pages and endpoints (the demo storefront), served beside the vendor APIs.
    ...siteRoutes,
  ];

  // Delays (latency, delay faults) are cancelled on close so they cannot keep the process alive.
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  /** @param {number} ms */
  const sleep = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve(undefined);
      }, ms);
      timers.add(t);
    });

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const query = new URLSearchParams(rawQuery);

    // Everything is logged except reads/clears of the log itself.
    const entry =
      path === '/sandbox/requests'
        ? null
        : requests.start({ method, path, query: Object.fromEntries(query), headers: { ...req.headers } });
    if (entry && query.has('slotwise_preview')) entry.preview = true;
    const credentials = CREDENTIAL_HEADERS.filter((h) => req.headers[h] !== undefined);
    if (entry && credentials.length && !SERVER_TO_SERVER.test(path)) {
      for (const h of credentials) entry.headers[h] = '[hidden]';
      entry.notes = [`sent ${credentials.join(', ')}: vendor credentials never belong in a browser (answered anyway)`];
    }
    res.on('finish', () => {
      if (entry) entry.status = res.statusCode;
      print?.(`${method} ${rawUrl} → ${res.statusCode} ${Date.now() - started}ms`);
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        if (entry) entry.status = 0;
        print?.(`${method} ${rawUrl} → (connection closed) ${Date.now() - started}ms`);
      }
    });

    // The control routes answer only the sandbox's own pages and the storefront (control-guard.mjs).
    if (isControlPath(path)) {
      applyControlCors(res, guard.corsOrigin(req));
      const refusal = guard.refusal(req, method);
      if (refusal) return send(res, error(403, 'origin', refusal));
      if (method === 'OPTIONS') return answerPreflight(req, res, false);
    } else applyCors(req, res, path);
    if (method === 'OPTIONS') {
      // A preflight is a round trip of its own on a real network: it pays the latency too.
      if (latencyMs && routes.some((r) => r.api && r.pattern.test(path))) await sleep(latencyMs);
      return answerPreflight(req, res);
    }

    const body = await readBodyOr413(req, res);
    if (!body) return;
    if (entry) entry.bodyBytes = body.length;

    const fault = faults.take(method, path);
    /** Answers with the fault instead of the route's reply; true when it did. */
    const applyFault = async (/** @type {import('./types.js').Fault} */ fault) => {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.reset) {
        req.socket.destroy();
        return true;
      }
      if (answersRequest(fault)) return (send(res, faultReply(fault), method === 'HEAD'), true);
      return false;
    };
    if (fault && !fault.stored) {
      if (entry) entry.fault = fault.id;
      // Delay only: carry on as usual.
      if (await applyFault(fault)) return;
    }

    /** @type {Record<string, string> | undefined} */
    let params;
    let wrongMethod = false;
    const route = routes.find((r) => {
      const m = r.pattern.exec(path);
      if (!m) return false;
      if (r.method !== method) {
        wrongMethod = true;
        return false;
      }
      params = { ...m.groups };
      return true;
    });
    if (route) {
      if (route.api && latencyMs) await sleep(latencyMs);
      const reply = await route.handle({ req, method, path, query, params: params ?? {}, body });
      // Stored, and only then failed: the answer the sender gets does not say so.
      if (fault?.stored) {
        if (entry) entry.fault = fault.id;
        if (await applyFault(fault)) return;
      }
      return send(res, reply);
    }
    if (wrongMethod) return send(res, error(405, null, `${method} is not allowed on ${path}`));
    if (method === 'GET' || method === 'HEAD') {
      const reply = await serveStatic(path, rawQuery);
      if (reply) return send(res, reply, method === 'HEAD');
    }
    return send(res, error(404, null, `no route for ${method} ${path}`));
  }

  const server = await listen(handle, { port, host, name: 'sandbox' });

  return {
    url: server.url,
    port: server.port,
    store,
    controlOrigins: allowedOrigins,
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return server.close();
    },
  };
}

/** @param {unknown} v an origin exactly as a browser sends it in Origin */
function isOrigin(v) {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).origin === v;
  } catch {
    return false;
  }
}
