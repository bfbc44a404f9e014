// Builds the React example app with Vite: the browser bundle and the server-rendering module,
// into e2e/.tmp/react-app/ (gitignored). It imports slotwise and slotwise/react from dist/, as
// the package would give them to an app, so `npm run build` comes first.
//   node e2e/apps/react/build.mjs
// The browser bundle is React's development build, where <StrictMode> mounts, unmounts and
// mounts every component again and reports hydration mismatches in full.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const OUT = here('../../.tmp/react-app/');

/** @param {boolean} ssr @returns {import('vite').InlineConfig} */
const config = (ssr) => ({
  configFile: false,
  root: here('.'),
  base: '/app/',
  logLevel: 'warn',
  mode: ssr ? 'production' : 'development',
  ...(ssr ? {} : { define: { 'process.env.NODE_ENV': JSON.stringify('development') } }),
  resolve: {
    alias: [
      { find: /^slotwise$/, replacement: here('../../../dist/slotwise.mjs') },
      { find: /^slotwise\/react$/, replacement: here('../../../dist/react.mjs') },
    ],
  },
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: `${OUT}${ssr ? 'server' : 'client'}`,
    emptyOutDir: true,
    minify: false,
    // Under the page's CSP, scripts come with the nonce; Vite's preload links would not.
    modulePreload: false,
    rollupOptions: {
      ...(ssr ? {} : { input: here('src/client.tsx') }),
      output: { entryFileNames: ssr ? 'server.mjs' : 'client.js' },
      // 'use client' means nothing to a bundle: it is for servers that split components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
    ...(ssr ? { ssr: 'src/server.tsx' } : {}),
  },
});

/** When a file was last changed: for a folder, its newest file. */
const changed = (path) =>
  statSync(path).isDirectory()
    ? Math.max(0, ...readdirSync(path).map((name) => changed(`${path}/${name}`)))
    : statSync(path).mtimeMs;

/** Whether the last build is newer than the app's sources and the dist files it uses. */
function fresh(dist) {
  const built = [`${OUT}client/client.js`, `${OUT}server/server.mjs`];
  if (!built.every(existsSync)) return false;
  const sources = Math.max(...[here('src'), here('build.mjs'), ...dist].map(changed));
  return Math.min(...built.map(changed)) > sources;
}

/**
Builds the app, unless (`onlyIfStale`) the last build is still fresh. One build at a time: test
workers that start together wait for the first one's build instead of writing over it.
*/
export async function buildApp({ onlyIfStale = false } = {}) {
  const dist = ['slotwise.mjs', 'react.mjs'].map((name) => here(`../../../dist/${name}`));
  if (!dist.every(existsSync)) throw new Error('Run `npm run build` first: the app uses dist/.');
  const lock = OUT.replace(/\/$/, '.lock');
  mkdirSync(here('../../.tmp'), { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 60_000) rmSync(lock, { recursive: true, force: true }); // left by a build that died
      await sleep(100);
    }
  }
  try {
    if (onlyIfStale && fresh(dist)) return;
    await build(config(false));
    await build(config(true));
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// `node build.mjs`: always; `node build.mjs --if-stale`: as the e2e spec runs it, once per change.
if (import.meta.url === `file://${process.argv[1]}`)
  await buildApp({ onlyIfStale: process.argv.includes('--if-stale') });
