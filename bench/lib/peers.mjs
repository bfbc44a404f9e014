// The peers, bundled from npm in this run with esbuild (`--bundle --minify`, the way their users'
// bundlers would), next to Slotwise's own build output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { repo, tmp } from './sandbox.mjs';

const out = join(tmp, 'peers');

/** min, gzip -9 and brotli (quality 11) bytes of some code. @param {string | Buffer} code */
export function sizes(code) {
  const bytes = Buffer.from(code);
  return {
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * Bundles `source` (an entry module's text); ESM bundles are split, and only the entry and the
 * chunks it imports statically count (what a page loads before anything is asked for).
 * @param {string} name @param {string} source @param {'iife' | 'esm'} format @param {string} [globalName]
 */
async function bundle(name, source, format, globalName) {
  mkdirSync(out, { recursive: true });
  const entry = join(out, `${name}.entry.mjs`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format,
    platform: 'browser',
    target: 'es2020',
    outdir: join(out, name),
    splitting: format == 'esm',
    metafile: true,
    logLevel: 'silent',
    ...(globalName ? { globalName } : {}),
    nodePaths: [join(repo, 'node_modules')],
  });
  const outputs = result.metafile.outputs;
  const main = Object.keys(outputs).find((file) => outputs[file].entryPoint);
  const loaded = new Set([main]);
  for (const file of loaded)
    for (const i of outputs[file].imports) if (i.kind == 'import-statement' && !i.external) loaded.add(i.path);
  const code = Buffer.concat([...loaded].map((file) => readFileSync(join(repo, relative(repo, file)))));
  return { file: join(repo, relative(repo, main)), ...sizes(code) };
}

/** Engage's `init` as one script (npm ships no IIFE), global `SitecoreEngage`: the pages use it too. */
export const bundleEngage = () =>
  bundle('engage', "export { init } from '@sitecore/engage';\n", 'iife', 'SitecoreEngage');

export async function peerSizes() {
  return [
    { name: '@sitecore/engage 1.4.3 (init, one script)', ...(await bundleEngage()) },
    {
      name: '@sitecore-cloudsdk core + events + personalize 0.6.1',
      ...(await bundle(
        'cloudsdk',
        [
          "export { CloudSDK } from '@sitecore-cloudsdk/core/browser';",
          "export { pageView, event, identity } from '@sitecore-cloudsdk/events/browser';",
          "export { personalize } from '@sitecore-cloudsdk/personalize/browser';",
        ].join('\n'),
        'esm',
      )),
    },
    {
      name: '@adobe/alloy 2.33.1 (createInstance)',
      ...(await bundle('alloy', "export { createInstance } from '@adobe/alloy';\n", 'esm')),
    },
    // Segment's entry imports almost nothing statically: `load()` fetches the rest, always. One
    // script with everything is what a page ends up running.
    {
      name: '@segment/analytics-next 1.84.3 (AnalyticsBrowser, one script)',
      ...(await bundle('segment', "export { AnalyticsBrowser } from '@segment/analytics-next';\n", 'iife', 'Segment')),
    },
  ];
}

export async function slotwiseSizes() {
  const file = (name) => sizes(readFileSync(join(repo, 'dist', name)));
  const script = file('slotwise.min.js');
  /** What a page downloads: these files together. */
  const sum = (...names) => {
    const total = { min: 0, gzip: 0, brotli: 0 };
    for (const part of names.map(file))
      for (const k of /** @type {const} */ (['min', 'gzip', 'brotli'])) total[k] += part[k];
    return total;
  };
  return [
    { name: 'Slotwise script tag (dist/slotwise.min.js): a page without slots', ...script },
    {
      name: 'Slotwise, a page with flow slots: script tag + slot engine + flows codec',
      ...sum('slotwise.min.js', 'slotwise-slots.min.js', 'slotwise-flows.min.js'),
    },
    {
      name: 'Slotwise, a page with all three kinds of slot: + placements and offers codecs',
      ...sum(
        'slotwise.min.js',
        'slotwise-slots.min.js',
        'slotwise-flows.min.js',
        'slotwise-placements.min.js',
        'slotwise-offers.min.js',
      ),
    },
    { name: 'Slotwise paste-in snippet', ...file('snippet.min.js') },
    {
      name: 'Slotwise npm ESM entry (createTag, bundled)',
      ...(await bundle('slotwise-npm', "export { createTag } from 'slotwise';\n", 'esm')),
    },
  ];
}
