// The published declarations, as an app's compiler reads them (after `npm run build`):
// test/types/consumer.ts type-checks against the bundled dist/slotwise.d.mts and .d.cts under
// each module resolution, the DOM event is typed by them alone, and without that declaration the
// same code does not compile.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const consumer = `${root}test/types/consumer.ts`;
/** The same code as a CommonJS file (`.cts`): its `import` is a require, answered by the .d.cts. */
const consumerCjs = consumer.replace(/\.ts$/, '.cts');
const DECLARATIONS = /\/dist\/slotwise\.d\.[cm]ts$/;
const EVENT_DECLARATION = /declare global \{[\s\S]*?\n\}\n/;

const base: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  // Our declaration files are checked too; TypeScript's own are not.
  skipLibCheck: false,
  skipDefaultLibCheck: true,
};

/** [resolution, its options, the app's file, the declarations it must get]. */
const MODES: [string, ts.CompilerOptions, string, string][] = [
  [
    'bundler',
    { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
    consumer,
    'dist/slotwise.d.mts',
  ],
  [
    'node16 (from ESM)',
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    consumer,
    'dist/slotwise.d.mts',
  ],
  [
    'node16 (from CJS)',
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    consumerCjs,
    'dist/slotwise.d.cts',
  ],
  // node10 knows no `exports` and no self-reference: `paths` sends `slotwise` to this package's
  // folder, where package.json's `types` answers, as it would from node_modules.
  [
    'node10',
    {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      paths: { slotwise: [root] },
    },
    consumer,
    'dist/slotwise.d.cts',
  ],
];

/** TypeScript's own declarations (lib.dom.d.ts is large), parsed once for every program here. */
const libs = new Map<string, ts.SourceFile | undefined>();

/** The compiler's complaints about `file`, optionally with the declarations edited first. */
function diagnose(options: ts.CompilerOptions, file: string, edit = (text: string) => text) {
  const host = ts.createCompilerHost({ ...base, ...options });
  const { readFile, fileExists, getSourceFile } = host;
  host.getSourceFile = (path, ...rest) => {
    if (!path.includes('/node_modules/typescript/lib/')) return getSourceFile.call(host, path, ...rest);
    if (!libs.has(path)) libs.set(path, getSourceFile.call(host, path, ...rest));
    return libs.get(path);
  };
  host.fileExists = (path) => path === consumerCjs || fileExists.call(host, path);
  host.readFile = (path) => {
    if (path === consumerCjs) return readFileSync(consumer, 'utf8');
    const text = readFile.call(host, path);
    return text !== undefined && DECLARATIONS.test(path) ? edit(text) : text;
  };
  const program = ts.createProgram([file], { ...base, ...options }, host);
  const used = program.getSourceFiles().map((source) => source.fileName.replace(root, ''));
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file?.fileName.replace(root, '') ?? ''} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
  return { used, problems };
}

// The first program parses TypeScript's lib files: seconds on a busy machine.
describe('the published declarations', { timeout: 60_000 }, () => {
  it.each(MODES)('type an app under %s', (_, options, file, declarations) => {
    const { used, problems } = diagnose(options, file);
    expect(problems).toEqual([]);
    // Only the bundle: no declaration file of our sources is there to be found.
    expect(used.filter((path) => !path.includes('node_modules/typescript/')).sort()).toEqual(
      [declarations, file.replace(root, '')].sort(),
    );
  });

  it.each(MODES.slice(1, 3))(
    'carry the slotwise:decision event: without it, listeners see a plain Event (%s)',
    (_, options, file) => {
      const shipped = readFileSync(`${root}dist/slotwise.d.mts`, 'utf8');
      expect(shipped).toMatch(EVENT_DECLARATION);
      const { problems } = diagnose(options, file, (text) => text.replace(EVENT_DECLARATION, ''));
      const missing = problems.filter((p) => p.includes("Property 'detail' does not exist on type 'Event'"));
      // Every `event.detail` of both listeners, the slot's and the document's.
      expect(missing).toHaveLength(3);
    },
  );
});
