// npm run bench: Slotwise and its peers, measured side by side in one run, on this machine.
// Writes bench/results/latest.md and latest.svg (and latest.json, the raw figures).
//   node bench/run.mjs [--quick]   (--quick: 3 trials instead of 7, 10 navigate-away trials instead of 50)
import { cpus, release, totalmem, type } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './lib/browser.mjs';
import { blankPage } from './lib/pages.mjs';
import { bundleEngage, peerSizes, slotwiseSizes } from './lib/peers.mjs';
import { repo } from './lib/sandbox.mjs';
import { measureContent } from './content.mjs';
import { measureEvents } from './events.mjs';
import { measureLayout } from './layout.mjs';
import { writeReport } from './report.mjs';

const quick = process.argv.includes('--quick');
const trials = quick ? 3 : 7;
const navTrials = quick ? 10 : 50;
const log = (line) => console.log(line);

const startedAt = new Date().toISOString();
log(`Slotwise bench: ${trials} trials${quick ? ' (quick)' : ''}`);
const size = { slotwise: await slotwiseSizes(), peers: await peerSizes() };
for (const s of [...size.slotwise, ...size.peers]) log(`size ${s.name}: ${s.gzip} B gzip`);
await bundleEngage();
blankPage();

const browser = await launch();
try {
  const results = {
    startedAt,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${type()} ${release()}`,
    browser: `Chromium ${browser.version()}`,
    trials,
    navTrials,
    size,
    content: await measureContent(browser, { trials, log }),
    events: await measureEvents(browser, { trials, navTrials, log }),
    layout: await measureLayout(browser, { trials, log }),
  };
  const dir = join(repo, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 1));
  writeReport(results);
  log('Wrote bench/results/latest.md, latest.svg and latest.json');
} finally {
  await browser.close();
}
