// Static files: longest prefix wins, index.html, content types, no-store, no way out.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startSandbox, type Started } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'slotwise-static-'));
const site = join(root, 'site');
const dist = join(root, 'dist');
const pages = join(root, 'pages');
let sandbox: Started;

beforeAll(async () => {
  for (const dir of [site, dist, pages, join(site, 'shop')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'secret.txt'), 'do not serve');
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>site</title>');
  writeFileSync(join(site, 'shop', 'index.html'), '<title>shop</title>');
  writeFileSync(join(site, 'style.css'), 'body{}');
  writeFileSync(join(site, 'data.json'), '{}');
  writeFileSync(join(site, 'logo.svg'), '<svg/>');
  writeFileSync(join(site, 'has space.txt'), 'spaced');
  writeFileSync(join(dist, 'slotwise.min.js'), 'window.x=1');
  writeFileSync(join(dist, 'index.html'), 'dist index');
  writeFileSync(join(pages, 'engage.html'), '<title>engage</title>');
  symlinkSync(join(root, 'secret.txt'), join(site, 'link.txt'));
  sandbox = await startSandbox({ static: { '/dist/': dist, '/e2e/': pages, '/': site } });
});
afterAll(async () => {
  await sandbox.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('serving', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<!doctype html><title>site</title>'],
    ['/style.css', 'text/css; charset=utf-8', 'body{}'],
    ['/data.json', 'application/json; charset=utf-8', '{}'],
    ['/logo.svg', 'image/svg+xml', '<svg/>'],
    ['/has%20space.txt', 'text/plain; charset=utf-8', 'spaced'],
    ['/dist/slotwise.min.js', 'text/javascript; charset=utf-8', 'window.x=1'],
    ['/e2e/engage.html', 'text/html; charset=utf-8', '<title>engage</title>'],
    ['/shop/', 'text/html; charset=utf-8', '<title>shop</title>'],
    ['/dist/?v=1', 'text/html; charset=utf-8', 'dist index'],
  ])('GET %s', async (path, type, body) => {
    const res = await fetch(sandbox.url + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe(body);
  });

  it('redirects a directory without its slash, keeping the query', async () => {
    for (const [path, location] of [
      ['/shop?a=1', '/shop/?a=1'],
      ['/dist', '/dist/'],
    ]) {
      const res = await fetch(sandbox.url + path, { redirect: 'manual' });
      expect(res.status, path).toBe(301);
      expect(res.headers.get('location')).toBe(location);
    }
  });

  it('answers 404 for a missing file, and HEAD without a body', async () => {
    expect((await fetch(`${sandbox.url}/nope.html`)).status).toBe(404);
    expect((await fetch(`${sandbox.url}/dist/nope.js`)).status).toBe(404);
    const head = await raw(sandbox.url, 'HEAD', '/style.css');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('6');
    expect(head.body).toBe('');
  });
});

describe('path traversal', () => {
  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/etc/passwd',
    '/dist/../../secret.txt',
    '/dist/..%2f..%2fsecret.txt',
    '/e2e/%2e%2e%5csecret.txt',
    '/shop/%00.html',
  ])('refuses %s', async (path) => {
    const res = await raw(sandbox.url, 'GET', path);
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('do not serve');
  });

  it('refuses a symlink that leads outside the mount', async () => {
    const res = await raw(sandbox.url, 'GET', '/link.txt');
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('do not serve');
  });
});

it('without static mounts, only the API answers', async () => {
  const bare = await startSandbox();
  try {
    expect((await fetch(`${bare.url}/`)).status).toBe(404);
  } finally {
    await bare.dispose();
  }
});
