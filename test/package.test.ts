// The npm builds as an app's bundler and Node see them (after `npm run build`): the CommonJS file
// is safe in a browser bundle, what the README says loads on demand is not in the ESM entry's
// static graph, an app that imports only isSlotwiseError bundles next to nothing, and
// slotwise/react stays small.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type BuildResult, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
/** Bundles as an app's bundler would, ES modules for the browser, in memory, with what went in. */
const bundle = (options: BuildOptions) =>
  build({
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    ...options,
    write: false,
    metafile: true,
  }) as Promise<BuildResult<{ write: false; metafile: true }>>;
const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };

describe('dist/slotwise.cjs', () => {
  const code = read('dist/slotwise.cjs');

  it('requires nothing when it loads: no Node built-in, and DOMPurify only once HTML needs it', () => {
    const required: string[] = [];
    const module = { exports: {} as Record<string, unknown> };
    const require = (id: string) => {
      required.push(id);
      return {};
    };
    new Function('module', 'exports', 'require', code)(module, module.exports, require);
    expect(required).toEqual([]);
    expect(Object.keys(module.exports).sort()).toEqual([
      'SlotwiseError',
      'createTag',
      'hideBeforePaint',
      'isSlotwiseError',
    ]);
    // Still there for browsers without Element.setHTML, inside the sanitizer's loader.
    expect(code).toMatch(/function \(\) \{ return [^;]*require\('dompurify'\)/);
    expect(code).not.toMatch(/require\(['"](node:|crypto['"])/);
  });
});

describe('dist/slotwise.mjs', () => {
  /** The files a page loads to run `entry`: its static imports, not what it import()s. */
  const staticGraph = (metafile: Metafile, entry: string) => {
    const seen = new Set<string>();
    const visit = (path: string) => {
      if (seen.has(path) || !metafile.inputs[path]) return;
      seen.add(path);
      for (const edge of metafile.inputs[path].imports)
        if (edge.kind === 'import-statement' && !edge.external) visit(edge.path);
    };
    visit(entry);
    return [...seen];
  };

  it('leaves each codec, the slot engine and the preview bar to import()', async () => {
    const { metafile } = await bundle({
      entryPoints: ['dist/slotwise.mjs'],
      splitting: true,
      outdir: 'out',
      external: Object.keys(pkg.dependencies),
    });
    const start = staticGraph(metafile, 'dist/slotwise.mjs');
    const onDemand = Object.keys(metafile.inputs).filter((path) => !start.includes(path));
    const holding = (marker: string) => (paths: string[]) => paths.filter((path) => read(path).includes(marker));
    // The flows, placements and offers codecs (what their requests say), the engine (the event it
    // dispatches) and the preview bar (its style).
    for (const marker of [
      '/v2/callFlows',
      '/rrserver/',
      'xdm:propositionRequests',
      'slotwise:decision',
      '.slotwise-bar',
    ]) {
      expect(holding(marker)(start), marker).toEqual([]);
      expect(holding(marker)(onDemand), marker).not.toEqual([]);
    }
  });

  it('costs next to nothing to an app that only checks errors', async () => {
    const { outputFiles } = await bundle({
      stdin: {
        contents: "import { isSlotwiseError } from './dist/slotwise.mjs';\nexport const check = isSlotwiseError;",
        resolveDir: root,
      },
      minify: true,
    });
    const code = outputFiles[0]!.text;
    expect(code).toContain('"SlotwiseError"');
    // 2,010 bytes before the error class had a chunk of its own; esbuild adds a lazy-init wrapper.
    expect(code.length).toBeLessThanOrEqual(250);
  });

  it('slotwise/react adds about 1.5 kB (min+gzip) to an app that already has React and the tag', async () => {
    const { outputFiles } = await bundle({
      entryPoints: ['./dist/react.mjs'],
      minify: true,
      external: ['react', 'react-dom', 'react/jsx-runtime', 'slotwise'],
    });
    const code = outputFiles[0]!.contents;
    expect(new TextDecoder().decode(code)).toMatch(/^"use client";/);
    expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(1700);
  });
});
