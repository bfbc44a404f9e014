// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../src/shared/options';
import type { TagOptions } from '../src/types/options';

const valid: TagOptions = { clientKey: 'key', target: 'https://api.example/', pointOfSale: 'shop', currency: 'gbp' };

describe('options', () => {
  it('fills defaults and normalizes', () => {
    document.documentElement.lang = 'fr-CA';
    expect(resolveOptions({ ...valid, currency: 'eur', cookieExpiryDays: 900 })).toMatchObject({
      target: 'https://api.example',
      channel: 'WEB',
      language: 'FR',
      currency: 'EUR',
      cookieDomain: 'auto',
      cookieExpiryDays: 400,
      consent: 'granted',
      browserId: 'server',
      transport: 'stream',
    });
  });

  it.each([
    [{ clientKey: '' }, 'clientKey'],
    [{ clientKey: 'a;b' }, 'clientKey'],
    [{ target: 'ftp://x' }, 'target'],
    [{ pointOfSale: ' ' }, 'pointOfSale'],
    [{ channel: 'TV' }, 'channel'],
    [{ language: 'english' }, 'language'],
    [{ currency: 'euro' }, 'currency'],
    [{ currency: undefined }, 'currency'],
    [{ currency: '' }, 'currency'],
    [{ consent: 'maybe' }, 'consent'],
    [{ transport: 'carrier pigeon' }, 'transport'],
    [{ cookieExpiryDays: -1 }, 'cookieExpiryDays'],
    [{ target: '//other.example' }, 'target'],
    [{ cookieDomain: 'a b' }, 'cookieDomain'],
  ])('names the bad option %o', (bad, name) => {
    expect(() => resolveOptions({ ...valid, ...(bad as object) })).toThrow(new RegExp(`option "${name}" must be`));
  });

  it('ignores options it does not know and treats undefined as not given', () => {
    const settings = resolveOptions({ ...valid, channel: undefined, maxAttempts: 'x' } as never);
    expect(settings).toMatchObject({ channel: 'WEB', maxAttempts: 10 });
  });

  it("checks the decision APIs' options and warns about credentials meant for a server", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const settings = resolveOptions({
      ...valid,
      placements: { target: 'https://recs.example/', apiKey: 'k', apiClientKey: 'c' },
      offers: { target: '/offers', identityNamespace: 'Slotwise', apiKey: 'secret' } as never,
    });
    expect(settings.placements).toEqual({ target: 'https://recs.example', apiKey: 'k', apiClientKey: 'c' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('never put API keys'));
    expect(() => resolveOptions({ ...valid, placements: { target: '/recs' } as never })).toThrow(
      /option "placements.apiKey" must be/,
    );
    expect(() => resolveOptions({ ...valid, offers: 'yes' as never })).toThrow(/option "offers" must be an object/);
    warn.mockRestore();
  });

  it('rejects a missing options object', () => {
    expect(() => resolveOptions(undefined as never)).toThrow(/option "options" must be an object/);
  });
});
