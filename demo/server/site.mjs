// @ts-check
// A site's own server, on an origin of its own: its pages and back-end routes, then static files.
// The sandbox stands in for the vendors on another origin, so the site's pages call the vendor
// APIs cross-origin (CORS preflights and all), as every real site does.

import { error, listen, readBodyOr413, send } from './http.mjs';
import { createStatic } from './static.mjs';

/**
 * @typedef {import('./http.mjs').Route} Route
 * @typedef {{ port?: number, host?: string, routes?: Route[], static?: Record<string, string>,
 *   log?: (line: string) => void }} SiteOptions
 * @typedef {{ url: string, port: number, close(): Promise<void> }} Site
 */

/**
 * Starts the site's server and resolves once it listens.
 * @param {SiteOptions} [options]
 * @returns {Promise<Site>}
 */
export async function createSite({ port = 0, host = '127.0.0.1', routes = [], static: mounts = {}, log } = {}) {
  const serveStatic = createStatic(mounts);

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    if (log) res.on('finish', () => log(`site: ${method} ${rawUrl} → ${res.statusCode}`));
    const body = await readBodyOr413(req, res);
    if (!body) return;
    /** @type {Record<string, string> | undefined} */
    let params;
    const route = routes.find((r) => {
      const m = r.method === method && r.pattern.exec(path);
      if (m) params = { ...m.groups };
      return !!m;
    });
    if (route)
      return send(
        res,
        await route.handle({ req, method, path, query: new URLSearchParams(rawQuery), params: params ?? {}, body }),
      );
    if (method === 'GET' || method === 'HEAD') {
      const reply = await serveStatic(path, rawQuery);
      if (reply) return send(res, reply, method === 'HEAD');
    }
    return send(res, error(404, null, `no page at ${method} ${path}`));
  }

  return listen(handle, { port, host, name: 'site' });
}
