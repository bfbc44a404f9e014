// Stride & Co.: the bag, sign-in and the marketer preview drawer. Everything the shop tells
// Slotwise goes through the snippet's `slotwise(...)`, as on any site. No innerHTML: the pages
// run under Trusted Types, so every element is built with the DOM.
const CART = 'stride-cart';
const USER = 'stride-user';
const read = (key, fallback) => {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
};
const write = (key, value) => localStorage.setItem(key, JSON.stringify(value));
const $ = (selector) => document.querySelector(selector);
/** The vendor APIs' origin (the sandbox), which also answers its own /sandbox/ routes. */
const API = document.body.dataset.api ?? '';
const money = (n) => `€${n.toFixed(2)}`;

/** An element with attributes and children (strings become text). */
function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (value !== false && value != null) el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

// ---- The bag --------------------------------------------------------------------------------

const cart = () => read(CART, []);
const cartCount = () => cart().reduce((n, line) => n + line.qty, 0);
const cartTotal = () => cart().reduce((sum, line) => sum + line.qty * line.price, 0);

function showCount() {
  $('#cart-count').textContent = String(cartCount());
}

function addToBag(button) {
  const product = JSON.parse(button.dataset.add);
  const lines = cart();
  const line = lines.find((l) => l.id == product.item_id);
  if (line) line.qty += 1;
  else lines.push({ id: product.item_id, slug: product.slug, name: product.name, price: product.price, qty: 1 });
  write(CART, lines);
  showCount();
  // The product as Slotwise takes it: the shop's own URL slug stays out.
  const item = { ...product, quantity: 1, currency: 'EUR' };
  delete item.slug;
  slotwise('add', item);
  button.parentElement.querySelector('.added').textContent = `${product.name} is in your bag.`;
}

function showCart() {
  const body = $('#cart-lines tbody');
  const lines = cart();
  body.replaceChildren(
    ...lines.map((l) =>
      h(
        'tr',
        {},
        h('td', {}, h('a', { href: `/products/${l.slug}` }, l.name)),
        h('td', {}, String(l.qty)),
        h('td', {}, money(l.qty * l.price)),
      ),
    ),
  );
  $('#cart-lines').hidden = !lines.length;
  $('#cart-empty').hidden = !!lines.length;
  $('#checkout').disabled = !lines.length;
  $('#cart-total').textContent = money(cartTotal());
}

async function checkout() {
  const status = $('#checkout-status');
  const reference = `SC-${Date.now().toString(36).toUpperCase()}`;
  const result = await slotwise('event', 'CHECKOUT', {
    reference_id: reference,
    status: 'PURCHASED',
    total: Number(cartTotal().toFixed(2)),
    currency: 'EUR',
  });
  write(CART, []);
  showCart();
  showCount();
  status.textContent = result.ok
    ? `Thank you! Order ${reference} is on its way.`
    : `Order ${reference} is placed; the shop will be told when you are back online.`;
}

async function forceClose() {
  const result = await slotwise('forceClose');
  $('#force-close-status').textContent = result.ok
    ? 'Session closed. Open the home page: a bag left behind now shows as abandoned.'
    : `Could not close the session: ${result.error?.message ?? result.reason}`;
}

// ---- Account --------------------------------------------------------------------------------

function showUser() {
  const user = read(USER, null);
  $('#account-link').textContent = user ? `Hi, ${user.firstName || user.email}` : 'Sign in';
  if (document.body.dataset.page != 'account') return;
  $('#sign-in').hidden = !!user;
  $('#signed-in').hidden = !user;
  if (user) $('#signed-in-as').textContent = user.email;
}

async function signIn(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const person = {
    email: String(form.get('email')).trim(),
    firstName: String(form.get('firstName')).trim() || undefined,
  };
  const result = await slotwise('identity', person);
  if (!result.ok) {
    $('#sign-in-status').textContent = result.error?.message ?? 'Could not sign in.';
    return;
  }
  write(USER, person);
  showUser();
}

async function storePurchase() {
  const user = read(USER, null);
  const status = $('#store-purchase-status');
  // The shop's server sends it, with credentials the browser never sees.
  const answer = await fetch('/shop/store-purchase', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user?.email }),
  });
  const result = await answer.json().catch(() => ({}));
  status.textContent = answer.ok
    ? `In-store order ${result.refCode} recorded.`
    : `Not recorded: ${result.message ?? answer.status}`;
}

// ---- The marketer preview drawer -----------------------------------------------------------

const AUDIENCES = [
  ['', 'As I am (no preview)'],
  ['new', 'New visitor'],
  ['returning', 'Returning visitor'],
  ['has-cart', 'Has a bag'],
  ['abandoned-cart', 'Abandoned a bag'],
  ['identified', 'Signed in'],
];
const PREVIEW_KEY = 'slotwise_preview';
/** Whether the drawer was open (kept for the tab, so it stays open on the next page). */
const DRAWER_OPEN = 'stride-preview-drawer';
const keepDrawer = (state) => {
  try {
    if (state) sessionStorage.setItem(DRAWER_OPEN, state);
    else sessionStorage.removeItem(DRAWER_OPEN);
  } catch {
    // without session storage the drawer starts closed on every page
  }
};

/** The preview in force, as the tag keeps it for this tab (its key: the site's client key). */
function currentPreview() {
  try {
    const url = new URL(location.href).searchParams.get(PREVIEW_KEY);
    return JSON.parse(url ?? sessionStorage.getItem('slotwise:v1:demoshop:preview') ?? '{}') ?? {};
  } catch {
    return {};
  }
}

/** Reloads the page as the chosen visitor; an empty choice ends the preview. */
function applyPreview(preview) {
  const empty = !preview.audience && !preview.utm && !Object.keys(preview.force ?? {}).length;
  // The drawer opens again on the reloaded page, with focus in it, unless the preview ended.
  if (!empty) keepDrawer('focus');
  const url = new URL(location.href);
  url.searchParams.set(PREVIEW_KEY, empty ? '' : JSON.stringify(preview));
  location.assign(url);
}

/** What each slot on this page can show, from the sandbox's campaign catalog. */
function choicesFor(el, catalog) {
  const d = el.dataset;
  if (d.slotwiseFlow) {
    const prefix = d.slotwiseFlow.replace(/\*$/, '');
    const flows = catalog.flows.filter(
      (f) =>
        (d.slotwiseFlow.endsWith('*') ? f.friendlyId.startsWith(prefix) : f.friendlyId == prefix) && f.live !== false,
    );
    return flows.flatMap((f) =>
      f.variants.map((v, i) => ({ key: f.friendlyId, value: i, label: `${f.friendlyId} · ${describeRule(v.when)}` })),
    );
  }
  if (d.slotwisePlacement) {
    const placement = catalog.placements.find((p) => p.placement == d.slotwisePlacement);
    // A campaign, or one of its creatives (`Campaign#creative`) when it has several.
    return (placement?.campaigns ?? []).flatMap((c) => [
      { key: d.slotwisePlacement, value: c.campaign, label: c.campaign },
      ...(c.creatives.length > 1
        ? c.creatives
            .filter((cr) => cr.id)
            .map((cr) => ({
              key: d.slotwisePlacement,
              value: `${c.campaign}#${cr.id}`,
              label: `${c.campaign} · only ${cr.ALT_TEXT || cr.id}`,
            }))
        : []),
    ]);
  }
  const activity = catalog.offers.find((o) => o.activityId == d.slotwiseActivity);
  return (activity?.options ?? []).map((o) => ({ key: d.slotwiseActivity, value: o.id, label: o.name ?? o.id }));
}
const describeRule = (when) =>
  when
    ? Object.entries(when)
        .map(([k, v]) => `${k}: ${[].concat(v).join(' or ')}`)
        .join(', ')
    : 'everyone';
const slotName = (el) => el.dataset.slotwiseFlow ?? el.dataset.slotwisePlacement ?? el.dataset.slotwiseOffer;
const sourceOf = (el) => (el.dataset.slotwiseFlow ? 'flow' : el.dataset.slotwisePlacement ? 'placement' : 'offer');

/**
 * Opens the drawer, a panel beside the page (a non-modal dialog): its heading and Close button
 * show at once, and when the marketer opened it (`focus`), focus moves to its heading, so the next
 * Tabs reach Exit preview and the choices, not the page behind.
 */
async function openPreview({ focus = false } = {}) {
  const drawer = $('#preview');
  drawer.hidden = false;
  keepDrawer('open');
  $('#preview-toggle').setAttribute('aria-expanded', 'true');
  const head = h(
    'div',
    { class: 'preview-head' },
    h('h2', { id: 'preview-title', tabindex: '-1' }, 'Preview this page as'),
    h('button', { type: 'button', class: 'btn btn-small', onclick: () => closePreview() }, 'Close'),
  );
  drawer.replaceChildren(head);
  if (focus) $('#preview-title').focus();
  const preview = currentPreview();
  const catalog = await fetch(`${API}/sandbox/catalog`)
    .then((r) => r.json())
    .then((s) => s.catalog ?? s)
    .catch(() => ({ flows: [], placements: [], offers: [] }));

  const audience = h(
    'select',
    { id: 'preview-audience' },
    AUDIENCES.map(([value, label]) => h('option', { value, selected: preview.audience == value }, label)),
  );
  const utm = h('input', { id: 'preview-utm', value: preview.utm ?? '', placeholder: 'spring_sale', size: 14 });
  const slots = [...document.querySelectorAll('[data-slotwise-flow],[data-slotwise-placement],[data-slotwise-offer]')];
  const pickers = slots.map((el) => {
    const choices = choicesFor(el, catalog);
    const key = choices[0]?.key;
    const select = h(
      'select',
      { 'data-key': key ?? '', 'aria-label': `What ${slotName(el)} shows` },
      h('option', { value: '' }, 'Decided for the visitor'),
      choices.map((c) =>
        h(
          'option',
          {
            value: JSON.stringify([c.key, c.value]),
            selected: key != null && JSON.stringify(preview.force?.[c.key]) == JSON.stringify(c.value) && c.key == key,
          },
          c.label,
        ),
      ),
    );
    return h(
      'tr',
      {},
      h('td', {}, h('strong', {}, sourceOf(el)), h('br'), slotName(el)),
      h('td', {}, h('span', { class: 'state', 'data-for': slotName(el) }, el.dataset.slotwiseState ?? 'waiting')),
      h('td', {}, select),
    );
  });

  const apply = () => {
    const force = {};
    for (const select of drawer.querySelectorAll('select[data-key]'))
      if (select.value) {
        const [key, value] = JSON.parse(select.value);
        force[key] = value;
      }
    applyPreview({
      ...(audience.value && { audience: audience.value }),
      ...(utm.value.trim() && { utm: utm.value.trim() }),
      ...(Object.keys(force).length && { force }),
    });
  };

  // Everything after the heading (moving the heading would take focus from it).
  while (head.nextSibling) head.nextSibling.remove();
  drawer.append(
    ...[
      Object.keys(preview).length
        ? h(
            'div',
            { class: 'preview-active' },
            h('p', {}, 'Preview is on for this tab: its requests are marked and kept out of the counts.'),
            h(
              'div',
              { class: 'preview-actions' },
              h('button', { type: 'button', class: 'btn btn-small', onclick: () => applyPreview({}) }, 'Exit preview'),
            ),
          )
        : null,
      h('p', {}, h('label', { for: 'preview-audience' }, 'Audience '), audience),
      h('p', {}, h('label', { for: 'preview-utm' }, 'UTM campaign '), utm),
      h('h2', {}, 'Slots on this page'),
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Slot'), h('th', {}, 'State'), h('th', {}, 'Show'))),
        h('tbody', {}, pickers),
      ),
      h(
        'p',
        {},
        h('button', { type: 'button', class: 'btn', onclick: apply }, 'Preview'),
        ' ',
        h('a', { href: withDebug() }, 'Open the slot inspector'),
      ),
      h('h2', {}, 'Visitor timeline'),
      h('div', { id: 'timeline' }, h('p', { class: 'muted' }, 'Loading…')),
    ].filter(Boolean),
  );
  refreshTimeline();
}

const withDebug = () => {
  const url = new URL(location.href);
  url.searchParams.set('slotwise_debug', '1');
  return url.href;
};

let timelineTimer;
/** Closes the drawer; focus goes back to the button that opens it, never to the page's start. */
function closePreview() {
  const drawer = $('#preview');
  const hadFocus = drawer.contains(document.activeElement) || document.activeElement == document.body;
  drawer.hidden = true;
  keepDrawer(null);
  $('#preview-toggle').setAttribute('aria-expanded', 'false');
  clearTimeout(timelineTimer);
  if (hadFocus) $('#preview-toggle').focus();
}

/** The guest's timeline as the sandbox keeps it, every two seconds while the drawer is open. */
let timelineRound = 0;
async function refreshTimeline() {
  clearTimeout(timelineTimer);
  const box = $('#timeline');
  if (!box || $('#preview').hidden) return;
  const round = ++timelineRound; // a newer refresh (the checkbox, say) supersedes this one
  const { browserId } = await slotwise('browserId');
  const guest =
    browserId &&
    (await fetch(`${API}/sandbox/guests/${encodeURIComponent(browserId)}`)
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null));
  if (round != timelineRound) return;
  box.replaceChildren(
    ...(guest ? timelineView(browserId, guest) : [h('p', { class: 'muted' }, 'No events from this browser yet.')])
      .flat()
      .filter(Boolean),
  );
  showSlotStates();
  timelineTimer = setTimeout(refreshTimeline, 2000);
}

/** The drawer's State column follows the slots as the tag decides them. */
function showSlotStates() {
  for (const el of document.querySelectorAll('#preview .state')) {
    const slot = [...document.querySelectorAll('[data-slotwise-state]')].find((s) => slotName(s) == el.dataset.for);
    if (slot) el.textContent = slot.dataset.slotwiseState;
  }
}
new MutationObserver(showSlotStates).observe(document.body, {
  subtree: true,
  attributeFilter: ['data-slotwise-state'],
});

/** Events whose fields the marketer opened (by ref) stay open across refreshes; slot events are shown on request. */
const openEvents = new Set();
let withSlotEvents = false;

function timelineView(browserId, guest) {
  const time = (iso) => new Date(iso).toLocaleTimeString();
  const cartLines = guest.cart ?? [];
  const all = guest.events ?? [];
  const events = withSlotEvents ? all : all.filter((e) => !e.type.startsWith('SLOT_'));
  // How many times each event id was stored: the API keeps every request, repeats included.
  const copies = new Map();
  for (const e of all) if (e.eventId) copies.set(e.eventId, (copies.get(e.eventId) ?? 0) + 1);
  const toggle = h('input', {
    type: 'checkbox',
    id: 'timeline-slot-events',
    checked: withSlotEvents,
    onchange: (e) => ((withSlotEvents = e.target.checked), refreshTimeline()),
  });
  return [
    h(
      'p',
      {},
      'Browser id ',
      h('code', {}, browserId),
      guest.identity
        ? [' · signed in as ', h('strong', {}, guest.identity.email ?? guest.identity.firstname ?? 'someone')]
        : ' · anonymous',
    ),
    h(
      'p',
      {},
      `Bag: ${cartLines.reduce((n, l) => n + l.quantity, 0)} items · abandoned value: ${money(guest.abandonedValue ?? 0)}`,
    ),
    h('h3', {}, 'Sessions'),
    h(
      'ol',
      {},
      (guest.sessions ?? []).map((s) => {
        const count = all.filter((e) => e.sessionId == s.id).length;
        return h(
          'li',
          {},
          `${s.status}${s.closedBy ? ` (${s.closedBy})` : ''}, ${count} events${s.abandonedValue ? `, abandoned ${money(s.abandonedValue)}` : ''}${s.purchased ? ', purchased' : ''}`,
        );
      }),
    ),
    h('h3', {}, 'Events, in the order the API stored them'),
    h(
      'p',
      {},
      toggle,
      h(
        'label',
        { for: 'timeline-slot-events' },
        ` with slot impressions and clicks (${all.length - all.filter((e) => !e.type.startsWith('SLOT_')).length})`,
      ),
    ),
    guest.duplicates
      ? h(
          'p',
          { class: 'dup-note', role: 'note' },
          `${guest.duplicates} ${guest.duplicates == 1 ? 'request repeats' : 'requests repeat'} an event already stored: the API keeps every request, so a repeated ADD counts twice in the bag.`,
        )
      : null,
    h(
      'ol',
      { class: 'events' },
      events.map((e) =>
        h(
          'li',
          { class: copies.get(e.eventId) > 1 ? 'event dup' : 'event' },
          h(
            'details',
            {
              open: openEvents.has(e.ref),
              ontoggle: (ev) => (ev.target.open ? openEvents.add(e.ref) : openEvents.delete(e.ref)),
            },
            h(
              'summary',
              {},
              `${time(e.receivedAt)} ${e.type} ${eventSummary(e)}`,
              copies.get(e.eventId) > 1
                ? [
                    ' ',
                    h(
                      'span',
                      { class: 'badge', title: e.duplicateOf ? `repeats ${e.duplicateOf}` : 'first of the copies' },
                      `stored ${copies.get(e.eventId)}×${e.duplicateOf ? ' (repeat)' : ''}`,
                    ),
                  ]
                : null,
            ),
            h('pre', {}, JSON.stringify(e.message, null, 1)),
          ),
        ),
      ),
    ),
    guest.offlineOrders?.length
      ? [
          h('h3', {}, 'In-store orders'),
          h(
            'ol',
            {},
            guest.offlineOrders.map((o) =>
              h(
                'li',
                {},
                `${o.refCode}: ${o.body.order.currency} ${o.body.order.total.toFixed(2)}, ${o.body.order.attributes?.store ?? 'in store'}, ${o.body.order.items.map((i) => `${i.qty} × ${i.refCode}`).join(', ')}`,
              ),
            ),
          ),
        ]
      : null,
  ];
}
function eventSummary(e) {
  const m = e.message ?? {};
  if (e.type == 'ADD') return `${m.product?.name ?? m.product?.item_id} ×${m.product?.quantity}`;
  if (e.type == 'VIEW') return m.page ?? '';
  if (e.type == 'IDENTITY') return m.email ?? '';
  if (e.type.startsWith('SLOT_')) return `${m.ext?.impression ?? ''} ${m.ext?.slot ?? ''}`;
  return '';
}

// ---- Offers that are data ------------------------------------------------------------------

// An Adobe JSON offer is data, not markup: the shop builds its own card from it, then tells the
// tag it did (preventDefault), so the slot counts as decided and the impression is sent.
function renderDataOffer(event) {
  const { source, content } = event.detail;
  const data = content?.kind == 'json' ? content.data : undefined;
  if (source != 'offer' || typeof data?.headline != 'string') return;
  const link = typeof data.href == 'string' && data.href.startsWith('/') ? data.href : undefined;
  event.target.replaceChildren(
    h(
      'div',
      { class: 'offer offer--member' },
      h('strong', {}, data.headline),
      typeof data.body == 'string' ? h('p', {}, data.body) : null,
      link ? h('a', { class: 'sw-btn', href: link }, typeof data.cta == 'string' ? data.cta : 'See more') : null,
    ),
  );
  event.preventDefault();
}

// ---- Wiring ---------------------------------------------------------------------------------

document.addEventListener('slotwise:decision', renderDataOffer);

showCount();
showUser();
if (document.body.dataset.page == 'cart') showCart();
addEventListener('click', (event) => {
  const target = event.target.closest('button');
  if (!target) return;
  if (target.dataset.add) addToBag(target);
  else if (target.id == 'checkout') checkout();
  else if (target.id == 'force-close') forceClose();
  else if (target.id == 'sign-out') (localStorage.removeItem(USER), showUser());
  else if (target.id == 'store-purchase') storePurchase();
  else if (target.id == 'preview-toggle') $('#preview').hidden ? openPreview({ focus: true }) : closePreview();
});
// Escape closes the drawer from anywhere in it (or from its toggle).
addEventListener('keydown', (event) => {
  if (event.key != 'Escape' || $('#preview').hidden || event.defaultPrevented) return;
  if (!$('#preview').contains(document.activeElement) && document.activeElement != $('#preview-toggle')) return;
  event.preventDefault();
  closePreview();
  $('#preview-toggle').focus();
});
$('#sign-in')?.addEventListener('submit', signIn);
// The drawer stays open from page to page of the tab until the marketer closes it.
const wasOpen = (() => {
  try {
    return sessionStorage.getItem(DRAWER_OPEN);
  } catch {
    return null;
  }
})();
if (wasOpen) openPreview({ focus: wasOpen == 'focus' });
// Previewing keeps the choices across pages; the drawer's button says so.
if (Object.keys(currentPreview()).length) $('#preview-toggle').textContent = 'Previewing…';
