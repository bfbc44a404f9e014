// A larger chaos run than the one in `npm test` (e2e/chaos.spec.ts): more tabs, more events and a
// kill -9 of the API every few seconds, each time restarted on the same port and data.
// Writes bench/results/chaos.md.
//   npm run build && node bench/chaos.mjs [--tabs 8] [--every 100] [--seconds 40] [--kills 12]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launch } from './lib/browser.mjs';
import { repo } from './lib/sandbox.mjs';
import { chaosTable, runChaos } from '../e2e/chaos.mjs';

const { values } = parseArgs({
  options: {
    tabs: { type: 'string', default: '8' },
    every: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '40' },
    kills: { type: 'string', default: '12' },
  },
});
const tabs = Number(values.tabs);
const everyMs = Number(values.every);
const loadMs = Number(values.seconds) * 1000;
const n = Number(values.kills);
// Spread over the load, the last one well before it ends; down from 0.2 s to 2 s, in turn.
const downs = [200, 800, 2000, 400, 1200];
const kills = Array.from({ length: n }, (_, i) => ({
  atMs: Math.round(((i + 1) * (loadMs - 3000)) / (n + 1)),
  downMs: downs[i % downs.length],
}));

const browser = await launch();
try {
  const report = await runChaos(browser, { tabs, everyMs, loadMs, kills, log: console.log });
  const table = chaosTable(report);
  console.log(table);
  const dir = join(repo, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'chaos.md'),
    `${table}\nMeasured ${new Date().toISOString()}, ${report.seconds.toFixed(0)} s.\n`,
  );
  writeFileSync(join(dir, 'chaos.json'), JSON.stringify(report, null, 1));
  const bad =
    report.lost.length +
    report.duplicated.filter((d) => !d.atKill).length +
    report.unsettled.length +
    report.strays.length;
  process.exitCode = bad ? 1 : 0;
} finally {
  await browser.close();
}
