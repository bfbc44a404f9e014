// Every npm entry the build makes (rollup.config.mjs, `entries`) is one package.json can reach:
// an `exports` subpath whose `import` and `require` each name their declarations and their file,
// and, for resolvers that predate `exports` (TypeScript's node10, older bundlers), a
// `<name>/package.json` that points at the same files and ships with the package. publint and
// arethetypeswrong then check what these files hold (`npm run check:package`); attw skips the one
// export that is no module, `./hide-before-paint.css`, which has no types to resolve.
//   node scripts/check-entries.mjs          exits 1 and says what is missing
import { existsSync, readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { entries } from '../rollup.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const json = (path) => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
const pkg = json('package.json');
const problems = [];
const expect = (ok, message) => ok || problems.push(message);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

for (const { name } of entries) {
  const main = name === pkg.name;
  const subpath = main ? '.' : `./${name}`;
  const files = (format, types) => ({ types: `./dist/${name}.${types}`, default: `./dist/${name}.${format}` });
  const conditions = { import: files('mjs', 'd.mts'), require: files('cjs', 'd.cts') };
  expect(
    same(pkg.exports?.[subpath], conditions),
    `package.json: "exports"["${subpath}"] should be ${JSON.stringify(conditions)}`,
  );
  const legacy = {
    main: conditions.require.default,
    module: conditions.import.default,
    types: conditions.require.types,
  };
  if (main) {
    for (const [field, path] of Object.entries(legacy))
      expect(pkg[field] === path, `package.json: "${field}" should be "${path}"`);
  } else {
    const stub = `${name}/package.json`;
    const up = (path) => path.replace('./', '../');
    expect(
      existsSync(`${root}${stub}`) &&
        same(json(stub), { private: true, main: up(legacy.main), module: up(legacy.module), types: up(legacy.types) }),
      `${stub} should be { "private": true, "main": "${up(legacy.main)}", "module": "${up(legacy.module)}", "types": "${up(legacy.types)}" }`,
    );
    expect(pkg.files.includes(stub), `package.json: "files" should list "${stub}"`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`entries: ${entries.map(({ name }) => name).join(', ')}: exported for import, require and node10`);
