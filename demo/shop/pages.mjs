// @ts-check
// The storefront's pages, as HTML strings. Pure: the shop hands in the products, the request's
// nonce and the paste-in snippet. Slots are plain markup with their default content, exactly as
// a site would write them; the tag fills them.

/** @typedef {import('./shop.mjs').Product} Product @typedef {import('./shop.mjs').Category} Category */

/** Text for HTML: every value that came from data goes through here. @param {unknown} value */
export const esc = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** @param {number} value */
export const money = (value) => `€${value.toFixed(2)}`;

/**
 * The tag's nested options. The vendors' APIs are on another origin (the sandbox stands in for
 * all three), so every call to them is cross-origin, as on a real site.
 * @param {string} api the vendor APIs' origin
 */
export const tagOptions = (api) => ({
  // The shop's server re-sets the tag's cookies (slotwise/server), beyond Safari's 7-day cap.
  serverCookies: '/slotwise/cookies',
  placements: { target: api, apiKey: 'demo-api-key', apiClientKey: 'demo-client' },
  offers: { target: api, identityNamespace: 'Slotwise' },
});
/** The Adobe activities the catalog holds for the home page and the cart. */
export const OFFERS = {
  home: { placement: 'xcore:offer-placement:ffed0456', activity: 'xcore:offer-activity:ffed0123' },
  cart: { placement: 'xcore:offer-placement:ffed0012', activity: 'xcore:offer-activity:fffc0789' },
};

/**
 * @typedef {{ nonce: string, snippet: string, categories: Category[], tagOptions: Record<string, unknown>, api: string }} PageEnv
 * @param {PageEnv} env
 * @param {{ title: string, page: string, body: string, view?: Record<string, unknown> }} page
 */
export function layout(env, { title, page, body, view = {} }) {
  const nav = env.categories.map((c) => `<a href="/category/${esc(c.id)}">${esc(c.name)}</a>`).join('');
  // The snippet as pasted (data- attributes carry the simple options), then init for the nested ones.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Stride &amp; Co.</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/base.css">
<link rel="stylesheet" href="/shop.css">
<script nonce="${env.nonce}" data-client-key="demoshop" data-target="${esc(env.api)}" data-point-of-sale="stride/eu" data-currency="EUR">${env.snippet}</script>
<script nonce="${env.nonce}">slotwise('init', ${JSON.stringify({ ...tagOptions(env.api), ...env.tagOptions })}); slotwise('view', ${JSON.stringify(view)});</script>
<script type="module" nonce="${env.nonce}" src="/shop.js"></script>
</head>
<body data-page="${esc(page)}" data-api="${esc(env.api)}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/" aria-label="Stride &amp; Co. home">Stride <span>&amp;</span> Co.</a>
  <nav class="cats" aria-label="Categories"><a href="/category/new">New</a>${nav}</nav>
  <nav class="me" aria-label="Your account">
    <a href="/account" id="account-link">Sign in</a>
    <a href="/cart" class="cart-link">Bag <span class="count" id="cart-count" aria-label="items in your bag">0</span></a>
    <button type="button" class="preview-toggle" id="preview-toggle" aria-expanded="false" aria-controls="preview">Preview</button>
  </nav>
</header>
<main id="main">
${body}
</main>
<footer class="foot">
  <p>Stride &amp; Co. is a demo shop: every product, campaign and order here is made up, and nothing leaves this machine.</p>
  <p><a href="/help/shipping">Shipping &amp; returns</a> · <a href="${esc(env.api)}/sandbox/guests">Guests (JSON)</a> · <a href="${esc(env.api)}/sandbox/catalog">Campaign catalog (JSON)</a></p>
</footer>
<div id="preview" class="preview" role="dialog" aria-modal="false" aria-labelledby="preview-title" hidden></div>
</body>
</html>
`;
}

/** @param {Product} p */
export const productCard = (p) => `<li class="card">
  <a href="/products/${esc(p.slug)}">
    <img src="/shop-images/${esc(p.slug)}.svg" alt="${esc(p.name)}" width="400" height="240" loading="lazy">
    <span class="name">${esc(p.name)}</span>
    <span class="price">${money(p.price)}</span>${p.isNew ? '<span class="tag">New</span>' : ''}
  </a>
</li>`;

/** @param {Product[]} products */
const grid = (products) => `<ul class="grid">${products.map(productCard).join('')}</ul>`;

/** A slot with its default content; `attrs` are its data-slotwise-* attributes. @param {string} attrs @param {string} fallback @param {string} [cls] */
const slot = (attrs, fallback, cls = '') => `<div class="slot ${cls}" ${attrs}>${fallback}</div>`;

/** @param {PageEnv} env @param {Product[]} products */
export function homePage(env, products) {
  return layout(env, {
    title: 'Sneakers and everything for them',
    page: 'home',
    view: { page: 'home' },
    // The page's h1 stays outside every slot: a campaign replaces what a slot holds.
    body: `
<h1 class="page-title">Sneakers and everything for them</h1>
${slot('data-slotwise-flow="home_hero*" data-slotwise-size="960x320"', '<div class="hero-default"><h2>Shoes for every stride</h2><p>Runners, trail, court and slip-ons, shipped free over €75.</p><a class="btn" href="/category/new">Shop new arrivals</a></div>', 'hero')}
<section class="promos" aria-label="Promotions">
  ${slot('data-slotwise-placement="home_page.promo_1" data-slotwise-size="300x160"', '<p class="promo-default">Free shipping over €75.</p>', 'promo')}
  ${slot('data-slotwise-placement="home_page.promo_2" data-slotwise-size="300x160"', '<p class="promo-default">Socks, caps and care kits.</p>', 'promo')}
  ${slot(`data-slotwise-offer="${OFFERS.home.placement}" data-slotwise-activity="${OFFERS.home.activity}" data-slotwise-size="300x160"`, '<p class="promo-default">Members save more.</p>', 'promo')}
</section>
<h2>New arrivals</h2>
${grid(products.filter((p) => p.isNew).slice(0, 8))}`,
  });
}

/** @param {PageEnv} env @param {{ id: string, name: string }} category @param {Product[]} products */
export function categoryPage(env, category, products) {
  return layout(env, {
    title: category.name,
    page: 'category',
    view: { page: `category/${category.id}` },
    body: `
<h1>${esc(category.name)}</h1>
${slot(`data-slotwise-placement="category_page.top" data-slotwise-context='${esc(JSON.stringify({ categoryId: category.id }))}' data-slotwise-empty="collapse" data-slotwise-size="960x120"`, '', 'banner')}
<p class="count-line">${products.length} products</p>
${grid(products)}`,
  });
}

/** @param {PageEnv} env @param {Product} product @param {string} categoryName */
export function productPage(env, product, categoryName) {
  const add = {
    item_id: product.id,
    name: product.name,
    price: product.price,
    type: product.category,
    slug: product.slug,
  };
  return layout(env, {
    title: product.name,
    page: 'product',
    view: { page: product.slug },
    body: `
<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/category/${esc(product.category)}">${esc(categoryName)}</a> › <span aria-current="page">${esc(product.name)}</span></nav>
<article class="product">
  <img src="/shop-images/${esc(product.slug)}.svg" alt="${esc(product.name)}" width="400" height="240">
  <div>
    <h1>${esc(product.name)}</h1>
    <p class="price">${money(product.price)}</p>
    <p>${esc(product.description)}</p>
    <button type="button" class="btn" data-add='${esc(JSON.stringify(add))}'>Add to bag</button>
    <p class="added" role="status" aria-live="polite"></p>
  </div>
</article>
<h2>You may also like</h2>
${slot(`data-slotwise-placement="item_page.recs" data-slotwise-context='${esc(JSON.stringify({ productId: product.id }))}' data-slotwise-empty="collapse"`, '', 'recs')}`,
  });
}

/** @param {PageEnv} env */
export function cartPage(env) {
  return layout(env, {
    title: 'Your bag',
    page: 'cart',
    view: { page: 'cart' },
    body: `
<h1>Your bag</h1>
<div class="cart">
  <div>
    <table class="lines" id="cart-lines"><caption class="sr-only">Items in your bag</caption><thead><tr><th scope="col">Item</th><th scope="col">Qty</th><th scope="col">Price</th></tr></thead><tbody></tbody></table>
    <p id="cart-empty">Your bag is empty. <a href="/category/new">See what is new</a>.</p>
    <p class="total">Total <strong id="cart-total">€0.00</strong></p>
    <button type="button" class="btn" id="checkout">Check out</button>
    <p class="status" id="checkout-status" role="status" aria-live="polite"></p>
  </div>
  <div class="upsell">
    ${slot(`data-slotwise-offer="${OFFERS.cart.placement}" data-slotwise-activity="${OFFERS.cart.activity}" data-slotwise-size="300x120"`, '<p class="promo-default">Orders over €75 ship free.</p>', 'promo')}
    ${slot('data-slotwise-placement="cart_page.upsell" data-slotwise-empty="collapse"', '', 'recs')}
  </div>
</div>
<section class="qa" aria-labelledby="qa-title">
  <h2 id="qa-title">QA only: end this session now</h2>
  <p>Sends <code>FORCE_CLOSE</code>: the visitor's session closes at once, as if they had left 20 minutes ago, so an abandoned bag shows on the home page straight away. Not for production pages.</p>
  <button type="button" class="btn btn-qa" id="force-close">Force close the session (QA)</button>
  <p class="status" id="force-close-status" role="status" aria-live="polite"></p>
</section>`,
  });
}

/** @param {PageEnv} env */
export function accountPage(env) {
  return layout(env, {
    title: 'Your account',
    page: 'account',
    view: { page: 'account' },
    body: `
<h1>Your account</h1>
<form id="sign-in" class="form">
  <p><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required></p>
  <p><label for="first-name">First name</label><input id="first-name" name="firstName" autocomplete="given-name"></p>
  <p><button class="btn" type="submit">Sign in</button></p>
  <p class="status" id="sign-in-status" role="status" aria-live="polite"></p>
</form>
<section id="signed-in" hidden>
  <p>Signed in as <strong id="signed-in-as"></strong>. <button type="button" class="link" id="sign-out">Sign out</button></p>
  <h2>Bought in a store?</h2>
  <p>Our store tills send in-store purchases from the shop's server (the credentials never reach your browser).</p>
  <button type="button" class="btn" id="store-purchase">Record an in-store purchase</button>
  <p class="status" id="store-purchase-status" role="status" aria-live="polite"></p>
</section>`,
  });
}

/** @param {PageEnv} env */
export function shippingPage(env) {
  return layout(env, {
    title: 'Shipping and returns',
    page: 'help',
    view: { page: 'help/shipping' },
    body: `
<h1>Shipping and returns</h1>
<p>Orders over €75 ship free within the EU; below that, shipping is €4.90. Returns are free for 30 days.</p>`,
  });
}

/** @param {PageEnv} env */
export const notFoundPage = (env) =>
  layout(env, {
    title: 'Not found',
    page: 'missing',
    body: '<h1>We could not find that page</h1><p><a href="/">Back to the shop</a></p>',
  });
