import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/**
The npm entries: `slotwise` is dist/slotwise.*, every other is `slotwise/<name>` from dist/<name>.*.
Each builds an ES module (.mjs) and a CommonJS file (.cjs), each with its own bundled declarations
(.d.mts, .d.cts) holding only the public types. `platform` (default 'browser') picks the builds of
the dependencies the CommonJS file carries; `external`: packages the entry imports and never
bundles, besides our dependencies, our peers and `slotwise` itself. An entry also needs its subpath
in package.json's `exports` and a `<name>/package.json` for resolvers that do not read `exports`
(`npm run check:package` says what is missing).
*/
export const entries = [
  { name: 'slotwise', input: 'src/index.ts' },
  { name: 'server', input: 'src/server/index.ts', platform: 'node' },
  // React and the core stay imports (peers and slotwise itself), so the app has one React and one tag.
  { name: 'react', input: 'src/react/index.ts' },
];

/** Dependencies published only as ES modules: the CommonJS builds carry them inside. */
const ESM_ONLY = ['ky', 'nanoid'];
/** Packages an entry imports but never bundles: our dependencies, peers, and slotwise itself. */
const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), pkg.name];
const externalBut =
  (also = [], bundled = []) =>
  (id) =>
    id.startsWith('node:') ||
    [...packages, ...also].some((name) => !bundled.includes(name) && (id === name || id.startsWith(`${name}/`)));

const minify = () => terser({ ecma: 2020, compress: { passes: 3 }, format: { comments: false } });
const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    declaration: false,
    outDir: undefined,
    exclude: ['test/**', 'e2e/**', 'demo/**'],
  });

/**
Rollup drops module-level directives; a client component's file must begin with its 'use client'
(React Server Components), so an entry whose source starts with one gets it back on top.
*/
const keepUseClient = () => {
  const directive = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use client\1/;
  return {
    name: 'keep-use-client',
    onLog(level, log) {
      if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('use client')) return false;
    },
    renderChunk(code, chunk) {
      if (!chunk.facadeModuleId || !directive.test(readFileSync(chunk.facadeModuleId, 'utf8'))) return null;
      return { code: `'use client';\n${code}`, map: null };
    },
  };
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

const fileOf = (name, extension) => `dist/${name}.${extension}`;

const npmBuilds = entries.flatMap(({ name, input, platform = 'browser', external = [] }) => [
  // ESM: dependencies stay imports so bundlers share them with the app. On-demand parts (the slot
  // engine, each codec, the preview bar) are chunks of their own, imported on first use; the error
  // class is one too, so an app that only checks errors bundles nothing else.
  {
    input,
    external: externalBut(external),
    // Our dependencies do nothing when imported: an unused one needs no bare import kept for it.
    treeshake: { moduleSideEffects: (id, external) => !external },
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: `${name}.mjs`,
      chunkFileNames: `${name}-[name].mjs`,
      hoistTransitiveImports: false,
      manualChunks: (id) => (/\/src\/types\/errors\.ts$/.test(id) ? 'errors' : undefined),
    },
    plugins: [ts(), keepUseClient(), ...(name === 'slotwise' ? [hideBeforePaintFile] : [])],
  },
  // CommonJS: one file. The ESM-only dependencies are bundled in (for the browser entry, their
  // browser builds: no node: built-ins); the others stay `require`s, and what the ESM build
  // imports on demand (DOMPurify) is required on demand.
  {
    input,
    external: externalBut(external, ESM_ONLY),
    output: {
      file: fileOf(name, 'cjs'),
      format: 'cjs',
      exports: 'named',
      inlineDynamicImports: true,
      dynamicImportInCjs: false,
    },
    plugins: [
      resolve(platform === 'browser' ? { browser: true } : { exportConditions: ['node'] }),
      ts(),
      keepUseClient(),
    ],
  },
  // Declarations: the same bundle twice, as ESM (.d.mts) and as CommonJS (.d.cts) types, because
  // TypeScript reads a declaration file's format from its extension.
  {
    input,
    external: externalBut(external),
    output: [
      { file: fileOf(name, 'd.mts'), format: 'es' },
      { file: fileOf(name, 'd.cts'), format: 'es' },
    ],
    plugins: [dts({ tsconfig: './tsconfig.json' })],
  },
]);

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

export default [
  ...npmBuilds,
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
