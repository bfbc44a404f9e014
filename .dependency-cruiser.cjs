// The dependency rule for src/, checked by dependency-cruiser (rule syntax: its "rules reference").
//
// Layers, top to bottom. A module imports from its own folder or from a folder BELOW it, never above:
//   0. bindings     src/react/** (slotwise/react): the core only through its public entry, src/index.ts
//                   (imported as 'slotwise', so an app has one tag)
//   1. entries      src/index.ts (npm), src/script-tag/** (script tag, snippet, one parts/* file per
//                   on-demand chunk), src/server/** (slotwise/server, Node)
//   2. tag          createTag wiring
//   3. core parts   identity/, events/, slots/: may use each other, without cycles
//   4. loaders      load the on-demand parts: dynamic import() or type-only, never a static value import
//   5. loaded parts engine/ (slot engine), debug/ (preview overlay), codecs/ (pure wire codecs)
//   6. shared       utilities used everywhere
//   7. types        type declarations, and SlotwiseError, the one error class they name (no imports,
//                   no side effects)
// Plus: no folder-level and no module-level cycles, nothing from test/, e2e/, demo/ or bench/, and the
// server entry stays clear of browser-only folders.
//
// Type-only imports are seen because tsPreCompilationDeps is on. dependency-cruiser marks
// `import type …`, `export type … from` and `import { type A, type B }` as 'type-only', and
// `typeof import('…')` / `import('…').T` in a type as 'type-import'. One gap: with
// verbatimModuleSyntax, TypeScript keeps `import { type A } from 'x'` as `import {} from 'x'`, a
// real import this rule takes for type-only; typescript-eslint's no-import-type-side-effects closes it.
//
// Check: depcruise src --config .dependency-cruiser.cjs   (exit code = number of errors)
// One screen for a note: node scripts/deps-summary.mjs

/** Dependency types that vanish when TypeScript compiles: allowed where "only through types" is. */
const TYPES_ONLY = ['type-only', 'type-import'];

/** What a codec may import besides src/types/ and its own folder: pure, side-effect-free modules. */
const CODEC_ALLOWED = ['src/shared/is.ts', 'src/shared/markup.ts', 'src/shared/http-status.ts'];

/**
 * Identity modules slotwise/server may import values from: pure constants and checks, no cookie
 * jar, no DOM. (Type-only imports from identity/ are always fine.)
 */
const SERVER_IDENTITY_VALUES_ALLOWED = ['src/identity/rcs.ts'];

/** Every folder the layout knows (scripts/layers.cjs); a module anywhere else in src/ escapes every rule below. */
const KNOWN = require('./scripts/layers.cjs').FOLDERS;

const folders = (...names) => `^src/(${names.join('|')})/`;
const files = (paths) => paths.map((path) => `^${path.replace(/[.]/g, '[.]')}$`);

const ENTRY = ['^src/index[.]ts$', folders('script-tag', 'server')];
const CORE = folders('identity', 'events', 'slots');
const LOADED = folders('engine', 'debug', 'codecs');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // --- the layers: nothing imports upwards ------------------------------------------------------
    {
      name: 'entries-apart',
      comment: 'Each entry is its own bundle: index.ts, script-tag/ and server/ do not import each other.',
      severity: 'error',
      from: { path: '^src/index[.]ts$' },
      to: { path: folders('script-tag', 'server') },
    },
    {
      name: 'entries-apart',
      severity: 'error',
      from: { path: folders('script-tag') },
      to: { path: ['^src/index[.]ts$', folders('server')] },
    },
    {
      name: 'entries-apart',
      severity: 'error',
      from: { path: folders('server') },
      to: { path: ['^src/index[.]ts$', folders('script-tag')] },
    },
    {
      name: 'bindings-through-the-entry',
      comment:
        "slotwise/react uses the core as an app does, through 'slotwise' (src/index.ts): nothing inside it, " +
        'so its build imports the one copy of the core the app has.',
      severity: 'error',
      from: { path: folders('react') },
      to: { path: '^src/', pathNot: ['^src/index[.]ts$', folders('react')] },
    },
    {
      name: 'bindings-not-down',
      comment: 'Nothing in the core or the other entries imports the React binding.',
      severity: 'error',
      from: { path: '^src/', pathNot: folders('react') },
      to: { path: folders('react') },
    },
    {
      name: 'tag-not-up',
      comment: 'tag/ wires the core together; the entries use it, never the other way round.',
      severity: 'error',
      from: { path: folders('tag') },
      to: { path: ENTRY },
    },
    {
      name: 'core-not-up',
      comment: 'identity/, events/ and slots/ are used by tag/ and the entries; they do not reach back up.',
      severity: 'error',
      from: { path: CORE },
      to: { path: [...ENTRY, folders('tag')] },
    },
    {
      name: 'loaders-not-up',
      comment: 'loaders/ serve the core; they do not import it.',
      severity: 'error',
      from: { path: folders('loaders') },
      to: { path: [...ENTRY, folders('tag'), CORE] },
    },
    {
      name: 'loaders-load-lazily',
      comment:
        'An on-demand part must stay out of the core bundle: loaders reach engine/, debug/ and codecs/ by ' +
        'import() or by type only. A static value import would pull the part in.',
      severity: 'error',
      from: { path: folders('loaders') },
      to: { path: LOADED, dependencyTypesNot: ['dynamic-import', ...TYPES_ONLY] },
    },
    {
      name: 'loaded-parts-not-up',
      comment:
        'engine/ and debug/ are loaded on demand and reach core services only through types in src/types/: ' +
        'no import of any kind from the entries, tag/, identity/, events/, slots/ or loaders/.',
      severity: 'error',
      from: { path: folders('engine', 'debug') },
      to: { path: [...ENTRY, folders('tag'), CORE, folders('loaders')] },
    },
    {
      name: 'loaded-parts-apart',
      comment:
        'engine/, debug/ and codecs/ are separate on-demand files: between them, types only (a codec reaches ' +
        'the engine through the loaders).',
      severity: 'error',
      from: { path: folders('engine') },
      to: { path: folders('debug', 'codecs'), dependencyTypesNot: TYPES_ONLY },
    },
    {
      name: 'loaded-parts-apart',
      severity: 'error',
      from: { path: folders('debug') },
      to: { path: folders('engine', 'codecs'), dependencyTypesNot: TYPES_ONLY },
    },
    {
      name: 'on-demand-parts-stay-lazy',
      comment:
        'Beyond the written layout, so a warning: a static value import of engine/ or debug/ puts that code ' +
        "in the importer's bundle. Only loaders/ (by import()) and script-tag/parts/ (the on-demand files " +
        'themselves) take their values; everyone else takes types. Codecs are left out: the core uses them.',
      severity: 'warn',
      from: { path: '^src/', pathNot: folders('loaders', 'script-tag/parts', 'engine', 'debug') },
      to: { path: folders('engine', 'debug'), dependencyTypesNot: TYPES_ONLY },
    },
    {
      name: 'codecs-pure',
      comment:
        'Codecs are pure wire translation: they import only src/types/, their own folder and the pure ' +
        'shared modules in CODEC_ALLOWED. No npm package, no Node built-in, nothing with side effects.',
      severity: 'error',
      from: { path: folders('codecs') },
      to: { pathNot: [folders('codecs', 'types'), ...files(CODEC_ALLOWED)] },
    },
    {
      name: 'shared-only-down',
      comment: 'shared/ is used everywhere, so it imports only shared/, types/ and npm packages.',
      severity: 'error',
      from: { path: folders('shared') },
      to: { path: '^src/', pathNot: folders('shared', 'types') },
    },
    {
      name: 'types-only-types',
      comment: 'types/ holds declarations (and the error class) and imports nothing but other types/ files.',
      severity: 'error',
      from: { path: folders('types') },
      to: { pathNot: folders('types') },
    },

    // --- the server entry runs in Node ------------------------------------------------------------
    {
      name: 'server-not-browser',
      comment:
        'slotwise/server runs in Node: none of the browser-only folders, not even for types (it has shared/, ' +
        'codecs/, types/, and identity/ as server-identity-types-only allows).',
      severity: 'error',
      from: { path: folders('server') },
      to: { path: folders('slots', 'loaders', 'engine', 'debug', 'events', 'tag', 'script-tag') },
    },
    {
      name: 'server-identity-types-only',
      comment: 'From identity/, slotwise/server takes types, and values only from SERVER_IDENTITY_VALUES_ALLOWED.',
      severity: 'error',
      from: { path: folders('server') },
      to: {
        path: folders('identity'),
        pathNot: files(SERVER_IDENTITY_VALUES_ALLOWED),
        dependencyTypesNot: TYPES_ONLY,
      },
    },

    // --- whole of src -----------------------------------------------------------------------------
    {
      name: 'src-not-to-dev-folders',
      comment: 'Shipped code never imports tests, browser tests, the demo or the benchmarks.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|e2e|demo|bench)/' },
    },
    {
      name: 'src-known-folders',
      comment:
        'Every rule here is keyed to a folder of the layout; a module outside them would escape all of them. ' +
        'Place it in a layer (or add its folder to KNOWN and to the rules).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/index[.]ts$', folders(...KNOWN)] },
      to: {},
    },
    {
      name: 'src-known-folders',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: ['^src/index[.]ts$', folders(...KNOWN)] },
    },
    {
      name: 'no-module-cycle',
      comment: 'No module reaches itself through its imports (type-only imports included).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'No folder imports a folder that imports it back, directly or around a longer loop.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
