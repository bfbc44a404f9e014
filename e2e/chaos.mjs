// A chaos run: several tabs of one site send events without pause while the API's process is
// killed with SIGKILL and started again on the same port and data, then every event made is
// accounted for. `e2e/chaos.spec.ts` runs it in `npm test`; `bench/chaos.mjs` runs a larger one.
//
// "Acknowledged" is what the tag tells the page: `add()` resolving `{ ok: true }`, or a
// `delivered` event in the tab that sent it. "Stored" is what the restarted sandbox replays from
// its log. Lost = acknowledged and not stored; duplicated = stored more than once.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSite } from '../demo/server/site.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const entry = fileURLToPath(new URL('./chaos-sandbox.mjs', import.meta.url));
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The sandbox as a child process on a port and data directory that outlive it.
 * @param {string} dataDir
 */
function sandboxProcess(dataDir) {
  let port = 0;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  /** @type {string[]} */
  const warnings = [];

  /** Starts it; on the port of the first start, which a dying process may hold a moment longer. */
  async function start() {
    for (let attempt = 1; ; attempt++) {
      const proc = spawn(process.execPath, [entry, String(port), dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      proc.stderr.on('data', (chunk) => (err += chunk));
      const listening = await new Promise((resolve) => {
        let out = '';
        proc.stdout.on('data', (chunk) => {
          out += chunk;
          const m = /listening (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        proc.on('exit', () => resolve(0));
      });
      if (listening) {
        port = /** @type {number} */ (listening);
        child = proc;
        // What the sandbox says (the replay cutting off a torn last line, say) belongs in the report.
        const lines = (/** @type {string} */ text) => warnings.push(...text.split('\n').filter(Boolean));
        lines(err);
        proc.stderr.on('data', (chunk) => lines(String(chunk)));
        return;
      }
      if (attempt >= 50 || !/EADDRINUSE|in use/i.test(err)) throw new Error(`the sandbox did not start: ${err.trim()}`);
      await sleep(100);
    }
  }

  return {
    start,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    warnings,
    /** SIGKILL: no handler runs, nothing is flushed; resolves once the process is gone. */
    async kill() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null) return;
      const gone = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await gone;
    },
  };
}

/** The page every tab loads: the snippet, the tag's options, and a load generator. */
function writePage(dir, options) {
  const snippet = readFileSync(join(repo, 'dist', 'snippet.min.js'), 'utf8').replace(
    '"/slotwise.min.js"',
    '"/dist/slotwise.min.js"',
  );
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>chaos</title>
<script>${snippet}</script>
<script>
slotwise('init', ${JSON.stringify(options)});
// Everything this tab made and heard, read back by the runner.
const chaos = (window.chaos = { made: [], results: {}, delivered: [], errors: {} });
slotwise('on', 'delivered', (d) => chaos.delivered.push(d.eventId));
// An event's call may have resolved 'timeout' (still queued) before the tag gave up on it: the error says how.
slotwise('on', 'error', (d) => d.eventId && (chaos.errors[d.eventId] = { reason: d.error.code, message: d.error.message }));
chaos.start = (tab, everyMs) => {
  let seq = 0;
  chaos.timer = setInterval(() => {
    const label = tab + '-' + ++seq;
    chaos.made.push(label);
    slotwise('add', { item_id: label, price: 1 }).then((r) => {
      chaos.results[label] = { ok: r.ok, reason: r.reason, eventId: r.eventId, message: r.error && r.error.message };
    });
  }, everyMs);
};
chaos.stop = () => clearInterval(chaos.timer);
// A hidden tab sends its whole queue side by side (as when it may be left): worth knowing if it happened.
chaos.hidden = 0;
document.addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && chaos.hidden++);
chaos.unsettled = () => chaos.made.length - Object.keys(chaos.results).length;
chaos.queued = () => Object.keys(localStorage).filter((k) => k.includes(':q:')).map((k) => k.slice(k.lastIndexOf(':') + 1));
</script></head><body><p>chaos tab</p></body></html>`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'chaos.html'), html);
}

/** Every event record of the log, with the byte offset its line ends at. */
function logRecords(logPath) {
  const text = readFileSync(logPath);
  const records = [];
  let start = 0;
  for (let end = text.indexOf(10); end !== -1; start = end + 1, end = text.indexOf(10, start)) {
    try {
      const record = JSON.parse(text.subarray(start, end).toString('utf8'));
      if (record.kind === 'event') records.push({ end: end + 1, at: record.at, eventId: record.message?.ext?.eventId });
    } catch {
      // a torn line: the restart cut it off, nothing was acknowledged for it
    }
  }
  return records;
}

/**
 * @param {import('@playwright/test').Browser} browser
 * @param {import('./chaos.d.mts').ChaosOptions} [options]
 * @returns {Promise<import('./chaos.d.mts').ChaosReport>}
 */
export async function runChaos(browser, options = {}) {
  const {
    tabs = 4,
    everyMs = 50,
    loadMs = 12_000,
    kills = [
      { atMs: 3000, downMs: 500 },
      { atMs: 7000, downMs: 1500 },
    ],
    log = () => {},
  } = options;
  const began = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'slotwise-chaos-'));
  const pageDir = mkdtempSync(join(tmpdir(), 'slotwise-chaos-page-'));
  const sandbox = sandboxProcess(dataDir);
  await sandbox.start();
  const clientKey = `chaos${Date.now().toString(36)}`;
  writePage(pageDir, { clientKey, target: sandbox.url, pointOfSale: 'e2e/uk', currency: 'EUR', browserId: 'local' });
  const site = await createSite({ static: { '/dist/': join(repo, 'dist'), '/': pageDir } });
  const context = await browser.newContext();
  // How the kills looked from the browser: refused while down, cut off mid-request when caught in flight.
  /** @type {Record<string, number>} */
  const failedRequests = {};
  context.on('requestfailed', (request) => {
    if (!request.url().startsWith(sandbox.url)) return;
    const why = `${request.method()} ${request.failure()?.errorText ?? 'failed'}`;
    failedRequests[why] = (failedRequests[why] ?? 0) + 1;
  });
  try {
    const pageUrl = `http://localhost:${site.port}/chaos.html`;
    // The first tab makes the browser id; the others read it, so every event is one guest's.
    const pages = [];
    for (let i = 0; i < tabs; i++) {
      const page = await context.newPage();
      await page.goto(pageUrl);
      pages.push(page);
      if (i === 0) await page.evaluate(() => window.slotwise('browserId'));
    }
    const browserIds = await Promise.all(
      pages.map((p) => p.evaluate(async () => (await window.slotwise('browserId')).browserId)),
    );
    const browserId = browserIds[0];
    if (new Set(browserIds).size !== 1)
      throw new Error(`the tabs have different browser ids: ${browserIds.join(', ')}`);

    log(`chaos: ${tabs} tabs, an ADD every ${everyMs} ms each, for ${loadMs} ms; API ${sandbox.url}`);
    const loadStart = Date.now();
    await Promise.all(
      pages.map((p, i) => p.evaluate(([tab, every]) => window.chaos.start(tab, every), [`T${i + 1}`, everyMs])),
    );
    /** @type {import('./chaos.d.mts').Kill[]} */
    const killed = [];
    const logPath = join(dataDir, 'events.ndjson');
    for (const { atMs, downMs } of kills) {
      await sleep(Math.max(0, loadStart + atMs - Date.now()));
      const at = Date.now() - loadStart;
      const killedAt = new Date().toISOString();
      await sandbox.kill();
      // Nothing can write to the log until the restart: everything before this byte was written by the killed process.
      const logBytes = statSync(logPath, { throwIfNoEntry: false })?.size ?? 0;
      await sleep(downMs);
      const restartBegan = Date.now();
      await sandbox.start();
      killed.push({
        atMs: at,
        killedAt,
        downMs,
        logBytes,
        restartMs: Date.now() - restartBegan,
        upAt: new Date().toISOString(),
      });
      log(`chaos: killed at ${at} ms, down ${downMs} ms, restarted in ${Date.now() - restartBegan} ms`);
    }
    await sleep(Math.max(0, loadStart + loadMs - Date.now()));
    await Promise.all(pages.map((p) => p.evaluate(() => window.chaos.stop())));
    const loadEnd = Date.now();

    // Drain: each tab sends what is left (skipping a backoff wait) until the queue is empty and
    // every call has resolved (the tag resolves each within its 15 s delivery timeout, queued or not).
    const drainBy = Date.now() + 45_000;
    for (const page of pages) {
      while (
        Date.now() < drainBy &&
        (await page.evaluate(() => window.chaos.queued().length + window.chaos.unsettled())) > 0
      ) {
        await page.evaluate(() => void window.slotwise('flush'));
        await sleep(200);
      }
    }
    const tabState = await Promise.all(
      pages.map((p) => p.evaluate(() => ({ ...window.chaos, queuedNow: window.chaos.queued() }))),
    );
    const drainMs = Date.now() - loadEnd;

    const res = await fetch(`${sandbox.url}/sandbox/guests/${encodeURIComponent(browserId)}`);
    const timeline = res.ok ? await res.json() : { events: [] };
    return tally({
      tabs,
      everyMs,
      loadMs,
      killed,
      failedRequests,
      tabState,
      timeline,
      records: logRecords(logPath),
      warnings: sandbox.warnings,
      drainMs,
      seconds: (Date.now() - began) / 1000,
    });
  } finally {
    await context.close().catch(() => {});
    await sandbox.kill();
    await site.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pageDir, { recursive: true, force: true });
  }
}

/** How the tag reported an event it gave up on, in a few words. */
const howReported = (/** @type {{ reason: string, message?: string }} */ { reason, message = '' }) =>
  /queue is full/.test(message)
    ? `${reason} (the queue overflowed)`
    : /after \d+ attempts/.test(message)
      ? `${reason} (out of attempts)`
      : /not sent again/.test(message)
        ? `${reason} (unconfirmed, not sent again)`
        : reason;

/** Puts every event made in exactly one row. */
function tally({
  tabs,
  everyMs,
  loadMs,
  killed,
  failedRequests,
  tabState,
  timeline,
  records,
  warnings,
  drainMs,
  seconds,
}) {
  const made = tabState.flatMap((t) => t.made);
  /** label → what its call resolved to */
  const results = Object.assign({}, ...tabState.map((t) => t.results));
  const delivered = new Set(tabState.flatMap((t) => t.delivered));
  const queued = new Set(tabState.flatMap((t) => t.queuedNow));
  /** eventId → the error a tab reported when it gave up on it */
  const errors = Object.assign({}, ...tabState.map((t) => t.errors));
  /** label → event ids of its stored copies, and when each was stored */
  const stored = new Map();
  const receivedAt = new Map();
  for (const e of timeline.events.filter((e) => e.type === 'ADD')) {
    const label = e.message.product.item_id;
    stored.set(label, [...(stored.get(label) ?? []), e.message.ext.eventId]);
    receivedAt.set(label, [...(receivedAt.get(label) ?? []), e.receivedAt]);
  }
  // The one request a kill can catch after it was stored and before its answer was sent is the
  // last event the killed process wrote (one request is in flight at a time).
  const lastBeforeKill = new Set(killed.map((k) => records.filter((r) => r.end <= k.logBytes).at(-1)?.eventId));
  // How long after each restart the tabs' events were being stored again.
  for (const k of killed) {
    const next = records.find((r) => r.end > k.logBytes);
    k.resumedMs = next ? Math.max(0, next.at - Date.parse(k.upAt)) : null;
  }

  let acknowledged = 0;
  let once = 0;
  const lost = [];
  const duplicated = [];
  const storedUnacknowledged = [];
  const unsettled = [];
  /** reason the tag gave (or 'still queued') → count */
  const neither = {};
  for (const label of made) {
    const result = results[label];
    if (!result) unsettled.push(label);
    const acked = !!result && (result.ok || delivered.has(result.eventId));
    if (acked) acknowledged++;
    const copies = stored.get(label) ?? [];
    if (copies.length > 1) {
      // Where the copies sit in the log, against where each kill cut it: for the report.
      const at = records.flatMap((r, i) => (r.eventId === copies[0] ? [i] : []));
      const kills = killed.map((k) => records.filter((r) => r.end <= k.logBytes).length);
      // Which tabs heard the API acknowledge it, once per acknowledgement: two, and two tabs sent it.
      const deliveredBy = tabState.flatMap((t, i) =>
        t.delivered.filter((id) => id === copies[0]).map(() => `T${i + 1}`),
      );
      duplicated.push({
        label,
        copies: copies.length,
        acknowledged: acked,
        reason: result?.reason,
        atKill: lastBeforeKill.has(copies[0]),
        logIndex: at,
        killIndex: kills,
        receivedAt: receivedAt.get(label),
        deliveredBy,
      });
    } else if (copies.length === 1)
      acked ? once++ : storedUnacknowledged.push({ label, reason: result ? howReported(result) : 'unsettled' });
    else if (acked) lost.push(label);
    else {
      // A call resolves 'timeout' after 15 s and its event stays queued: what became of it is the
      // error a tab reported later, or, with none, it left the queue unreported.
      const how = !result
        ? 'unsettled'
        : queued.has(result.eventId)
          ? 'still queued'
          : errors[result.eventId]
            ? howReported(errors[result.eventId])
            : result.reason === 'timeout' && !/not sent again/.test(result.message ?? '')
              ? 'timeout, then gone from the queue unreported'
              : howReported(result);
      neither[how] = (neither[how] ?? 0) + 1;
    }
  }
  const madeSet = new Set(made);
  return {
    tabs,
    everyMs,
    loadMs,
    kills: killed,
    failedRequests,
    seconds,
    drainMs,
    warnings,
    hidden: tabState.reduce((n, t) => n + t.hidden, 0),
    made: made.length,
    acknowledged,
    stored: [...stored.values()].reduce((n, c) => n + c.length, 0),
    storedDistinct: stored.size,
    logEvents: records.length,
    once,
    lost,
    duplicated,
    storedUnacknowledged,
    neither,
    unsettled,
    strays: [...stored.keys()].filter((label) => !madeSet.has(label)),
  };
}

/**
 * The report as a Markdown table.
 * @param {import('./chaos.d.mts').ChaosReport} r
 */
export function chaosTable(r) {
  const neither =
    Object.entries(r.neither)
      .map(([how, n]) => `${n} ${how}`)
      .join(', ') || '0';
  const atKill = r.duplicated.filter((d) => d.atKill).length;
  return [
    `Chaos run: ${r.tabs} tabs of one site, an ADD every ${r.everyMs} ms in each for ${(r.loadMs / 1000).toFixed(0)} s, ` +
      `the API's process killed (SIGKILL) ${r.kills.length} times and restarted on the same port and data ` +
      `(${r.kills.map((k) => `at ${(k.atMs / 1000).toFixed(1)} s, down ${(k.downMs / 1000).toFixed(1)} s`).join('; ')}); drained in ${(r.drainMs / 1000).toFixed(1)} s.`,
    '',
    `Events were stored again ${r.kills.map((k) => (k.resumedMs == null ? 'never' : `${(k.resumedMs / 1000).toFixed(1)} s`)).join(', ')} after each restart. ` +
      `Requests to the API that failed in the browser: ${
        Object.entries(r.failedRequests)
          .map(([why, n]) => `${n} ${why}`)
          .join(', ') || 'none'
      }.`,
    '',
    '| events | count |',
    '| --- | ---: |',
    `| made | ${r.made} |`,
    `| acknowledged by the tag | ${r.acknowledged} |`,
    `| acknowledged and stored once | ${r.once} |`,
    `| stored by the sandbox, after its restarts (distinct) | ${r.stored} (${r.storedDistinct}) |`,
    `| **lost** (acknowledged, not stored) | ${r.lost.length} |`,
    `| **duplicated** (stored more than once) | ${r.duplicated.length}${r.duplicated.length ? ` (${atKill} stored by a killed process just before it died, its answer never sent)` : ''} |`,
    `| stored, not acknowledged | ${r.storedUnacknowledged.length} |`,
    `| neither acknowledged nor stored | ${neither} |`,
    `| calls that never settled | ${r.unsettled.length} |`,
    '',
  ].join('\n');
}
