// Stride & Co.: the bag, sign-in and the marketer preview drawer. Everything the shop tells
// Slotwise goes through the snippet's `slotwise(...)`, as on any site. No innerHTML: the pages
// run under Trusted Types, so every element is built with the DOM.

import {
  AUDIENCES,
  PREVIEW_PARAM,
  PREVIEW_STORE,
  SLOTS,
  audienceName,
  formatPreview,
  h,
  onShop,
  parsePreview,
  readable,
  session,
  sideBySideUrl,
} from './kit.js';

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

// The preview value is short and readable (`audience=abandoned-cart,identified;utm=spring_sale;
// home_hero=hero-cart`): audiences the visitor is in at once, a UTM campaign, and what a slot
// shows, by the catalog's stable ids. The tag keeps it for the tab and never reads it; the
// sandbox decides by it and says, at /sandbox/preview, what in it no longer exists. Parsing and
// writing it, and its links, are kit.js's (side by side reads and writes the same values).

/**
 * Whether the drawer was open (kept for the tab, so it stays open on the next page; without
 * session storage it starts closed on every page).
 */
const DRAWER_OPEN = 'stride-preview-drawer';

/** The preview value in force for this tab ('' for none): the URL's, else the one the tag keeps. */
function previewValue() {
  const given = new URL(location.href).searchParams.get(PREVIEW_PARAM);
  return (given ?? session.get(PREVIEW_STORE) ?? '').trim();
}

/** A page of the shop with a preview value, written as people read it. An empty value ends the preview. */
function previewUrl(value, base = location.href) {
  const url = new URL(base);
  url.searchParams.delete(PREVIEW_PARAM);
  url.hash = '';
  url.search += `${url.search ? '&' : '?'}${PREVIEW_PARAM}=${readable(value)}`;
  return url.href;
}

/** Reloads the page as the chosen visitor; an empty value ends the preview. */
function applyPreview(value) {
  // Where the page makes room for the drawer, it opens again on the reloaded page, with focus in
  // it; on a small screen the previewed page shows, with focus on the toggle. Exit closes it.
  const wide = matchMedia('(min-width: 64rem)').matches;
  session.set(DRAWER_OPEN, value && wide ? 'focus' : 'toggle');
  location.assign(previewUrl(value));
}

/** Plain words for a catalog rule (`when`): who a variant or campaign is for. */
function describeRule(when) {
  if (!when || !Object.keys(when).length) return 'everyone';
  const words = { audience: (a) => audienceName(a).toLowerCase(), utmCampaign: (u) => `UTM ${u}` };
  return Object.entries(when)
    .map(([k, v]) =>
      []
        .concat(v)
        .map(words[k] ?? ((x) => `${k} ${x}`))
        .join(' or '),
    )
    .join(', ');
}

/** "home_page.promo_1" → "Home page promo 1", for a placement the catalog gives no name. */
const humanize = (id) => {
  const words = id.replace(/[._:-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
/** An Adobe id by its last ":" segment when no other id in `all` ends the same way. */
const shortId = (id, all) => {
  const last = id.split(':').pop();
  return all.filter((other) => other.split(':').pop() == last).length == 1 ? last : id;
};

/**
 * Every slot on the page as the drawer lists it: its human name and technical ids, and the choices
 * it can be forced to, each `{ key, id, label, group?, disabled?, reason? }` where `key=id` is the
 * preview's part. `warnings` (from the sandbox) mark what can never show.
 */
function slotsOnPage(catalog, warnings) {
  const never = (slot, id) => warnings.find((w) => w.slot == slot && w.id == id && /never/i.test(w.message));
  const mark = (choice) => {
    const warning = never(choice.key, choice.id);
    return warning ? { ...choice, disabled: true, reason: warning.message } : choice;
  };
  return [...document.querySelectorAll(SLOTS)].map((el) => {
    const d = el.dataset;
    if (d.slotwiseFlow) {
      const fuzzy = d.slotwiseFlow.endsWith('*');
      const prefix = d.slotwiseFlow.replace(/\*$/, '');
      const flows = (catalog.flows ?? []).filter((f) =>
        fuzzy ? f.friendlyId.startsWith(prefix) : f.friendlyId == prefix,
      );
      const main = flows.find((f) => f.friendlyId == prefix) ?? flows[0];
      return {
        el,
        kind: 'flow',
        key: d.slotwiseFlow,
        matches: (slot) => slot == d.slotwiseFlow || flows.some((f) => f.friendlyId == slot),
        name: main?.name ?? humanize(prefix),
        ids: [
          ['Flow', d.slotwiseFlow],
          ...(fuzzy ? [['Runs the first of', flows.map((f) => f.friendlyId).join(', ')]] : []),
        ],
        choices: flows.flatMap((f) =>
          f.variants.map((v, i) =>
            mark({
              key: f.friendlyId,
              id: v.id ?? String(i),
              label: `${v.name ?? v.id ?? `Variant ${i + 1}`} (for ${describeRule(v.when)})`,
              group: flows.length > 1 ? `${f.name ?? f.friendlyId}${f.live === false ? ' (not live)' : ''}` : undefined,
            }),
          ),
        ),
      };
    }
    if (d.slotwisePlacement) {
      const placement = (catalog.placements ?? []).find((p) => p.placement == d.slotwisePlacement);
      const key = d.slotwisePlacement;
      return {
        el,
        kind: 'placement',
        key,
        matches: (slot) => slot == key,
        name: placement?.name ?? humanize(key),
        ids: [['Placement', key]],
        // A campaign, or one of its creatives when it has several.
        choices: (placement?.campaigns ?? []).flatMap((c) => {
          const id = c.id ?? c.campaign;
          const creative = (cr) => cr.name ?? cr.ALT_TEXT ?? cr.id;
          return [
            mark({ key, id, label: `${c.campaign} (for ${describeRule(c.when)})` }),
            ...(c.creatives.length > 1
              ? c.creatives
                  .filter((cr) => cr.id)
                  .map((cr) => mark({ key, id: `${id}/${cr.id}`, label: `${c.campaign}: only ${creative(cr)}` }))
              : []),
          ];
        }),
      };
    }
    const activities = (catalog.offers ?? []).map((o) => o.activityId);
    const activity = (catalog.offers ?? []).find((o) => o.activityId == d.slotwiseActivity);
    const key = d.slotwiseActivity ? shortId(d.slotwiseActivity, activities) : d.slotwiseOffer;
    const options = (activity?.options ?? []).map((o) => o.id);
    return {
      el,
      kind: 'offer',
      key,
      matches: (slot) => slot == d.slotwiseActivity || slot == d.slotwiseOffer,
      name: activity?.name ?? humanize(d.slotwiseOffer),
      ids: [
        ['Activity', d.slotwiseActivity ?? ''],
        ['Placement', `${d.slotwiseOffer}${activity?.placementName ? ` (${activity.placementName})` : ''}`],
      ],
      choices: (activity?.options ?? []).map((o) =>
        mark({ key, id: shortId(o.id, options), full: o.id, label: `${o.name ?? o.id} (for ${describeRule(o.when)})` }),
      ),
    };
  });
}

/** Labels a marketer can tell apart: two choices with one label get their ids added. */
function uniqueLabels(choices) {
  const count = new Map();
  for (const c of choices) count.set(c.label, (count.get(c.label) ?? 0) + 1);
  return choices.map((c) => (count.get(c.label) > 1 ? { ...c, label: `${c.label} [${c.id}]` } : c));
}

/** The choice a preview forces in this slot, if any (an Adobe id may be written short or whole). */
function forcedChoice(slot, force) {
  for (const c of slot.choices) {
    const given = force[c.key] ?? (slot.kind == 'offer' ? force[slot.el.dataset.slotwiseActivity] : undefined);
    if (given == null) continue;
    if (given == c.id || (c.full && given == c.full)) return c;
  }
  return null;
}

/** What the sandbox says about a preview value: `{ audiences, utm, force, problems }`, or null. */
const checkPreview = (value) =>
  fetch(`${API}/sandbox/preview?value=${encodeURIComponent(value)}`)
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);

/** The catalog as the sandbox has it now, with its error and warnings. */
const catalogState = () =>
  fetch(`${API}/sandbox/catalog`)
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);

/** The drawer's parts that the refresh updates in place (so open disclosures stay open). */
let view = null;
/** Each opening of the drawer: an opening that a newer one (or closing) overtook draws nothing. */
let openings = 0;

/**
 * Where the page makes no room for the drawer (below 64rem), the drawer covers it: a modal dialog,
 * the page behind out of the keyboard's and the screen reader's reach (the tag's bar, outside the
 * page's own parts, stays usable). Beside the page, it is a panel like any other.
 */
const wideScreen = matchMedia('(min-width: 64rem)');
function coverPage() {
  const modal = !$('#preview').hidden && !wideScreen.matches;
  $('#preview').setAttribute('aria-modal', String(modal));
  for (const part of document.querySelectorAll('body > .skip, body > header, body > main, body > footer'))
    part.inert = modal;
}
wideScreen.addEventListener('change', coverPage);

/**
 * Opens the drawer, a panel beside the page (a non-modal dialog): its heading and Close button
 * show at once, and when the marketer opened it (`focus`), focus moves to its heading, so the next
 * Tabs reach Exit preview and the choices, not the page behind.
 */
async function openPreview({ focus = false } = {}) {
  const drawer = $('#preview');
  const opening = ++openings;
  drawer.hidden = false;
  coverPage();
  document.body.classList.add('preview-open');
  session.set(DRAWER_OPEN, 'open');
  $('#preview-toggle').setAttribute('aria-expanded', 'true');
  const head = h(
    'div',
    { class: 'preview-head' },
    h('h2', { id: 'preview-title', tabindex: '-1' }, 'Preview this page as'),
    h('button', { type: 'button', class: 'btn btn-small', onclick: () => closePreview() }, 'Close'),
  );
  drawer.replaceChildren(head);
  if (focus) $('#preview-title').focus();

  const value = previewValue();
  const preview = parsePreview(value);
  const [state, checked] = await Promise.all([catalogState(), value ? checkPreview(value) : null]);
  if (opening != openings || drawer.hidden) return;
  const catalog = state?.catalog ?? { flows: [], placements: [], offers: [] };
  const slots = slotsOnPage(catalog, state?.warnings ?? []);
  const catalogBox = h('div', { class: 'catalog-feedback' }, catalogFeedback(state));

  // The visitor: audiences (combinable) and a UTM campaign.
  const boxes = AUDIENCES.map(([id, label]) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'audience', value: id, checked: preview.audiences.includes(id) }),
      ` ${label}`,
    ),
  );
  const utm = h('input', { id: 'preview-utm', value: preview.utm, placeholder: 'spring_sale', size: 14 });

  const rows = slots.map((slot, i) => {
    const choices = uniqueLabels(slot.choices);
    const chosen = forcedChoice(slot, preview.force);
    const option = (c) =>
      h(
        'option',
        {
          value: `${c.key}=${c.id}`,
          selected: chosen == c || (chosen && chosen.key == c.key && chosen.id == c.id),
          disabled: c.disabled,
        },
        c.disabled ? `${c.label} — ${c.reason}` : c.label,
      );
    const groups = [...new Set(choices.map((c) => c.group))];
    const select = h(
      'select',
      { id: `preview-slot-${i}`, class: 'force', 'aria-label': `What ${slot.name} shows` },
      h('option', { value: '' }, 'Decided for the visitor'),
      groups.length > 1 || groups[0]
        ? groups.map((g) => h('optgroup', { label: g }, choices.filter((c) => c.group == g).map(option)))
        : choices.map(option),
    );
    const why = h('div', { class: 'why-body' }, h('p', { class: 'muted' }, 'Loading…'));
    return {
      slot,
      why,
      select,
      row: h(
        'li',
        { class: 'slot-row' },
        h(
          'div',
          { class: 'slot-head' },
          h('strong', { class: 'slot-name' }, slot.name),
          h('span', { class: 'state', 'data-for': slot.key }, slot.el.dataset.slotwiseState ?? 'waiting'),
        ),
        h('label', { class: 'show', for: `preview-slot-${i}` }, 'Show '),
        select,
        h(
          'details',
          { class: 'slot-ids' },
          h('summary', {}, 'Technical id', h('span', { class: 'sr-only' }, ` of ${slot.name}`)),
          h(
            'dl',
            {},
            slot.ids.map(([term, text]) => [h('dt', {}, term), h('dd', {}, h('code', {}, text))]),
          ),
        ),
        h('details', { class: 'why' }, h('summary', {}, `Why this? (${slot.name})`), why),
      ),
    };
  });

  const apply = () => {
    const force = {};
    for (const { select } of rows)
      if (select.value) {
        const eq = select.value.indexOf('=');
        force[select.value.slice(0, eq)] = select.value.slice(eq + 1);
      }
    applyPreview(
      formatPreview({
        audiences: boxes
          .map((b) => b.querySelector('input'))
          .filter((b) => b.checked)
          .map((b) => b.value),
        utm: utm.value.trim(),
        force,
      }),
    );
  };

  // Everything after the heading (moving the heading would take focus from it).
  while (head.nextSibling) head.nextSibling.remove();
  drawer.append(
    ...[
      value ? activePreview(value, preview, slots, checked) : null,
      catalogBox,
      h(
        'form',
        { class: 'preview-form', onsubmit: (e) => (e.preventDefault(), apply()) },
        h(
          'fieldset',
          { class: 'audiences' },
          h('legend', {}, 'Audiences (the visitor is in all that are ticked)'),
          boxes,
        ),
        h('p', {}, h('label', { for: 'preview-utm' }, 'UTM campaign '), utm),
        h('h3', {}, 'Slots on this page'),
        h(
          'ul',
          { class: 'slot-list' },
          rows.map((r) => r.row),
        ),
        h(
          'p',
          { class: 'preview-actions' },
          h('button', { type: 'submit', class: 'btn' }, 'Apply'),
          h('a', { href: withDebug() }, 'Open the slot inspector'),
        ),
      ),
      h('h2', {}, 'Visitor timeline'),
      h('div', { id: 'timeline' }, h('p', { class: 'muted' }, 'Loading…')),
    ].filter(Boolean),
  );
  view = { rows, catalogBox, catalogKey: catalogKey(state) };
  refreshTimeline();
}

/**
 * The preview in force, in words, with Exit, Copy link and Side by side; and, when the value
 * names what the catalog no longer has, what (from the sandbox's check).
 */
function activePreview(value, preview, slots, checked) {
  const forced = slots
    .map((slot) => {
      const choice = forcedChoice(slot, preview.force);
      return choice ? `${slot.name}: ${choice.label.replace(/ \(for .*\)$/, '')}` : null;
    })
    .filter(Boolean);
  const who = [
    preview.audiences.length ? preview.audiences.map(audienceName).join(' + ') : 'yourself (your own audiences)',
    preview.utm ? `from UTM campaign ${preview.utm}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const problems = checked?.problems ?? [];
  const status = h('p', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const manual = h('p', { class: 'copy-manual', hidden: true });
  const link = previewUrl(value);
  const copy = async () => {
    status.textContent = '';
    try {
      await navigator.clipboard.writeText(link);
      manual.hidden = true;
      status.textContent = 'Link copied';
    } catch {
      // No clipboard (an insecure origin, a refused permission): the link, selected, to copy by hand.
      const field = h('input', { readonly: true, value: link, 'aria-label': 'Preview link', class: 'link-field' });
      manual.replaceChildren(h('label', {}, 'Copy this link: ', field));
      manual.hidden = false;
      field.focus();
      field.select();
      status.textContent = 'Copying was refused: the link is selected, press Ctrl+C or ⌘C';
    }
  };
  return h(
    'section',
    { class: 'preview-active', 'aria-label': 'Preview in force' },
    h('p', {}, h('strong', {}, 'Previewing as '), who, '.'),
    forced.length
      ? h(
          'ul',
          { class: 'forced' },
          forced.map((f) => h('li', {}, `Forced: ${f}`)),
        )
      : null,
    h(
      'p',
      { class: 'muted' },
      'The page shows sample values (bag, name), the same for anyone who opens the link; its requests are marked and kept out of the counts.',
    ),
    h(
      'div',
      { class: 'preview-actions' },
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => applyPreview('') }, 'Exit preview'),
      h('button', { type: 'button', class: 'btn btn-small btn-light', onclick: copy }, 'Copy link'),
      h('a', { href: compareUrl(value), class: 'side-by-side' }, 'Side by side'),
    ),
    status,
    manual,
    problems.length
      ? h(
          'div',
          { class: 'problem', role: 'alert' },
          h('strong', {}, 'This preview names what the catalog no longer has:'),
          h(
            'ul',
            {},
            problems.map((p) => h('li', {}, p)),
          ),
          h('p', {}, 'Those parts are ignored: the slots decide as for the visitor.'),
        )
      : null,
  );
}

/** /preview/compare with this page as the preview in force, and as another audience beside it. */
function compareUrl(value) {
  const { audiences } = parsePreview(value);
  const other = AUDIENCES.map(([id]) => id).find((id) => !audiences.includes(id) && id != 'identified') ?? 'new';
  const page = new URL(location.href);
  page.searchParams.delete(PREVIEW_PARAM);
  page.searchParams.delete('slotwise_debug');
  return sideBySideUrl(page.pathname + page.search, [value, `audience=${other}`]);
}

/** What the drawer shows of the catalog's state: it is redrawn when this changes. */
const catalogKey = (state) => JSON.stringify(state ? [state.error, state.warnings, state.loadedAt] : null);

/** A broken catalog, prominently, and what in it can never show. */
function catalogFeedback(state) {
  if (!state)
    return h('p', { class: 'problem', role: 'alert' }, 'The sandbox does not answer: no catalog to preview from.');
  const error = state.error;
  const warnings = state.warnings ?? [];
  const at = (x) => (x.line ? `line ${x.line}, column ${x.column}` : '');
  return [
    error
      ? h(
          'div',
          { class: 'problem catalog-error', role: 'alert' },
          h('strong', {}, 'The campaign catalog has an error'),
          h('p', {}, typeof error == 'string' ? error : `${at(error) ? `${at(error)}: ` : ''}${error.message}`),
          h(
            'p',
            {},
            `In ${state.path}. Until it is fixed, the sandbox answers from the last good version${state.loadedAt ? ` (loaded at ${new Date(state.loadedAt).toLocaleTimeString()})` : ''}.`,
          ),
        )
      : null,
    warnings.length
      ? h(
          'details',
          { class: 'catalog-warnings', open: warnings.length <= 3 },
          h('summary', {}, `Catalog warnings (${warnings.length})`),
          h(
            'ul',
            {},
            warnings.map((w) =>
              h(
                'li',
                {},
                `${w.slot ? `${w.slot}${w.id ? ` · ${w.id}` : ''}: ` : ''}${w.message}${at(w) ? ` (${at(w)})` : ''}`,
              ),
            ),
          ),
        )
      : null,
  ];
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
  coverPage();
  document.body.classList.remove('preview-open');
  session.set(DRAWER_OPEN, null);
  $('#preview-toggle').setAttribute('aria-expanded', 'false');
  clearTimeout(timelineTimer);
  if (hadFocus) $('#preview-toggle').focus();
}

/** The guest's timeline and the slots' decisions as the sandbox keeps them, every two seconds while the drawer is open. */
let timelineRound = 0;
async function refreshTimeline() {
  clearTimeout(timelineTimer);
  const box = $('#timeline');
  if (!box || $('#preview').hidden) return;
  const round = ++timelineRound; // a newer refresh (the checkbox, say) supersedes this one
  const { browserId } = await slotwise('browserId');
  const get = (path) =>
    fetch(`${API}${path}${encodeURIComponent(browserId)}`)
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
  const [guest, traces, state] = await Promise.all([
    browserId ? get('/sandbox/guests/') : null,
    browserId ? get('/sandbox/decisions/') : null,
    catalogState(),
  ]);
  if (round != timelineRound) return;
  // A catalog edit (or its fix) shows while the drawer is open.
  if (view && catalogKey(state) != view.catalogKey) {
    view.catalogKey = catalogKey(state);
    view.catalogBox.replaceChildren(...[catalogFeedback(state)].flat().filter(Boolean));
  }
  box.replaceChildren(
    ...(guest ? timelineView(browserId, guest) : [h('p', { class: 'muted' }, 'No events from this browser yet.')])
      .flat()
      .filter(Boolean),
  );
  showWhy(traces?.decisions ?? []);
  showSlotStates();
  timelineTimer = setTimeout(refreshTimeline, 2000);
}

/** Each slot's "Why this?": the newest decision the sandbox traced for it. */
function showWhy(traces) {
  for (const { slot, why } of view?.rows ?? []) {
    const trace = traces.findLast((t) => slot.matches(t.slot));
    const stamp = trace ? `${trace.at}:${trace.slot}` : '';
    if (why.dataset.trace == stamp && stamp) continue; // unchanged: keep the open answer open
    why.dataset.trace = stamp;
    why.replaceChildren(...(trace ? whyView(trace) : [h('p', { class: 'muted' }, 'No decision for this slot yet.')]));
  }
}
function whyView(t) {
  const as = [
    t.as?.audiences?.length ? t.as.audiences.map(audienceName).join(' + ') : 'in no audience',
    t.as?.utm ? `UTM ${t.as.utm}` : 'no UTM campaign',
    t.as?.pageType ? `page type ${t.as.pageType}` : null,
  ].filter(Boolean);
  const item = (x) => `${x.name ?? x.id}${x.name && x.id ? ` (${x.id})` : ''}`;
  return [
    h(
      'dl',
      { class: 'why-facts' },
      h('dt', {}, 'Decided for'),
      h('dd', {}, `${as.join(', ')}${t.preview ? ' (preview)' : ''}`),
      t.forced
        ? [
            h('dt', {}, 'Forced'),
            h(
              'dd',
              {},
              t.forced.found ? t.forced.id : `${t.forced.id}: no longer exists, so it decided as for the visitor`,
            ),
          ]
        : null,
      h('dt', {}, 'Chosen'),
      h(
        'dd',
        {},
        t.chosen
          ? `${item(t.chosen)}: ${t.chosen.rule}${t.chosen.score != null ? ` (score ${t.chosen.score})` : ''}`
          : 'nothing: the slot keeps its own content',
      ),
      t.skipped?.length
        ? [
            h('dt', {}, 'Skipped'),
            h(
              'dd',
              {},
              h(
                'ul',
                {},
                t.skipped.map((s) => h('li', {}, `${item(s)}: ${s.reason}`)),
              ),
            ),
          ]
        : null,
      h('dt', {}, 'When'),
      h('dd', {}, `${new Date(t.at).toLocaleTimeString()}, ${t.api} API, ${t.ms} ms`),
    ),
    h(
      'details',
      { class: 'answer' },
      h('summary', {}, 'The API’s answer'),
      h('pre', {}, JSON.stringify(t.answer, null, 2)),
    ),
  ];
}

/** The drawer's State column follows the slots as the tag decides them. */
function showSlotStates() {
  for (const { slot, row } of view?.rows ?? []) {
    const state = row.querySelector('.state');
    if (slot.el.dataset.slotwiseState && state) state.textContent = slot.el.dataset.slotwiseState;
  }
}
new MutationObserver(() => {
  showSlotStates();
  // A slot just decided: its Why this? is read soon, not at the next two-second round.
  if (view && !$('#preview').hidden) {
    clearTimeout(timelineTimer);
    timelineTimer = setTimeout(refreshTimeline, 300);
  }
}).observe(document.body, {
  subtree: true,
  attributeFilter: ['data-slotwise-state'],
});

/**
 * The two bags, each named for what it is: the header counts the shop's own bag (this browser's
 * storage); the personalization API counts the ADD events of the visitor's current session, so it
 * starts empty after a session ends (Force close, or 20 minutes idle) while the shop keeps its bag.
 */
function bagLines(guest) {
  const api = (guest.cart ?? []).reduce((n, l) => n + l.quantity, 0);
  const items = (n) => `${n} ${n == 1 ? 'item' : 'items'}`;
  return h(
    'ul',
    { class: 'bags' },
    h('li', {}, `Shop's bag (the header's count, kept in this browser): ${items(cartCount())}`),
    h(
      'li',
      {},
      `Bag in the API's current session: ${items(api)}`,
      guest.abandonedValue ? ` · left in earlier sessions: ${money(guest.abandonedValue)}` : '',
      api != cartCount() ? ' (a new session starts with an empty bag; the shop keeps its own)' : '',
    ),
    previewValue()
      ? h('li', {}, 'The previewed page shows sample values instead (the same for everyone who opens the link).')
      : null,
  );
}

/** Events whose fields the marketer opened (by ref) stay open across refreshes; slot events are shown on request. */
const openEvents = new Set();
let withSlotEvents = false;

function timelineView(browserId, guest) {
  const time = (iso) => new Date(iso).toLocaleTimeString();
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
    bagLines(guest),
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
  // A path on the shop only: `//host` and `/\host` lead to another site.
  const link = onShop(data.href) ? data.href : undefined;
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
// The drawer stays open from page to page of the tab until the marketer closes it; a preview link
// that names what the catalog no longer has opens it, to say so.
// A page framed by Side by side (which shares this tab's session storage) never opens it itself.
const framed = window.top !== window;
const wasOpen = framed ? null : session.get(DRAWER_OPEN);
const linked = framed ? null : new URL(location.href).searchParams.get(PREVIEW_PARAM);
if (wasOpen == 'toggle') {
  session.set(DRAWER_OPEN, null);
  $('#preview-toggle').focus();
} else if (wasOpen) openPreview({ focus: wasOpen == 'focus' });
else if (linked) checkPreview(linked).then((checked) => checked?.problems?.length && openPreview());
// Previewing keeps the choices across pages; the drawer's button says so.
if (previewValue()) $('#preview-toggle').textContent = 'Previewing…';
