// The README shows the paste-in snippet; it must be the one the build makes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('shows the current dist/snippet.min.js', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const snippet = readFileSync(new URL('../dist/snippet.min.js', import.meta.url), 'utf8').trim();
    expect(readme).toContain(snippet);
  });
});
