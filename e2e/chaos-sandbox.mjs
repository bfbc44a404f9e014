// The sandbox as a process of its own, so a chaos run can kill -9 it and start it again on the
// same port and data:  node e2e/chaos-sandbox.mjs <port|0> <dataDir>
// Prints one line, `listening <port>`, once it accepts connections; a failure to start exits 1.
import { createSandbox } from '../demo/server/sandbox.mjs';

const [port = '0', dataDir] = process.argv.slice(2);
try {
  const sandbox = await createSandbox({ port: Number(port), dataDir: /** @type {string} */ (dataDir) });
  console.log(`listening ${sandbox.port}`);
} catch (err) {
  console.error(`chaos sandbox: ${/** @type {Error} */ (err).message}`);
  process.exit(1);
}
