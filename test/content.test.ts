// @vitest-environment jsdom
// Content into slots. jsdom, because DOMPurify (the fallback sanitizer for browsers without
// Element.setHTML) needs a faithful DOM; e2e/render.spec.ts covers setHTML in Chromium.
import { describe, expect, it } from 'vitest';
import { MAX_SLOT_HTML, prepare, safeUrl } from '../src/engine/content';
import { coreServices } from './helpers/core';

const core = coreServices();
import type { Content } from '../src/types/decision';

const fill = async (el: HTMLElement, content: Content, html: 'sanitize' | 'trusted') =>
  el.replaceChildren(...(await prepare(core, content, html, '')));

const el = () => document.createElement('div');

describe('content', () => {
  it('builds creatives as elements: text stays text, only http(s) links and images are kept', async () => {
    const slot = el();
    await fill(
      slot,
      {
        kind: 'creative',
        items: [
          { imageUrl: '/a.png', href: 'https://shop.example/sale', alt: 'Sale', text: '<img src=x onerror=alert(1)>' },
          { imageUrl: 'javascript:alert(1)', href: 'javascript:alert(1)', text: 'second' },
          { imageUrl: 'data:image/svg+xml,<svg onload=alert(1)>', size: '300x250' },
        ],
      },
      'sanitize',
    );
    const [first, second, third] = [...slot.children] as HTMLElement[];
    expect(first!.tagName).toBe('A');
    expect(first!.getAttribute('href')).toBe('https://shop.example/sale');
    expect(first!.getAttribute('rel')).toBe('noopener');
    expect(first!.querySelector('img')!.getAttribute('alt')).toBe('Sale');
    expect(first!.querySelector('span')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(first!.querySelectorAll('[onerror]')).toHaveLength(0);
    expect(second!.tagName).toBe('DIV');
    expect(second!.querySelector('img')).toBeNull();
    expect(third!.querySelector('img')).toBeNull();
    expect(safeUrl('//evil.example/x')).toBe('https://evil.example/x'.replace('https:', location.protocol));
  });

  it('names every creative link: its alt, else its text (the image then decorative), else the decision, else where it goes', async () => {
    const image = 'https://cdn.example/a.png';
    const href = 'https://shop.example/sale';
    const links = await prepare(
      core,
      {
        kind: 'creative',
        items: [
          { imageUrl: image, href, alt: 'Spring sale', text: '20% off' },
          { imageUrl: image, href, text: 'Trail season' },
          { imageUrl: image, href },
          { imageUrl: image },
        ],
      },
      'sanitize',
      '',
      'inline',
      'home_page.a',
      'Spring Sale 2025',
    );
    expect(links.map((link) => (link as HTMLElement).querySelector('img')!.getAttribute('alt'))).toEqual([
      'Spring sale',
      '', // the link's text names it, once
      'Spring Sale 2025',
      'Spring Sale 2025',
    ]);
    const [nameless] = await prepare(core, { kind: 'creative', items: [{ imageUrl: image, href }] }, 'sanitize', '');
    expect((nameless as HTMLElement).querySelector('img')!.getAttribute('alt')).toBe(href);
  });

  it('names a creative link even when the API sends an empty or blank alt and no text', async () => {
    const image = 'https://cdn.example/a.png';
    const href = 'https://shop.example/sale';
    const nodes = await prepare(
      core,
      {
        kind: 'creative',
        items: [
          { imageUrl: image, href, alt: '' },
          { imageUrl: image, href, alt: '  ', text: ' ' },
          { imageUrl: image, alt: '' },
        ],
      },
      'sanitize',
      '',
      'inline',
      'home_page.a',
      'Spring Sale 2025',
    );
    expect(nodes.map((node) => (node as HTMLElement).querySelector('img')!.getAttribute('alt'))).toEqual([
      'Spring Sale 2025',
      'Spring Sale 2025',
      '', // not a link: an image the API says is decorative stays so
    ]);
  });

  it('sanitizes returned HTML by default and inserts it as is only when trusted', async () => {
    const payload =
      '<p>Hi<script>window.pwned=1</script><img src="x" onerror="window.pwned=1"><a href="javascript:alert(1)">x</a></p>';
    const safe = el();
    await fill(safe, { kind: 'html', html: payload }, 'sanitize');
    expect(safe.innerHTML).not.toMatch(/script|onerror|javascript:/);
    expect(safe.textContent).toContain('Hi');
    const trusted = el();
    await fill(trusted, { kind: 'html', html: '<b onclick="x()">own campaign</b>' }, 'trusted');
    expect(trusted.innerHTML).toBe('<b onclick="x()">own campaign</b>');
  });

  it('gives nothing to show when sanitizing leaves nothing, so the slot keeps its default', async () => {
    expect(
      await prepare(
        core,
        { kind: 'html', html: '<script>x()</script><img src=x onerror=y()>'.replace('<img src=x onerror=y()>', '') },
        'sanitize',
        '',
      ),
    ).toEqual([]);
    expect(await prepare(core, { kind: 'html', html: '<p>kept</p>' }, 'sanitize', '')).toHaveLength(1);
  });

  it('refuses HTML over the per-slot limit on every path, trusted and framed too, before any of it is parsed', async () => {
    const html = `<p>${'x'.repeat(MAX_SLOT_HTML)}</p>`;
    for (const [mode, render] of [
      ['sanitize', 'inline'],
      ['trusted', 'inline'],
      ['sanitize', 'iframe'],
    ] as const)
      await expect(
        prepare(core, { kind: 'html', html }, mode, '', render, 'home_page.a'),
        `${mode} ${render}`,
      ).rejects.toMatchObject({
        code: 'rejected',
        message: `${html.length} characters of HTML for slot home_page.a, over the limit of ${MAX_SLOT_HTML}`,
      });
    // Creatives are built as elements, whatever their text weighs.
    expect(
      await prepare(core, { kind: 'creative', items: [{ text: 'y'.repeat(MAX_SLOT_HTML * 2) }] }, 'sanitize', ''),
    ).toHaveLength(1);
  });
});
