// No DOM here: importing and calling Slotwise on a server must do nothing and throw nothing.
import { describe, expect, it } from 'vitest';

describe('server-side rendering', () => {
  it('imports the built ESM and CJS entries (through the package exports) without touching browser globals', async () => {
    const esm = await import('slotwise');
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)('slotwise') as typeof esm;
    for (const { createTag } of [esm, cjs]) {
      const tag = createTag({ clientKey: 'k', target: 'https://api.example', pointOfSale: 'p', currency: 'EUR' });
      expect(await tag.view()).toMatchObject({ ok: false, reason: 'blocked' });
      expect(await tag.browserId()).toMatchObject({ ok: false, reason: 'blocked' });
      expect(() => tag.destroy()).not.toThrow();
    }
  });

  it('still validates options, so mistakes show up in server logs', async () => {
    const { createTag, isSlotwiseError } = await import('slotwise');
    try {
      createTag({ clientKey: 'k', target: 'nope', pointOfSale: 'p', currency: 'EUR' });
      expect.unreachable();
    } catch (error) {
      expect(isSlotwiseError(error)).toBe(true);
      expect((error as Error).message).toMatch(/option "target"/);
    }
  });
});
