// @ts-check
// Stride & Co., the demo storefront: server-rendered pages that load the built tag through the
// paste-in snippet, under a strict Content-Security-Policy with a fresh nonce per page. Its
// routes run on a server of its own (`createSite({ routes })`); the sandbox stands in for the
// vendors on another origin, which the pages call cross-origin.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { accountPage, cartPage, categoryPage, homePage, notFoundPage, productPage, shippingPage } from './pages.mjs';
import { productSvg } from './images.mjs';
import { comparePage } from './compare-page.mjs';
// What a site's back end uses (the built package, by its own name): run `npm run build` first.
import { readCookies, refreshCookies, sendOfflineOrder } from 'slotwise/server';

const CLIENT_KEY = 'demoshop';
/** The Optimizely credentials of the shop's tills: they live on this server, never in a page. */
export const TILL_AUTH = 'Bearer demo-store-till-secret';
const OFFLINE_ORDER_AUTH = { Authorization: TILL_AUTH };

/**
 * @typedef {{ id: string, slug: string, name: string, category: string, price: number,
 *   colours: [string, string], isNew: boolean, description: string }} Product
 * @typedef {{ id: string, name: string }} Category
 * @typedef {import('../server/http.mjs').Route} Route
 * @typedef {import('../server/http.mjs').Reply} Reply
 */

const DATA = /** @type {{ categories: Category[], products: Product[] }} */ (
  JSON.parse(readFileSync(new URL('./products.json', import.meta.url), 'utf8'))
);

/**
The shop's Content-Security-Policy: scripts only by nonce, styles by nonce or from the site, the
vendor APIs (`api`) for requests and campaign images, Trusted Types with these `policies`.
@param {{ nonce: string, api: string, policies: string }} options
*/
export function strictCsp({ nonce, api, policies }) {
  return [
    "default-src 'self'",
    // The vendor APIs, and the campaign images they serve.
    `connect-src 'self' ${api}`,
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'", // campaigns' inline styles; never script
    `img-src 'self' data: ${api}`,
    "object-src 'none'",
    "base-uri 'none'",
    // Framed only by the shop's own pages (side by side); default-src already keeps frames same-origin.
    "frame-ancestors 'self'",
    "require-trusted-types-for 'script'",
    `trusted-types ${policies}`,
  ].join('; ');
}

/**
 * The shop's routes.
 * @param {{ api: string, snippetFile?: string, tagOptions?: Record<string, unknown> }} options the
 *   vendor APIs' origin (the sandbox's URL); the built snippet, inlined into every page; options
 *   for `slotwise('init')` over the shop's own
 * @returns {Route[]}
 */
export function shopRoutes({
  api,
  snippetFile = fileURLToPath(new URL('../../dist/snippet.min.js', import.meta.url)),
  tagOptions = {},
}) {
  if (!/^https?:\/\/[^/]+$/.test(api ?? ''))
    throw new TypeError("shopRoutes: options.api must be the vendor APIs' origin, e.g. http://127.0.0.1:8788");
  const { categories, products } = DATA;
  const bySlug = new Map(products.map((p) => [p.slug, p]));
  const categoryName = (id) => categories.find((c) => c.id === id)?.name ?? id;

  /** A page with its own nonce, and the policy that makes it the only way to run script. @param {(env: import('./pages.mjs').PageEnv) => string} render */
  const page =
    (render, status = 200) =>
    async () => {
      const nonce = randomBytes(16).toString('base64');
      // The snippet is pasted as is, pointing at where this site hosts the tag.
      const snippet = (await readFile(snippetFile, 'utf8'))
        .trim()
        .replace('"/slotwise.min.js"', '"/dist/slotwise.min.js"');
      return /** @type {Reply} */ ({
        status,
        body: render({ nonce, snippet, categories, tagOptions, api }),
        headers: {
          'Content-Type': 'text/html; charset=utf-8',
          'Cache-Control': 'no-store',
          // The snippet's Trusted Types policy (sw) beside the tag's.
          'Content-Security-Policy': strictCsp({ nonce, api, policies: 'slotwise sw' }),
        },
      });
    };

  /** @param {string} pattern @param {Route['handle']} handle @returns {Route} */
  const get = (pattern, handle) => ({ method: 'GET', pattern: new RegExp(pattern), api: false, handle });

  return [
    get(
      '^/$',
      page((env) => homePage(env, products)),
    ),
    get('^/category/(?<id>[\\w-]+)$', (ctx) => {
      const id = ctx.params.id ?? '';
      const list = id === 'new' ? products.filter((p) => p.isNew) : products.filter((p) => p.category === id);
      if (!list.length) return page(notFoundPage, 404)();
      return page((env) => categoryPage(env, { id, name: id === 'new' ? 'New arrivals' : categoryName(id) }, list))();
    }),
    get('^/products/(?<slug>[\\w-]+)$', (ctx) => {
      const product = bySlug.get(ctx.params.slug ?? '');
      return product
        ? page((env) => productPage(env, product, categoryName(product.category)))()
        : page(notFoundPage, 404)();
    }),
    get('^/cart$', page(cartPage)),
    get('^/account$', page(accountPage)),
    get('^/help/shipping$', page(shippingPage)),
    // Side by side: a page as 2–4 audiences, each in a same-origin frame (compare.js builds them).
    get('^/preview/compare$', page(comparePage)),
    get('^/shop-images/(?<slug>[\\w-]+)\\.svg$', (ctx) => {
      const product = bySlug.get(ctx.params.slug ?? '');
      if (!product) return { status: 404, body: 'no such product\n', headers: { 'Content-Type': 'text/plain' } };
      return {
        status: 200,
        body: productSvg(product),
        headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=3600' },
      };
    }),
    get('^/shop/products\\.json$', () => ({ status: 200, json: DATA })),
    // serverCookies: the tag asks, the server answers with the same values as server cookies.
    {
      method: 'POST',
      pattern: /^\/slotwise\/cookies$/,
      api: false,
      handle: ({ req }) => ({ status: 204, headers: { 'Set-Cookie': refreshCookies(req, { clientKey: CLIENT_KEY }) } }),
    },
    // A till in a store reports a sale for a signed-in customer: server to Optimizely (here the sandbox).
    { method: 'POST', pattern: /^\/shop\/store-purchase$/, api: false, handle: storePurchase },
  ];

  /**
   * An in-store purchase by the shopper at this browser: the till's order names them by user id
   * (their browser id, read from the request's cookie), with the email they signed in with.
   * @param {import('../server/http.mjs').Context} ctx @returns {Promise<Reply>}
   */
  async function storePurchase({ req, body }) {
    let email;
    try {
      email = JSON.parse(body.toString('utf8')).email;
    } catch {
      // handled below
    }
    const { browserId } = readCookies(req, { clientKey: CLIENT_KEY });
    if (typeof email !== 'string' || !email || !browserId)
      return { status: 400, json: { message: 'sign in first: the order is for a known customer' } };
    const items = [products[3], products[4]]
      .filter((p) => p !== undefined)
      .map((p, i) => ({ refCode: p.id, qty: i + 1, price: p.price }));
    const subTotal = Math.round(items.reduce((sum, i) => sum + i.qty * i.price * 100, 0)) / 100;
    const refCode = `STORE-${Date.now().toString(36).toUpperCase()}`;
    const result = await sendOfflineOrder(
      {
        user: { id: browserId, info: { email } },
        order: {
          refCode,
          orderDate: new Date(),
          currency: 'EUR',
          shipping: 0,
          subTotal,
          total: subTotal,
          items,
          attributes: { store: 'Stride & Co. Amsterdam' },
        },
      },
      // The sandbox stands in for Optimizely; its address is configured, never taken from the
      // request's Host header, which the caller chooses.
      { endpoint: api, auth: OFFLINE_ORDER_AUTH },
    );
    // maybeStored: the till must not ring it up again before checking it was not recorded.
    return result.ok
      ? { status: 200, json: { refCode } }
      : { status: 502, json: { message: result.error.message, maybeStored: result.maybeStored } };
  }
}
