// Side by side (/preview/compare?page=/&as=<preview value>&as=<preview value>): the same shop page
// as two to four audiences at once. Each frame is the page on the shop's own origin with its own
// `slotwise_preview` in its URL (frames of one tab share sessionStorage, but the tag reads the
// preview from each frame's URL first, so each keeps its own). Once every frame's slots are
// decided, the slots whose content differs are outlined in each frame and marked in a table.
// Runs under the shop's strict CSP: the DOM is built with h(), styles are set through CSSOM.

import {
  AUDIENCES,
  PREVIEW_PARAM,
  PREVIEW_STORE,
  SLOTS,
  audienceName,
  forcedParts,
  formatPreview,
  h,
  onShop,
  parsePreview,
  readable,
  session,
  sideBySideUrl,
} from './kit.js';

const MIN = 2;
const MAX = 4;
/** How long to wait for every frame's slots before comparing what there is. */
const WAIT_MS = 10000;
const $ = (selector) => document.querySelector(selector);

/**
 * The tab's own preview, as the tag keeps it in the tab's session storage (under the shop's client
 * key). Each frame's tag keeps its frame's preview there too (one tab, one origin): put back what
 * the tab had, so leaving side by side never leaves the tab previewing the last frame's audience.
 */
const tabPreview = session.get(PREVIEW_STORE);
const restoreTabPreview = () => session.set(PREVIEW_STORE, tabPreview);

// ---- Preview values and URLs ----------------------------------------------------------------

/** What a value previews, in words. */
function describeValue(value) {
  if (!value) return 'No preview (as you are)';
  const { audiences, utm, force } = parsePreview(value);
  const rest = forcedParts(force);
  return [
    audiences.map(audienceName).join(' + '),
    utm ? `UTM ${utm}` : '',
    rest.length ? `forcing ${rest.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The page path without a preview of its own; only paths on the shop, never this page itself. */
function cleanPath(path) {
  if (!onShop(path)) return '/';
  const url = new URL(path, location.origin);
  // `/.//evil.example` resolves to the path `//evil.example`, which a frame's src would take as
  // another origin: one leading slash only.
  const pathname = url.pathname.replace(/^\/+/, '/');
  if (url.origin != location.origin || pathname == location.pathname) return '/';
  if (url.searchParams.has(PREVIEW_PARAM)) url.searchParams.delete(PREVIEW_PARAM);
  return pathname + url.search;
}
const frameUrl = (page, value) => `${page}${page.includes('?') ? '&' : '?'}${PREVIEW_PARAM}=${readable(value)}`;
const compareUrl = (state) => sideBySideUrl(state.page, state.values);

/** The comparison the URL asks for: 2 to 4 frames. */
function readState() {
  const query = new URLSearchParams(location.search);
  const values = query.getAll('as').slice(0, MAX);
  const note = query.getAll('as').length > MAX ? `Showing the first ${MAX} audiences of the link.` : '';
  for (const [id] of AUDIENCES) {
    if (values.length >= MIN) break;
    if (!values.includes(`audience=${id}`)) values.push(`audience=${id}`);
  }
  return { page: cleanPath(query.get('page') ?? '/'), values, note };
}

let state = readState();
/** Writes the state into the URL, so the comparison can be shared. */
function save() {
  const url = compareUrl(state);
  state.note = '';
  if (url != location.pathname + location.search) history.pushState(null, '', url);
}

// ---- Frames ---------------------------------------------------------------------------------

/** @type {{ value: string, page: string, section: HTMLElement, head: HTMLElement, view: HTMLElement, frame: HTMLIFrameElement, pending: string, loading: boolean, loadedAt: number, since: number }[]} */
const cards = [];

/**
 * Each frame lays the page out at its own width, but never narrower than a phone (PHONE px):
 * a narrower frame (four at 1280 px are about 300 px each) shows the phone layout scaled down
 * just enough to fit (about 0.8, text about 13 px), so every slot stays readable. Scaling a
 * desktop width into a quarter of the screen would make the text unreadable; the table below
 * says what each slot shows in words at any width.
 */
const PHONE = 390;
const fit = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const frame = target.firstElementChild;
    const width = target.clientWidth;
    const scale = Math.min(1, width / PHONE);
    // CSSOM, which the CSP allows (it forbids style attributes in markup, not these).
    frame.style.width = `${width / scale}px`;
    frame.style.height = `${target.clientHeight / scale}px`;
    frame.style.transform = scale < 1 ? `scale(${scale})` : '';
  }
});

function frameLabel(i) {
  return `Frame ${i + 1}: ${describeValue(state.values[i])}`;
}

function makeCard(i) {
  const card = { value: '', page: '', pending: '', loading: false, loadedAt: 0, since: 0 };
  card.frame = h('iframe', { class: 'cmp-frame', loading: 'eager' });
  card.frame.addEventListener('load', () => frameLoaded(card));
  // Only the head is redrawn: an iframe moved in the DOM would load its page again.
  card.head = h('div', { class: 'cmp-head' });
  card.view = h('div', { class: 'cmp-view' }, card.frame);
  card.section = h('section', { class: 'cmp-card', 'aria-labelledby': `cmp-title-${i}` }, card.head, card.view);
  fit.observe(card.view);
  cards[i] = card;
  return card;
}

/** The audience picker of frame i: the five audiences (combinable) and a UTM campaign. */
function picker(i) {
  const value = state.values[i];
  const { audiences, utm, force } = parsePreview(value);
  const rest = forcedParts(force);
  const known = new Set(AUDIENCES.map(([id]) => id));
  const form = h(
    'form',
    {
      class: 'cmp-pick-form',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        const chosen = AUDIENCES.map(([id]) => id).filter((id) => data.getAll('audience').includes(id));
        const next = formatPreview({
          audiences: [...chosen, ...audiences.filter((a) => !known.has(a))],
          utm: String(data.get('utm') ?? '').replace(/[\s;,=]/g, ''),
          force,
        });
        event.target.closest('details').open = false;
        if (next == state.values[i]) return;
        state.values[i] = next;
        save();
        render();
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Audiences (a visitor in all of them)'),
      AUDIENCES.map(([id, label]) =>
        h(
          'label',
          { class: 'cmp-check' },
          h('input', { type: 'checkbox', name: 'audience', value: id, checked: audiences.includes(id) }),
          ` ${label}`,
        ),
      ),
    ),
    h(
      'label',
      { class: 'cmp-utm' },
      'UTM campaign ',
      h('input', { name: 'utm', value: utm, placeholder: 'spring_sale', size: 12, spellcheck: 'false' }),
    ),
    rest.length ? h('p', { class: 'cmp-muted' }, `Also forced, kept as is: ${rest.join('; ')}`) : null,
    h('button', { type: 'submit', class: 'cmp-btn' }, 'Apply'),
  );
  return h(
    'details',
    {
      class: 'cmp-pick',
      // Escape closes the picker and leaves the focus on its button.
      onkeydown: (event) => {
        if (event.key != 'Escape' || !event.currentTarget.open) return;
        event.currentTarget.open = false;
        event.currentTarget.querySelector('summary').focus();
      },
    },
    h('summary', { 'aria-label': `Change the audience of frame ${i + 1}` }, 'Audience…'),
    form,
  );
}

/** Brings the frames in line with the state: only frames whose page or value changed reload. */
function render() {
  $('#cmp-path').value = state.page;
  $('#cmp-add').disabled = state.values.length >= MAX;
  const box = $('#cmp-frames');
  box.dataset.count = String(state.values.length);
  cards.splice(state.values.length).forEach((card) => card.section.remove());
  state.values.forEach((value, i) => {
    const card = cards[i] ?? makeCard(i);
    const label = frameLabel(i);
    card.head.replaceChildren(
      h('h2', { id: `cmp-title-${i}`, class: 'cmp-title', title: label }, label),
      picker(i),
      h(
        'button',
        {
          type: 'button',
          class: 'cmp-btn cmp-remove',
          disabled: state.values.length <= MIN,
          'aria-label': `Remove frame ${i + 1}`,
          onclick: () => {
            state.values.splice(i, 1);
            save();
            render();
          },
        },
        'Remove',
      ),
    );
    card.frame.title = `${state.page} as ${describeValue(value)}`;
    if (card.value !== value || card.page !== state.page) {
      card.value = value;
      card.page = state.page;
      card.loadedAt = 0;
      card.since = Date.now();
      card.pending = frameUrl(state.page, value);
    }
    if (!card.section.isConnected) box.append(card.section);
  });
  lastSeen = '';
  showStatus();
  loadNext();
}

/**
 * Frames load one after another, each once the one before has loaded: loaded all at once they
 * compete for the same machine and the same first visit, and slots that a lone page decides in
 * time would show their defaults.
 */
function loadNext() {
  if (cards.some((c) => c.loading && Date.now() - c.since < 3000)) return;
  const next = cards.find((c) => c.pending);
  if (!next) return;
  next.frame.src = next.pending;
  next.pending = '';
  next.loading = true;
  next.since = Date.now();
}

/** A frame loaded a page: keep it on its audience, and follow a link clicked in it with every frame. */
function frameLoaded(card) {
  let doc;
  try {
    doc = card.frame.contentDocument;
  } catch {
    doc = null;
  }
  if (!doc || doc.location.href == 'about:blank') return;
  const loc = doc.location;
  const shown = new URLSearchParams(loc.search).get(PREVIEW_PARAM);
  const path = cleanPath(loc.pathname + loc.search);
  if (path != state.page) {
    // A link followed in one frame: every frame shows that page, each as its audience.
    state.page = path;
    if (shown === card.value) card.page = path;
    save();
    render();
    if (card.page != path) return;
  } else if (shown !== card.value) {
    // Left its preview (the bar's Exit, say): a compared frame always shows its audience.
    card.since = Date.now();
    card.loading = true;
    card.frame.src = frameUrl(state.page, card.value);
    return;
  }
  card.loadedAt = Date.now();
  card.loading = false;
  loadNext();
  // The shop's drawer opens by itself on a preview link; the frames show the page as visitors see it.
  const toggle = doc.getElementById('preview-toggle');
  if (toggle?.getAttribute('aria-expanded') == 'true') toggle.click();
  tick();
}

// ---- Comparing ------------------------------------------------------------------------------

const normal = (text) => (text ?? '').replace(/\s+/g, ' ').trim();
const slotKey = (el) =>
  el.getAttribute('data-slotwise-flow') ??
  el.getAttribute('data-slotwise-placement') ??
  el.getAttribute('data-slotwise-offer');
const sourceOf = (el) =>
  el.hasAttribute('data-slotwise-flow') ? 'flow' : el.hasAttribute('data-slotwise-placement') ? 'placement' : 'offer';

/** What a slot shows: its state, visible text, images and links (the signature), and in a few words. */
function look(el) {
  const state = el.getAttribute('data-slotwise-state') ?? 'waiting';
  const text = normal(el.innerText ?? el.textContent);
  const images = [...el.querySelectorAll('img')].map((img) => img.getAttribute('src') ?? '');
  const links = [...el.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'));
  const heading = normal(el.querySelector('h1,h2,h3,h4,h5,h6')?.textContent);
  const firstLine = (el.innerText ?? el.textContent ?? '').split('\n').map(normal).find(Boolean);
  const alts = [...el.querySelectorAll('img[alt]')].map((img) => img.alt).filter(Boolean);
  const what = heading || firstLine || alts.join(', ') || (images.length ? `${images.length} image(s)` : 'nothing');
  const words = {
    decided: what,
    collapsed: 'collapsed',
    default: `default: ${what}`,
    timeout: `timed out: ${what}`,
    error: `error: ${what}`,
    waiting: 'still waiting',
  };
  return {
    signature: JSON.stringify([state, text, images, links]),
    state,
    text: words[state] ?? `${state}: ${what}`,
  };
}

/** Every frame's slots, once its page loaded; null while a frame is still loading. */
function slotsOf(card) {
  if (!card.loadedAt) return null;
  try {
    return [...card.frame.contentDocument.querySelectorAll(SLOTS)];
  } catch {
    return null;
  }
}

let lastSeen = '';

function showStatus(text) {
  const note = state.note ? ` ${state.note}` : '';
  $('#cmp-status').textContent =
    (text ?? `Loading ${state.values.length} frames of ${state.page}, then comparing their slots…`) + note;
}

/** Checks the frames; compares them once every slot is decided, or after WAIT_MS with what there is. */
function tick() {
  const all = cards.map(slotsOf);
  const ready = all.every((slots) => slots && slots.every((el) => el.hasAttribute('data-slotwise-state')));
  const waited = Date.now() - Math.max(...cards.map((c) => c.since)) > WAIT_MS;
  if (!ready && !waited) return;
  const looks = all.map((slots) => new Map((slots ?? []).map((el) => [slotKey(el), { el, ...look(el) }])));
  const seen = JSON.stringify(looks.map((m) => [...m].map(([k, v]) => [k, v.signature])));
  if (seen == lastSeen) return;
  lastSeen = seen;
  compare(looks, ready);
}

function compare(looks, ready) {
  /** Every slot of any frame, in page order. */
  const keys = [];
  const sources = new Map();
  for (const frame of looks)
    for (const [key, { el }] of frame) if (!sources.has(key)) (keys.push(key), sources.set(key, sourceOf(el)));
  const rows = keys.map((key) => {
    const cells = looks.map((frame) => frame.get(key));
    const differs = new Set(cells.map((c) => c?.signature ?? 'absent')).size > 1;
    for (const cell of cells) if (cell) mark(cell.el, differs);
    return { key, cells, differs };
  });
  const differing = rows.filter((r) => r.differs).length;
  const late = cards.filter((c, i) => !c.loadedAt || rows.some((r) => r.cells[i]?.state == 'waiting'));
  showStatus(
    `${rows.length} slots compared on ${state.page}: ${differing} differ${differing == 1 ? 's' : ''}` +
      (ready ? '.' : `; still waiting in ${late.map((c) => `frame ${cards.indexOf(c) + 1}`).join(', ')}.`),
  );
  $('#cmp-table').replaceChildren(
    rows.length ? table(rows, sources, differing, ready) : h('p', {}, `${state.page} has no slots.`),
  );
}

function table(rows, sources, differing, ready) {
  return h(
    'table',
    { class: 'cmp-table', 'data-ready': ready ? 'true' : 'false' },
    h('caption', { class: 'cmp-caption' }, `${differing} of ${rows.length} slots differ between the frames`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Slot'),
        state.values.map((_, i) => h('th', { scope: 'col' }, frameLabel(i))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          { class: row.differs ? 'cmp-differs' : '', 'data-slot': row.key },
          h(
            'th',
            { scope: 'row' },
            h('code', {}, row.key),
            ' ',
            h('span', { class: 'cmp-source' }, sources.get(row.key)),
            row.differs ? [' ', h('span', { class: 'cmp-badge' }, 'differs')] : null,
          ),
          row.cells.map((cell) => h('td', {}, cell ? cell.text : 'not on this page')),
        ),
      ),
    ),
  );
}

/** Outlines a differing slot inside its frame (CSSOM: the shop's CSP allows it, markup styles it does not). */
function mark(el, differs) {
  if (differs) {
    el.style.setProperty('outline', '4px solid #7b2cbf', 'important');
    el.style.setProperty('outline-offset', '2px', 'important');
    el.setAttribute('data-slotwise-compare', 'differs');
  } else if (el.hasAttribute('data-slotwise-compare')) {
    el.style.removeProperty('outline');
    el.style.removeProperty('outline-offset');
    el.removeAttribute('data-slotwise-compare');
  }
}

// ---- Wiring ---------------------------------------------------------------------------------

$('#cmp-page').addEventListener('submit', (event) => {
  event.preventDefault();
  state.page = cleanPath($('#cmp-path').value.trim() || '/');
  save();
  render();
});
$('#cmp-add').addEventListener('click', () => {
  if (state.values.length >= MAX) return;
  const unused = AUDIENCES.find(([id]) => !state.values.includes(`audience=${id}`));
  state.values.push(`audience=${unused?.[0] ?? 'new'}`);
  save();
  render();
});
$('#cmp-copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    showStatus('Link copied: it opens this comparison for anyone.');
  } catch {
    showStatus(`Copy this link: ${location.href}`);
  }
});
addEventListener('popstate', () => {
  state = readState();
  render();
});

// Opened from inside a frame (a link to side by side in a framed page): it takes the whole tab.
if (window.top != window) window.top.location.assign(location.href);
else {
  history.replaceState(null, '', compareUrl(state));
  render();
}
// Slots decide, re-decide and collapse in their own time: look again while the page is open.
setInterval(() => (loadNext(), tick(), restoreTabPreview()), 400);
addEventListener('pagehide', restoreTabPreview);
