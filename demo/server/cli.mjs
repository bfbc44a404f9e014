#!/usr/bin/env node
// @ts-check
// `node demo/server/cli.mjs` (what `npm run demo` runs): the demo storefront on 127.0.0.1:$PORT
// (default 8787), and the sandbox standing in for the vendor APIs on another origin,
// 127.0.0.1:$API_PORT (default PORT + 1), with its log in .sandbox-data/. The storefront calls
// the APIs cross-origin, with CORS, as every real site does. SLOTWISE_SANDBOX_LOG=1 prints one
// line per request.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createSandbox } from './sandbox.mjs';
import { createSite } from './site.mjs';
import { shopRoutes, TILL_AUTH } from '../shop/shop.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = portOf('PORT', 8787);
const apiPort = portOf('API_PORT', port === 0 ? 0 : port + 1);
const log = process.env.SLOTWISE_SANDBOX_LOG === '1';

/** @param {string} name @param {number} fallback */
function portOf(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`Slotwise demo: ${name} must be a port number, got ${JSON.stringify(process.env[name])}`);
    process.exit(1);
  }
  return value;
}

/** @param {string} what @param {number} at @param {unknown} err */
function fail(what, at, err) {
  const code = /** @type {NodeJS.ErrnoException} */ (err).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Slotwise demo: port ${at} (${what}) is in use; set PORT and API_PORT to others (PORT=8797 npm run demo).`
      : `Slotwise demo: could not start the ${what}: ${/** @type {Error} */ (err).message}`,
  );
  process.exit(1);
}

/** @type {import('./types.js').Sandbox} */
let sandbox;
try {
  sandbox = await createSandbox({
    port: apiPort,
    dataDir: join(root, '.sandbox-data'),
    // Campaign images live with the vendors, as on their CDNs.
    static: { '/demo-assets/': join(root, 'demo', 'site', 'demo-assets') },
    // Offline orders are taken only with the shop's till credentials.
    orderAuth: TILL_AUTH,
    log,
  });
} catch (err) {
  fail('vendor APIs', apiPort, err);
  throw err;
}

/** @type {import('./site.mjs').Site} */
let site;
try {
  site = await createSite({
    port,
    routes: shopRoutes({ api: sandbox.url }),
    static: { '/dist/': join(root, 'dist'), '/': join(root, 'demo', 'site') },
    ...(log ? { log: (/** @type {string} */ line) => console.log(line) } : {}),
  });
} catch (err) {
  await sandbox.close();
  fail('storefront', port, err);
  throw err;
}
// The storefront's preview drawer reads the sandbox's /sandbox/ routes (the shop opened as
// 127.0.0.1 or as localhost); no other site may.
sandbox.controlOrigins.add(site.url).add(`http://localhost:${site.port}`);

console.log(`Slotwise demo shop: ${site.url}/`);
console.log(`Vendor APIs (the sandbox, another origin): ${sandbox.url}/ (guests: ${sandbox.url}/sandbox/guests)`);

let stopping = false;
async function stop() {
  if (stopping) process.exit(1); // a second Ctrl-C stops at once
  stopping = true;
  await Promise.all([site.close(), sandbox.close()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
