// The README shows the paste-in snippet and quotes sizes: both must be what the build makes, and
// every size it quotes must be within the budget package.json sets for that file.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url));
const readme = read('README.md').toString();
const budgets = JSON.parse(read('package.json').toString())['size-limit'] as {
  path: string;
  limit: string;
  gzip: boolean;
}[];
/** size-limit's units: kB = 1000 bytes. */
const bytesOf = (limit: string) => {
  const [, n, unit] = /^([\d.]+)\s*(kB|B)$/.exec(limit)!;
  return Number(n) * (unit == 'kB' ? 1000 : 1);
};

// What the README says → the file it is about.
const QUOTES: [RegExp, string][] = [
  [/The script tag is ([\d.]+) kB min\+gzip/, 'dist/slotwise.min.js'],
  [/slot engine \(([\d.]+) kB\)/, 'dist/slotwise-slots.min.js'],
  [/flows \(([\d.]+) kB\)/, 'dist/slotwise-flows.min.js'],
  [/placements \(([\d.]+) kB\)/, 'dist/slotwise-placements.min.js'],
  [/offers \(([\d.]+) kB\)/, 'dist/slotwise-offers.min.js'],
  [/DOMPurify \(([\d.]+) kB\)/, 'dist/slotwise-sanitize.min.js'],
  [/sandboxed-frame renderer \(([\d.]+) kB\)/, 'dist/slotwise-frame.min.js'],
];

describe('README', () => {
  it('shows the current dist/snippet.min.js, and its size', () => {
    const snippet = read('dist/snippet.min.js').toString().trim();
    expect(readme).toContain(snippet);
    expect(readme).toContain(`snippet is ${read('dist/snippet.min.js').length} bytes`);
  });

  it.each(QUOTES)('quotes %s as the build measures it, within its budget', (quote, file) => {
    const quoted = Number(quote.exec(readme)?.[1]) * 1000;
    const measured = gzipSync(read(file), { level: 9 }).length;
    // Quoted to a tenth of a kB; gzip tools differ by a few dozen bytes.
    expect(
      Math.abs(quoted - measured),
      `${file}: README says ${quoted} B, gzip -9 gives ${measured} B`,
    ).toBeLessThanOrEqual(100);
    const budget = budgets.find((b) => b.path == file);
    expect(budget, `${file} has a budget in package.json`).toBeDefined();
    expect(quoted).toBeLessThanOrEqual(bytesOf(budget!.limit));
  });
});
