// The report: bench/results/latest.md (tables, every comparison a ratio from the same run) and
// bench/results/latest.svg (the headline ratios as bars).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './lib/sandbox.mjs';
import { ratio, show } from './lib/stats.mjs';

const kb = (bytes) => (bytes / 1000).toFixed(1);

/** @param {any} r the run's results */
export function writeReport(r) {
  const dir = join(repo, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), markdown(r));
  writeFileSync(join(dir, 'latest.svg'), chart(headline(r)));
}

/**
The figures the README quotes: peers' size and time over Slotwise's. Sizes are over what a page
with flow slots downloads (script tag, slot engine, flows codec): the job Engage's init and
personalize do.
*/
export function headline(r) {
  const ours = r.size.slotwise[1];
  const bars = r.size.peers.map((p) => ({ label: `size: ${p.name.split(' ')[0]}`, value: p.gzip / ours.gzip }));
  for (const latencyMs of [50, 200]) {
    const at = (variant) => r.content.find((c) => c.latencyMs == latencyMs && c.count == 10 && c.variant == variant);
    const engage = at('engage-flows'),
      placements = at('slotwise-placements'),
      flows = at('slotwise-flows');
    if (engage && placements)
      bars.push({
        label: `time, 10 slots, L=${latencyMs}: Engage ÷ Slotwise placements`,
        value: engage.first.median / placements.first.median,
      });
    if (engage && flows)
      bars.push({
        label: `time, 10 slots, L=${latencyMs}: Engage ÷ Slotwise flows`,
        value: engage.first.median / flows.first.median,
      });
  }
  return bars;
}

function markdown(r) {
  const lines = [];
  const out = (...l) => lines.push(...l);
  const [script, withFlows] = r.size.slotwise;
  out(
    `# Slotwise benchmarks`,
    '',
    `Run ${r.startedAt} on ${r.machine}, ${r.browser}, Node ${process.versions.node}; ${r.trials} trials per timed figure (${r.navTrials} for navigate-away).`,
    'Reproduce with `npm run bench` (`npm run bench -- --quick` for 3 trials). Times are medians in ms with the interquartile range in brackets;',
    "a ratio is the peer's figure over Slotwise's, both from this run. Absolute times on a shared machine are noisy; the ratios are the result.",
    '',
  );

  out(
    '## 1. Size',
    '',
    'Bytes as a page downloads them: min, gzip -9 and brotli (quality 11). Peers are bundled from npm in this run with esbuild (`--bundle --minify`, ES2020); for ESM bundles the entry and the chunks it imports statically count.',
    '',
    '| artifact | min | gzip | brotli | gzip ÷ Slotwise script tag | gzip ÷ Slotwise page with flow slots | brotli ÷ Slotwise page with flow slots |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of [...r.size.slotwise, ...r.size.peers])
    out(
      `| ${s.name} | ${s.min} | ${s.gzip} | ${s.brotli} | ${ratio(s.gzip, script.gzip)} | ${ratio(s.gzip, withFlows.gzip)} | ${ratio(s.brotli, withFlows.brotli)} |`,
    );
  out('');

  out(
    '## 2. Time to personalized content',
    '',
    'From navigation start to every slot filled, in Debian Chromium via Playwright. The page is on `localhost`, the API on `127.0.0.1` (cross-origin, as on a real site); the sandbox adds L ms to every API call. First visit: a new browser (no cookies). Returning: the next page load in the same browser. Slotwise loads through the paste-in snippet; the Engage page runs `init` → `pageView` → `personalize` per slot and writes the returned HTML itself. API requests are those the API saw during one page view once it had settled (its events and pings included), medians over the trials: decision calls, event calls, the rest (browser id, tracking pings) and CORS preflights; they show what the page cost the API, not what it waited for. The sandbox adds L to preflights too, as a network would.',
    '',
    '| L | slots | page | first visit | returning | first − L | Engage ÷ this, first / returning | API requests, first visit: decisions + events + other (preflights) | returning |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |',
  );
  for (const c of r.content) {
    const engage = r.content.find(
      (e) => e.latencyMs == c.latencyMs && e.count == c.count && e.variant == 'engage-flows',
    );
    const n = (x) => `${x.decisions} + ${x.events} + ${x.other} (${x.preflights})`;
    const vsEngage =
      c.variant == 'engage-flows'
        ? '–'
        : `${ratio(engage.first.median, c.first.median)} / ${ratio(engage.returning.median, c.returning.median)}`;
    out(
      `| ${c.latencyMs} | ${c.count} | ${c.label} | ${show(c.first)} | ${show(c.returning)} | ${(c.first.median - c.latencyMs).toFixed(0)} | ${vsEngage} | ${n(c.counts.first)} | ${n(c.counts.returning)} |`,
    );
  }
  out('');

  out(
    '## 3. Event delivery',
    '',
    'Same sandbox, no added latency. Call cost: the synchronous main-thread time of one custom-event call, averaged over 200 calls per trial. Burst: 1,000 custom events called at once, timed until the sandbox had stored them all. Navigate away: an ADD, then `location.href` to a page without any tag in the same task, for a returning visitor.',
    '',
    '| library | call cost (µs) | burst: stored, time (ms), requests (preflights) | navigate away: ADDs delivered |',
    '| --- | ---: | --- | ---: |',
  );
  for (const e of r.events)
    out(
      `| ${e.lib} | ${show(e.callCostUs, 1)} | ${e.burst.stored}/${e.burst.events}, ${e.burst.drainMs}, ${e.burst.requests} (${e.burst.preflights}) | ${e.navigateAway.delivered}/${e.navigateAway.trials} |`,
    );
  if (r.events.every((e) => e.navigateWithinSite)) {
    const site = (t) => `${t.once} / ${t.twice} / ${t.lost}`;
    out(
      '',
      "To the next page of the site, which has the tag too, against a sandbox that stores every request (as Sitecore's event API does): how many ADDs were stored once / twice / not at all, out of the trials; then the same when the API fails the request with a 503 0.4 s later, after its page is gone (the residual window the README names).",
      '',
      '| library | within the site | the API failing after the page left |',
      '| --- | --- | --- |',
    );
    for (const e of r.events)
      out(`| ${e.lib} | ${site(e.navigateWithinSite.ok)} | ${site(e.navigateWithinSite.apiFailsAfterLeaving)} |`);
  }
  const [sw, en] = ['slotwise', 'engage'].map((lib) => r.events.find((e) => e.lib == lib));
  if (sw && en)
    out(
      '',
      `Engage ÷ Slotwise: call cost ${ratio(en.callCostUs.median, sw.callCostUs.median)}, burst time ${ratio(en.burst.drainMs, sw.burst.drainMs)}.`,
    );
  out('');

  out(
    '## 4. Layout and memory',
    '',
    `CLS while ${r.layout.clsSlots} flow slots are filled (L = 50 ms), slots with declared sizes (\`data-slotwise-size\` and the same \`min-height\` in the page's CSS; the Engage page has the same markup and CSS):`,
    '',
    '| library | CLS |',
    '| --- | ---: |',
  );
  for (const [lib, s] of Object.entries(r.layout.cls)) out(`| ${lib} | ${show(s, 3)} |`);
  const m = r.layout.memory;
  out(
    '',
    `Heap (after a forced garbage collection) before and after ${m.navigations} SPA route changes with \`slotwise('page')\` on a page with 10 placement slots: ${kb(m.beforeBytes)} kB → ${kb(m.afterBytes)} kB, growth ${kb(m.growthBytes)} kB (${(m.growthBytes / m.navigations).toFixed(0)} bytes per route change); ${m.decidedAtEnd} slots decided at the end${m.drained ? ', measured once the event queue had sent every impression' : '; the event queue had not drained within 3 minutes'}.`,
    '',
  );

  out('## Headline', '', '| figure | peer ÷ Slotwise |', '| --- | ---: |');
  for (const b of headline(r)) out(`| ${b.label} | ×${b.value.toFixed(2)} |`);
  out('', 'Above 1: Slotwise is smaller or faster; below 1: the peer is.', '');
  return lines.join('\n');
}

/** Horizontal bars around a line at ×1. @param {{ label: string, value: number }[]} bars */
function chart(bars) {
  const width = 760,
    row = 28,
    left = 360,
    scale = (width - left - 40) / Math.max(2, ...bars.map((b) => b.value));
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const items = bars.map((b, i) => {
    const y = 30 + i * row;
    const fill = b.value >= 1 ? '#2b8a3e' : '#c92a2a';
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text>
<rect x="${left}" y="${y + 4}" width="${(b.value * scale).toFixed(1)}" height="18" fill="${fill}"/>
<text x="${left + b.value * scale + 6}" y="${y + 17}">×${b.value.toFixed(2)}</text>`;
  });
  const height = 40 + bars.length * row;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="${width}" height="${height}" fill="#fff"/>
<text x="10" y="18" font-weight="bold">Peer ÷ Slotwise (above ×1: Slotwise smaller or faster), one run: bench/results/latest.md</text>
${items.join('\n')}
<line x1="${left + scale}" y1="26" x2="${left + scale}" y2="${height - 6}" stroke="#333" stroke-dasharray="4 3"/>
</svg>
`;
}
