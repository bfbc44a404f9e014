import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const minify = () => terser({ ecma: 2020, compress: { passes: 3 }, format: { comments: false } });
const ts = (declarations = false) =>
  typescript({
    tsconfig: './tsconfig.json',
    declaration: declarations,
    ...(declarations ? { declarationDir: 'dist', outDir: 'dist' } : { outDir: undefined }),
    exclude: ['test/**', 'e2e/**', 'demo/**'],
  });

// In the script tag, on-demand parts are files loaded by a <script> (loaders/script-element.ts),
// not import()s (loaders/dynamic-import.ts).
const chunksAsScripts = {
  name: 'chunks-as-scripts',
  resolveId(source, importer) {
    if (/\/loaders\/dynamic-import$/.test(source) && importer?.includes('/src/'))
      return fileURLToPath(new URL('./src/loaders/script-element.ts', import.meta.url));
    return null;
  },
};

// dist/hide-before-paint.css: the rule a server-rendered page puts in its <head>, written from the
// `hideBeforePaint` the npm build exports, so the two cannot differ.
const hideBeforePaintFile = {
  name: 'hide-before-paint-css',
  async writeBundle() {
    const built = new URL(`./dist/slotwise.mjs?${Date.now()}`, import.meta.url);
    const { hideBeforePaint } = await import(built.href);
    await writeFile(new URL('./dist/hide-before-paint.css', import.meta.url), `${hideBeforePaint}\n`);
  },
};

export default [
  // npm, ESM: dependencies stay imports so bundlers share them with the app.
  {
    input: 'src/index.ts',
    external: ['ky', 'nanoid', 'dompurify'],
    // The debug overlay is its own file, imported on first use.
    output: { dir: 'dist', entryFileNames: 'slotwise.mjs', chunkFileNames: 'slotwise-[name].mjs', format: 'es' },
    plugins: [ts(true), hideBeforePaintFile],
  },
  // npm, CommonJS: ky and nanoid are ESM-only, so they are bundled in.
  {
    input: 'src/index.ts',
    output: { file: 'dist/slotwise.cjs', format: 'cjs', exports: 'named', inlineDynamicImports: true },
    plugins: [resolve(), ts()],
  },
  // slotwise/server, for a site's back end (Node): ESM keeps its dependencies as imports; the
  // CommonJS build bundles ky (ESM-only) and requires cookie (CommonJS).
  {
    input: 'src/server/index.ts',
    external: ['ky', 'cookie', /^node:/],
    output: { file: 'dist/server.mjs', format: 'es' },
    plugins: [ts()],
  },
  {
    input: 'src/server/index.ts',
    external: ['cookie', /^node:/],
    output: { file: 'dist/server.cjs', format: 'cjs', exports: 'named' },
    plugins: [resolve({ exportConditions: ['node'] }), ts()],
  },
  // slotwise/react: React and the core stay imports, so the app has one React and one tag.
  {
    input: 'src/react/index.ts',
    external: ['react', 'react-dom', 'react/jsx-runtime', 'slotwise'],
    output: { file: 'dist/react.mjs', format: 'es', banner: "'use client';" },
    plugins: [ts()],
  },
  // The script tag the snippet loads: one self-contained file.
  {
    input: 'src/script-tag/main.ts',
    output: { file: 'dist/slotwise.min.js', format: 'iife' },
    plugins: [chunksAsScripts, resolve({ browser: true }), ts(), minify()],
  },
  // On-demand chunks of the script tag: the slot engine for pages with slots, DOMPurify for
  // browsers without Element.setHTML, frames for render 'iframe', the debug overlay for
  // ?slotwise_debug=1, and the codec of each decision API for the pages that use it.
  ...[
    ['src/script-tag/parts/slots.ts', 'dist/slotwise-slots.min.js'],
    ['src/script-tag/parts/sanitize.ts', 'dist/slotwise-sanitize.min.js'],
    ['src/script-tag/parts/frame.ts', 'dist/slotwise-frame.min.js'],
    ['src/script-tag/parts/debug.ts', 'dist/slotwise-debug.min.js'],
    ['src/script-tag/parts/flows.ts', 'dist/slotwise-flows.min.js'],
    ['src/script-tag/parts/placements.ts', 'dist/slotwise-placements.min.js'],
    ['src/script-tag/parts/offers.ts', 'dist/slotwise-offers.min.js'],
  ].map(([input, file]) => ({
    input,
    output: { file, format: 'iife' },
    plugins: [resolve({ browser: true }), ts(), minify()],
  })),
  {
    input: 'src/script-tag/snippet.ts',
    output: { file: 'dist/snippet.min.js', format: 'es' },
    plugins: [ts(), minify()],
  },
];
