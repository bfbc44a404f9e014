import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const minify = () => terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } });
const ts = (declarations = false) =>
  typescript({
    tsconfig: './tsconfig.json',
    declaration: declarations,
    ...(declarations ? { declarationDir: 'dist', outDir: 'dist' } : { outDir: undefined }),
    exclude: ['test/**', 'e2e/**', 'demo/**'],
  });

// In the script tag, the on-demand sanitizer is a chunk loaded by a <script>, not an import().
const sanitizerAsScript = {
  name: 'sanitizer-as-script',
  resolveId(source, importer) {
    if (source == './sanitizer' && importer?.includes('/src/render/')) return fileURLToPath(new URL('./src/render/sanitizer-script.ts', import.meta.url));
    return null;
  },
};

export default [
  // npm, ESM: dependencies stay imports so bundlers share them with the app.
  {
    input: 'src/index.ts',
    external: ['ky', 'js-cookie', 'nanoid', 'dompurify'],
    output: { file: 'dist/slotwise.mjs', format: 'es' },
    plugins: [ts(true)],
  },
  // npm, CommonJS: ky and nanoid are ESM-only, so they are bundled in.
  {
    input: 'src/index.ts',
    output: { file: 'dist/slotwise.cjs', format: 'cjs', exports: 'named', inlineDynamicImports: true },
    plugins: [resolve(), ts()],
  },
  // The script tag the snippet loads: one self-contained file.
  {
    input: 'src/browser.ts',
    output: { file: 'dist/slotwise.min.js', format: 'iife' },
    plugins: [sanitizerAsScript, resolve({ browser: true }), ts(), minify()],
  },
  // DOMPurify for the script tag, fetched only by browsers without Element.setHTML.
  {
    input: 'src/render/sanitize-chunk.ts',
    output: { file: 'dist/slotwise-sanitize.min.js', format: 'iife' },
    plugins: [resolve({ browser: true }), ts(), minify()],
  },
  {
    input: 'src/snippet.ts',
    output: { file: 'dist/snippet.min.js', format: 'es' },
    plugins: [ts(), minify()],
  },
];
