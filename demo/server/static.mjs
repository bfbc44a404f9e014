// @ts-check
// Static files: the built tag (/dist/), test pages (/e2e/) and the demo site (/).
// Never serves outside a mounted directory, never cached (tests rebuild between runs).

import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/** @typedef {import('./http.mjs').Reply} Reply */

const TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
});

/** @param {string} file */
export const contentType = (file) => TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** @param {number} status @param {string} text @returns {Reply} */
const text = (status, text) => ({
  status,
  body: text + '\n',
  headers: { 'Content-Type': 'text/plain; charset=utf-8' },
});

/**
 * @param {Record<string, string> | undefined} mounts URL prefix → directory
 * @returns {(rawPath: string, rawQuery: string) => Promise<Reply | null>} null: no mount matches
 */
export function createStatic(mounts = {}) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => ({ prefix: prefix.endsWith('/') ? prefix : prefix + '/', dir: resolve(dir) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);

  return async function serve(rawPath, rawQuery) {
    // "/dist" for the mount "/dist/": a directory without its slash.
    const bare = table.find((m) => m.prefix !== '/' && rawPath + '/' === m.prefix);
    if (bare) return redirect(bare.prefix, rawQuery);
    const mount = table.find((m) => rawPath.startsWith(m.prefix));
    if (!mount) return null;

    // Decode segment by segment: an encoded "/" or ".." inside a segment is refused, not obeyed.
    const segments = [];
    for (const raw of rawPath.slice(mount.prefix.length).split('/')) {
      let segment;
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return text(400, 'Bad Request: malformed percent-encoding');
      }
      if (segment === '..' || segment.includes('/') || segment.includes('\\') || segment.includes('\0')) {
        return text(403, 'Forbidden: path traversal');
      }
      if (segment !== '' && segment !== '.') segments.push(segment);
    }
    const root = await realpath(mount.dir).catch(() => null);
    if (!root) return text(404, 'Not Found');
    let file = join(root, ...segments);
    /** @type {import('node:fs').Stats} */
    let info;
    try {
      // realpath: a symlink inside the mount must not lead outside it either.
      file = await realpath(file);
      if (file !== root && !file.startsWith(root + sep)) return text(403, 'Forbidden: outside the served directory');
      info = await stat(file);
      if (info.isDirectory()) {
        if (!rawPath.endsWith('/')) return redirect(rawPath + '/', rawQuery);
        file = join(file, 'index.html');
        info = await stat(file);
      }
    } catch {
      return text(404, 'Not Found');
    }
    if (!info.isFile()) return text(404, 'Not Found');
    // A page may come with its own response headers (a test page's Content-Security-Policy, say):
    // `page.html.headers.json` beside it, a flat JSON object.
    const extra = await readFile(file + '.headers.json', 'utf8').then(
      (json) => JSON.parse(json),
      () => ({}),
    );
    return { status: 200, body: await readFile(file), headers: { ...extra, 'Content-Type': contentType(file) } };
  };
}

/** @param {string} location @param {string} rawQuery @returns {Reply} */
function redirect(location, rawQuery) {
  return { status: 301, body: '', headers: { Location: location + (rawQuery ? `?${rawQuery}` : '') } };
}
