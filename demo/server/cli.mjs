#!/usr/bin/env node
// @ts-check
// `node demo/server/cli.mjs` (what `npm run demo` runs): the sandbox on 127.0.0.1:$PORT
// (default 8787) with its log in .sandbox-data/, serving dist/ and the demo storefront.
// SLOTWISE_SANDBOX_LOG=1 prints one line per request.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createSandbox } from './sandbox.mjs';
import { shopRoutes, TILL_AUTH } from '../shop/shop.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Slotwise sandbox: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

/** @type {import('./types.js').Sandbox} */
let sandbox;
try {
  sandbox = await createSandbox({
    port,
    dataDir: join(root, '.sandbox-data'),
    static: { '/dist/': join(root, 'dist'), '/': join(root, 'demo', 'site') },
    // The demo storefront's pages, beside the vendor APIs the sandbox stands in for.
    routes: shopRoutes(),
    // Offline orders are taken only with the shop's till credentials.
    orderAuth: TILL_AUTH,
    log: process.env.SLOTWISE_SANDBOX_LOG === '1',
  });
} catch (err) {
  const code = /** @type {NodeJS.ErrnoException} */ (err).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Slotwise sandbox: port ${port} is in use; set PORT to another one (PORT=8788 npm run demo).`
      : `Slotwise sandbox: could not start: ${/** @type {Error} */ (err).message}`,
  );
  process.exit(1);
}

console.log(`Slotwise sandbox: ${sandbox.url}/`);

let stopping = false;
async function stop() {
  if (stopping) process.exit(1); // a second Ctrl-C stops at once
  stopping = true;
  await sandbox.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
