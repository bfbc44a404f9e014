// One screen on the dependency rule: which folder of src/ imports which (and how), then the
// violations by rule. Runs dependency-cruiser with .dependency-cruiser.cjs and reads its JSON
// result (the cruise result format in dependency-cruiser's documentation).
//   node scripts/deps-summary.mjs          exits 1 when any rule at severity 'error' is broken
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));

/** Top to bottom, as the dependency rule layers them; folders not named here come last. */
const LAYERS = ['index.ts', ...createRequire(import.meta.url)('./layers.cjs').FOLDERS];
LAYERS.splice(LAYERS.indexOf('script-tag') + 1, 0, 'script-tag/parts');

function cruise() {
  const run = spawnSync(
    process.execPath,
    [bin, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.error || !run.stdout) throw run.error ?? new Error(run.stderr);
  return JSON.parse(run.stdout);
}

/** The layout folder a path belongs to, or the npm package / Node built-in it names. */
function placeOf(path, dependency = {}) {
  if (dependency.coreModule) return `node:${path.replace(/^node:/, '')}`;
  const npm = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (npm) return `npm:${npm[1]}`;
  const inSrc = /^src\/(?:(script-tag\/parts)\/|([^/]+)\/|([^/]+)$)/.exec(path);
  if (inSrc) return inSrc[1] ?? inSrc[2] ?? inSrc[3];
  return `${path.split('/')[0]}/`;
}

const shortName = (path) => path.replace(/^src\//, '').replace(/\.ts$/, '');

/** 'types' vanish when compiled, 'lazy' is import() only, 'value' is a static import of code. */
function kindOf(dependency) {
  const types = dependency.dependencyTypes;
  if (types.includes('type-only') || types.includes('type-import')) return 'types';
  return types.includes('dynamic-import') ? 'lazy' : 'value';
}

function folderLines(modules) {
  const edges = new Map(); // from -> to -> { kinds, broken }
  for (const module of modules) {
    if (!module.source.startsWith('src/')) continue;
    const from = placeOf(module.source);
    const out = edges.get(from) ?? new Map();
    edges.set(from, out);
    for (const dependency of module.dependencies) {
      const to = placeOf(dependency.resolved, dependency);
      if (to === from) continue;
      const edge = out.get(to) ?? { kinds: new Set(), broken: false };
      edge.kinds.add(kindOf(dependency));
      edge.broken ||= dependency.valid === false;
      out.set(to, edge);
    }
  }
  const rank = (place) => (LAYERS.includes(place) ? LAYERS.indexOf(place) : LAYERS.length);
  const places = [...new Set([...LAYERS, ...edges.keys()])].sort((a, b) => rank(a) - rank(b));
  const width = Math.max(...places.map((place) => place.length));
  return places.map((place) => {
    const out = edges.get(place);
    if (!out) return `  ${place.padEnd(width)}  (no modules)`;
    const label = ([to, { kinds, broken }]) => {
      const how = kinds.has('value') ? '' : kinds.has('lazy') ? '(lazy)' : '(types)';
      return `${broken ? '!' : ''}${to}${how}`;
    };
    const sorted = [...out].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
    const inside = sorted.filter(([to]) => !to.includes(':')).map(label);
    const outside = sorted.filter(([to]) => to.includes(':')).map(label);
    const tail = outside.length > 0 ? `  · ${outside.join(' ')}` : '';
    return `  ${place.padEnd(width)}  → ${inside.join(' ') || '-'}${tail}`;
  });
}

/** A cycle as a loop of names, started at its smallest name so each loop is listed once. */
function loopOf(violation) {
  const names = [violation.from, ...violation.cycle.map((step) => step.name)].map(shortName);
  names.pop(); // the last step comes back to `from`
  const start = names.indexOf([...names].sort()[0]);
  const loop = [...names.slice(start), ...names.slice(0, start)];
  return [...loop, loop[0]].join(' → ');
}

function ruleLines(violations) {
  const byRule = new Map();
  for (const violation of violations) {
    const key = `${violation.rule.severity} ${violation.rule.name}`;
    const entry = byRule.get(key) ?? { count: 0, details: new Set() };
    entry.count += 1;
    // dependency-cruiser reports a cycle once from each of its members; the loop is listed once.
    if (violation.cycle) entry.details.add(loopOf(violation));
    else entry.details.add(`${shortName(violation.from)} → ${shortName(violation.to)}`);
    byRule.set(key, entry);
  }
  const lines = [];
  for (const [key, { count, details }] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${key} (${count})`);
    for (const detail of [...details].sort()) lines.push(`      ${detail}`);
  }
  return lines;
}

const result = cruise();
const { error, warn, violations, totalCruised } = result.summary;
const report = [
  'src/ by layer, top to bottom: folder → what it imports',
  '  (plain: value import; (types): type-only; (lazy): import() only; !: breaks a rule)',
  ...folderLines(result.modules),
  '',
  `${error} errors, ${warn} warnings in ${totalCruised} modules${violations.length > 0 ? ':' : ''}`,
  ...ruleLines(violations),
];
process.stdout.write(`${report.join('\n')}\n`);
process.exitCode = error > 0 ? 1 : 0;
