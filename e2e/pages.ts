// Test pages that load the built tag exactly as a site would: the paste-in snippet from
// dist/snippet.min.js (pointed at /dist/slotwise.min.js), then whatever the test puts after it.
// Pages are written to e2e/.tmp/pages/ (gitignored), which the sandbox serves under /e2e/.tmp/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nanoid } from 'nanoid';

const dir = fileURLToPath(new URL('./.tmp/pages/', import.meta.url));
const snippetFile = fileURLToPath(new URL('../dist/snippet.min.js', import.meta.url));

export interface PageSpec {
  /** Attributes of the snippet's script tag, e.g. `data-client-key="k"`. */
  snippetAttributes?: string;
  /** HTML after the snippet (inline scripts calling `slotwise(…)`, links, …). */
  body?: string;
  /** Paste the snippet twice. */
  twice?: boolean;
  /** Response headers the sandbox sends with the page (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
  /** The nonce for the snippet's script. */
  nonce?: string;
  /** What the <head> holds instead of the snippet (a plain script tag, a style). */
  head?: string;
}

export function snippet(): string {
  return readFileSync(snippetFile, 'utf8').replace('"/slotwise.min.js"', '"/dist/slotwise.min.js"');
}

/** Writes a page and returns its path on the sandbox (give it to `siteUrl`). */
export function writePage(spec: PageSpec, name = nanoid(8)): string {
  mkdirSync(dir, { recursive: true });
  const nonce = spec.nonce ? ` nonce="${spec.nonce}"` : '';
  const tag = `<script${nonce} ${spec.snippetAttributes ?? ''}>${snippet()}</script>`;
  if (spec.headers) writeFileSync(`${dir}${name}.html.headers.json`, JSON.stringify(spec.headers));
  writeFileSync(
    `${dir}${name}.html`,
    `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${name}</title>${spec.head ?? tag + (spec.twice ? tag : '')}</head><body>${spec.body ?? ''}</body></html>`,
  );
  return `/e2e/.tmp/pages/${name}.html`;
}

/** An inline script that initializes the tag with these options (and anything else after it). */
export const initScript = (options: Record<string, unknown>, then = '') =>
  `<script>slotwise('init', ${JSON.stringify(options)});${then}</script>`;
