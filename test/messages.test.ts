import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/shared/options';
import {
  addMessage,
  customMessage,
  forceCloseMessage,
  identityMessage,
  pageName,
  viewMessage,
} from '../src/events/messages';
import { utmParams } from '../src/codecs/sitecore';

const settings = resolveOptions({
  clientKey: 'key123',
  target: 'https://api.example',
  pointOfSale: 'shop/uk',
  currency: 'gbp',
  language: 'en',
});
const ctx = { url: 'https://shop.example/shoes/sneakers?utm_source=news&UTM_Campaign=spring&q=1', eventId: 'ev1' };
const base = { channel: 'WEB', language: 'EN', currency: 'GBP', pos: 'shop/uk', client_key: 'key123' };

describe('event messages (Sitecore CDP REST API wire)', () => {
  it('VIEW carries the base fields, utm_* from the URL and the page name', () => {
    expect(viewMessage(settings, ctx)).toEqual({
      type: 'VIEW',
      ...base,
      page: 'sneakers',
      utm_source: 'news',
      utm_campaign: 'spring',
      ext: { eventId: 'ev1' },
    });
  });

  it('VIEW sends the referrer only when it comes from another host', () => {
    expect(viewMessage(settings, { ...ctx, referrer: 'https://www.google.com/search?q=x' }).referrer).toBe(
      'https://www.google.com/search?q=x',
    );
    expect(viewMessage(settings, { ...ctx, referrer: 'https://shop.example/' })).not.toHaveProperty('referrer');
  });

  it('names the home page like Sitecore does', () => {
    expect(pageName('https://shop.example/')).toBe('Home Page');
    expect(pageName('https://shop.example/a/b%20c/')).toBe('b c');
    expect(utmParams('https://x.example/?utm_medium=email&other=1')).toEqual({ utm_medium: 'email' });
  });

  it('ADD nests the product and flattens ext like Sitecore SDKs', () => {
    const message = addMessage(
      settings,
      ctx,
      { item_id: 'SKU-1', name: 'Sneaker', price: 19.99 },
      { from: { page: 'pdp' } },
    );
    expect(message).toMatchObject({
      type: 'ADD',
      ...base,
      product: { item_id: 'SKU-1', name: 'Sneaker', price: 19.99, quantity: 1, currency: 'GBP' },
      ext: { from_page: 'pdp', eventId: 'ev1' },
    });
  });

  it('refuses a currency or an email that is not a string with its own message, a Symbol included', () => {
    for (const currency of [Symbol('EUR'), 978, ['EUR']])
      expect(() => addMessage(settings, ctx, { item_id: 'p1', currency } as never)).toThrow(
        expect.objectContaining({ code: 'invalid', message: expect.stringContaining('product.currency') }),
      );
    for (const email of [Symbol('a@b.c'), 42])
      expect(() => identityMessage(settings, ctx, { email } as never)).toThrow(
        expect.objectContaining({ code: 'invalid', message: expect.stringContaining('email') }),
      );
  });

  it('FORCE_CLOSE is the base fields alone', () => {
    expect(forceCloseMessage(settings, ctx)).toEqual({
      type: 'FORCE_CLOSE',
      ...base,
      page: 'sneakers',
      ext: { eventId: 'ev1' },
    });
  });

  it('IDENTITY maps names to the wire and makes the email an identifier', () => {
    expect(
      identityMessage(settings, ctx, { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' }),
    ).toMatchObject({
      type: 'IDENTITY',
      email: 'jane@example.com',
      firstname: 'Jane',
      lastname: 'Doe',
      identifiers: [{ id: 'jane@example.com', provider: 'email' }],
    });
    expect(
      identityMessage(settings, ctx, {
        identifiers: [{ id: 'crm-1', provider: 'crm', expiryDate: '2030-01-01T00:00' }],
      }).identifiers,
    ).toEqual([{ id: 'crm-1', provider: 'crm', expiry_date: '2030-01-01T00:00' }]);
  });

  it('custom events keep data at the top level and cannot override base fields', () => {
    const message = customMessage(settings, ctx, 'wishlist', { product: { item_id: 'a' }, pos: 'evil', page: 'list' });
    expect(message).toMatchObject({ type: 'WISHLIST', product: { item_id: 'a' }, pos: 'shop/uk', page: 'list' });
  });

  it.each([
    ['an add() without a product id', () => addMessage(settings, ctx, { name: 'x' }), /item_id/],
    ['a negative quantity', () => addMessage(settings, ctx, { item_id: 'a', quantity: -1 }), /quantity/],
    [
      'an infinite quantity (JSON would send null)',
      () => addMessage(settings, ctx, { item_id: 'a', quantity: Infinity }),
      /quantity/,
    ],
    ['a price that is not a number', () => addMessage(settings, ctx, { item_id: 'a', price: '5' as never }), /price/],
    ['a NaN price', () => addMessage(settings, ctx, { item_id: 'a', price: NaN }), /price/],
    ['a non-string event type', () => customMessage(settings, ctx, 42), /type must be a string/],
    ['an event type with spaces', () => customMessage(settings, ctx, 'my event'), /not an event type/],
    [
      'more than 49 ext keys',
      () => viewMessage(settings, ctx, { ext: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])) }),
      /at most 49/,
    ],
    ['an ext value that is a function', () => viewMessage(settings, ctx, { ext: { f: () => 1 } }), /ext.f/],
    [
      'a circular object',
      () => {
        const loop: Record<string, unknown> = { item_id: 'a' };
        loop.self = loop;
        return addMessage(settings, ctx, loop);
      },
      /circular/,
    ],
    [
      'an identity without identifiers or email',
      () => identityMessage(settings, ctx, { firstName: 'x' }),
      /identifiers/,
    ],
    ['a malformed email', () => identityMessage(settings, ctx, { email: 'nope' }), /email/],
  ])('refuses %s with a message that says what is wrong', (_, call, message) => {
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect(error).toMatchObject({ name: 'SlotwiseError', code: 'invalid' });
    }
  });
});
