// Catalog feedback for the person editing it: a refused edit says where in the file (line and
// column, for syntax and schema errors alike), and a valid catalog lists what can never show and
// names that cannot be told apart, at GET /sandbox/catalog.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, CatalogError, CatalogWarning } from '../../demo/server/sandbox.mjs';
import { startSandbox, type Started } from './helpers';
import { FIXTURE, flow, newGuest, writeCatalog } from './decisions-fixture';

interface State {
  error: CatalogError | null;
  warnings: CatalogWarning[];
  catalog: Catalog;
}

let sandbox: Started;
let file: string;
const printed: string[] = [];
beforeAll(async () => {
  file = writeCatalog();
  sandbox = await startSandbox({ catalog: file, log: (line) => printed.push(line) });
});
afterAll(() => sandbox.dispose());

const state = async (): Promise<State> => (await fetch(`${sandbox.url}/sandbox/catalog`)).json();
/** The 1-based line and column of the first `needle` in `text`. */
const where = (text: string, needle: string) => {
  const at = text.indexOf(needle);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
};

describe('a refused edit', () => {
  it('a JSON syntax error: line and column, in the answer and the terminal; the last good catalog answers', async () => {
    const id = await newGuest(sandbox.url);
    const text = JSON.stringify(FIXTURE, null, 2).replace('"friendlyId": "landing",', '"friendlyId": "landing"');
    writeFileSync(file, text);
    const { error } = await state();
    // The comma is missing at the end of the friendlyId line: the next property is where it shows.
    const next = where(text.slice(text.indexOf('"friendlyId": "landing"')), '"variants"');
    const line = text.slice(0, text.indexOf('"friendlyId": "landing"')).split('\n').length + next.line - 1;
    expect(line).toBeGreaterThan(100);
    expect(error).toEqual({ message: 'not valid JSON: a comma is expected between items', line, column: next.column });
    expect(printed).toContainEqual(expect.stringContaining(`${file}:${error!.line}:${error!.column}: not valid JSON`));
    expect(await flow(sandbox.url, 'landing', id)).toEqual({ from: 'other page' });
  });

  it('a schema error points at the offending value, or at the object missing a field', async () => {
    const bad = structuredClone(FIXTURE) as unknown as { flows: Array<{ variants: Array<Record<string, unknown>> }> };
    bad.flows[8]!.variants[0]!.when = { audience: 'vip' };
    let text = JSON.stringify(bad, null, 2);
    writeFileSync(file, text);
    expect((await state()).error).toEqual({
      message:
        'flows[8].variants[0].when.audience: "vip" is not one of new, returning, has-cart, abandoned-cart, identified',
      ...where(text, '"vip"'),
    });

    delete bad.flows[8]!.variants[0]!.id;
    bad.flows[8]!.variants[0]!.when = { pageType: 'landing' };
    text = JSON.stringify(bad, null, 2);
    writeFileSync(file, text);
    const { error } = await state();
    expect(error!.message).toBe(
      'flows[8].variants[0]: needs an "id" (a slug such as "hero-cart": preview links name it)',
    );
    // The variant's opening brace.
    expect(error).toMatchObject(where(text, '{\n          "name": "Landing page"'));

    writeFileSync(
      file,
      JSON.stringify({
        placements: [{ placement: 'home_page.a', campaigns: [{ id: 'a b', campaign: 'A', creatives: [{}] }] }],
      }),
    );
    expect((await state()).error!.message).toContain('placements[0].campaigns[0].id: "a b" cannot be an id');
    writeFileSync(file, JSON.stringify(FIXTURE, null, 2));
    expect((await state()).error).toBeNull();
  });
});

describe('warnings', () => {
  it('a variant appended after one that matches everyone never shows; the others are not warned about', async () => {
    const edited = structuredClone(FIXTURE);
    edited.flows![8]!.variants.push({
      id: 'landing-members',
      name: 'Members on the landing page',
      when: { audience: 'identified' },
      response: { from: 'never' },
    });
    const text = JSON.stringify(edited, null, 2);
    writeFileSync(file, text);
    const { error, warnings: all } = await state();
    expect(error).toBeNull();
    const warnings = all.filter((w) => w.slot === 'landing');
    expect(warnings).toEqual([
      {
        path: 'flows[8].variants[2].id',
        ...where(text, '"landing-members"'),
        slot: 'landing',
        id: 'landing-members',
        message: 'never shows: variant other above it matches everyone (the first match wins)',
      },
    ]);
    expect(printed).toContainEqual(
      expect.stringContaining(
        `${file}:${warnings[0]!.line}:${warnings[0]!.column}: flows[8].variants[2].id: never shows`,
      ),
    );
  });

  it('a variant whose visitors the variants above it take between them never shows', async () => {
    const edited = structuredClone(FIXTURE);
    edited.flows![0]!.variants.push({ id: 'greet-anyone', name: 'Anyone', response: {} });
    edited.flows![0]!.variants.splice(2, 1); // without the utm variant, the five audiences are all taken
    writeFileSync(file, JSON.stringify(edited, null, 2));
    expect((await state()).warnings.filter((w) => w.slot === 'greeting')).toEqual([
      expect.objectContaining({
        slot: 'greeting',
        id: 'greet-anyone',
        message:
          'never shows: variants greet-cart, greet-member, greet-bag, greet-returning, greet-new above it already match everyone this one does (the first match wins)',
      }),
    ]);
  });

  it('placements: a campaign outranked by one for everyone; offers: a fallback that never shows; duplicate names', async () => {
    const edited = structuredClone(FIXTURE);
    const campaigns = edited.placements![0]!.campaigns;
    campaigns.push({ id: 'late', campaign: 'Default', score: 1, creatives: [{ ALT_TEXT: 'Late' }] });
    edited.offers![3]!.options.push({ id: 'o-everyone', name: 'For all', type: 'text', content: 'All' });
    writeFileSync(file, JSON.stringify(edited, null, 2));
    const { warnings } = await state();
    const mine = warnings.filter((w) => w.path.startsWith('placements[0]') || w.path.startsWith('offers[3]'));
    expect(mine.map(({ path, slot, id, message }) => ({ path, slot, id, message }))).toEqual([
      {
        path: 'placements[0].campaigns[3].id',
        slot: 'home_page.promo_1',
        id: 'late',
        message: 'never shows: campaign default (score 1) ranks above it (score 1) and matches everyone',
      },
      {
        path: 'placements[0].campaigns[3].campaign',
        slot: 'home_page.promo_1',
        id: 'late',
        message: 'same name as campaign default ("Default"): the preview cannot tell them apart',
      },
      {
        path: 'offers[3].fallback.id',
        slot: 'act-3',
        id: 'fb-3',
        message: 'never shows: option o-everyone matches everyone, so an option always qualifies',
      },
    ]);
  });

  it('the demo catalog says its second hero never shows through the shop’s home_hero* slot', async () => {
    const demo = await startSandbox();
    try {
      const { warnings }: State = await (await fetch(`${demo.url}/sandbox/catalog`)).json();
      expect(warnings).toEqual([
        expect.objectContaining({
          path: 'flows[1].friendlyId',
          slot: 'home_hero_2',
          id: null,
          message:
            'never shows through a fuzzy request such as home_hero*: flow home_hero comes first and has a variant for everyone',
        }),
      ]);
    } finally {
      await demo.dispose();
    }
  });
});

describe('where a refused edit is', () => {
  it('a key given twice: the one JSON reads (the last) is pointed at', async () => {
    const text = '{\n  "flows": [],\n  "placements": [],\n  "flows": 3\n}\n';
    writeFileSync(file, text);
    expect((await state()).error).toEqual({ message: 'flows: must be an array', line: 4, column: 12 });
    writeFileSync(file, JSON.stringify(FIXTURE, null, 2));
    expect((await state()).error).toBeNull();
  });

  it('a file saved with a byte order mark says so', async () => {
    writeFileSync(file, `\uFEFF${JSON.stringify(FIXTURE, null, 2)}`);
    expect((await state()).error).toEqual({
      message: 'not valid JSON: the file starts with a byte order mark (BOM); save it as UTF-8 without one',
      line: 1,
      column: 1,
    });
    writeFileSync(file, JSON.stringify(FIXTURE, null, 2));
    expect((await state()).error).toBeNull();
  });
});

describe('line endings', () => {
  it('lines are counted as editors do, whichever line ending the file has', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      writeFileSync(file, ['{', '  "flows": [],', '\t"placements": }'].join(eol));
      expect((await state()).error, JSON.stringify(eol)).toMatchObject({ line: 3, column: 16 });
      writeFileSync(file, JSON.stringify(FIXTURE, null, 2));
      expect((await state()).error).toBeNull();
    }
  });
});
