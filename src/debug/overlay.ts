// The preview bar (?slotwise_debug=1, or a marketer's preview). It takes one line at the bottom of
// the page: what is previewed and how many slots were decided, with buttons to list the slots, to
// label them, and to leave the preview. The list says, per slot, what it shows by name (the
// creative's alt or text, the offer's name) and, one click away, what the vendor's answer says
// (ids, score, fallback, time). Labels, when asked for, sit outside every slot's box, never over
// it. The bar's height is published as `--slotwise-bar-height` on the root element and kept as a
// spacer at the end of the body, so nothing at the page's end is hidden under it. Loaded on
// demand, never in the core. Everything is built with textContent: names from an API are text,
// never HTML.
import { STATE, stateOf } from '../shared/markup';
import type { Decision, SlotReport } from '../types/decision';
import type { PreviewControl, ShowOverlay } from '../types/parts';

type Slot = [HTMLElement, SlotReport | undefined];

const BAR = '.slotwise-bar';
const CSS = `
.slotwise-layer{position:absolute;left:0;top:0;width:0;height:0;margin:0;padding:0;border:0}
.slotwise-label{position:absolute;z-index:2147483645;box-sizing:border-box;font:12px/16px system-ui,sans-serif;
background:#111;color:#fff;padding:1px 6px;border-radius:3px;pointer-events:none;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}
.slotwise-ring{position:absolute;z-index:2147483645;border:3px solid #ffd33d;box-shadow:0 0 0 2px #111;
border-radius:4px;pointer-events:none}.slotwise-ring[hidden]{display:none}
${BAR}{position:fixed;left:0;right:0;bottom:0;z-index:2147483646;box-sizing:border-box;margin:0;padding:4px 8px;
font:13px/1.4 system-ui,sans-serif;text-align:left;background:#111;color:#fff;box-shadow:0 -1px 0 #444}
${BAR} *{box-sizing:border-box}${BAR} [hidden]{display:none!important}
${BAR} p{margin:0}${BAR} small{color:#d0d7de}
${BAR} .slotwise-line{display:flex;align-items:center;gap:6px}
${BAR} .slotwise-line>span{flex:1;min-width:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
${BAR} button{display:inline-block;float:none;width:auto;height:auto;text-transform:none;flex:none;margin:0;font:inherit;color:#fff;background:#2d333b;border:1px solid #8b949e;
border-radius:3px;padding:1px 8px;min-height:24px;cursor:pointer;white-space:nowrap}
${BAR} button[aria-pressed=true]{background:#ffd33d;color:#111}
${BAR} button:focus-visible{outline:2px solid #ffd33d;outline-offset:1px}
${BAR} .slotwise-line>[aria-expanded]::after{content:" \\25B4"/""}${BAR} .slotwise-line>[aria-expanded=true]::after{content:" \\25BE"/""}
${BAR} .slotwise-more{max-height:40vh;overflow:auto;margin-top:4px;border-top:1px solid #444;padding-top:4px}
${BAR} .slotwise-more>p{overflow-wrap:break-word}${BAR} .slotwise-part{display:inline-block;max-width:100%}
${BAR} table{border-collapse:collapse;width:100%}${BAR} caption{text-align:left;font-weight:600}
${BAR} th,${BAR} td{text-align:left;vertical-align:top;padding:3px 8px 3px 0;overflow-wrap:break-word}
${BAR} td:first-child button{background:none;border:0;padding:0;text-align:left;text-decoration:underline;white-space:normal}
${BAR} dl{display:grid;grid-template-columns:auto 1fr;gap:0 10px;margin:0 0 6px;font:12px/1.4 ui-monospace,monospace}
${BAR} dd{margin:0;overflow-wrap:anywhere}
@media (max-width:600px){${BAR} .slotwise-more{max-height:50vh}}`;

/** Slots are outlined only while their labels are shown: the page is otherwise seen as it is. */
const OUTLINES = `
[${STATE}]{outline:2px dashed #888;outline-offset:0}
[${STATE}=decided]{outline-color:#1a7f37}
[${STATE}=timeout],[${STATE}=error]{outline-color:#cf222e}`;

/** What a label must never sit on: the page's own controls and text (slots are avoided apart). */
const CONTROLS = 'a[href],button,input,select,textarea,summary,[tabindex],h1,h2,h3,h4,h5,h6,p,li,label,img,td,th';

const STATES = ['decided', 'default', 'collapsed', 'timeout', 'error', 'waiting'];

/** The tab's choices for the bar (`e`: expanded, `l`: labels), kept for its session. Storage may be missing or throw. */
const KEY = 'slotwise:bar';
function remembered(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}
function remember(value: string): void {
  try {
    sessionStorage.setItem(KEY, value);
  } catch {
    // Kept for this page only.
  }
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = '',
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.textContent = text;
  el.append(...children);
  return el;
}

function button(text: string, onclick: () => void): HTMLButtonElement {
  const b = element('button', text);
  b.type = 'button';
  b.onclick = onclick;
  return b;
}

/**
Text that may wrap after its punctuation (`home_page.` `promo_1`, `xcore:` `activity:` …,
`audience=` `new;` …), and nowhere else: a name never breaks mid-word (nor inside `promo_1`).
*/
export function breakable(text: string): Node[] {
  return text
    .replace(/[.:|/;,=&]/g, '$&\0')
    .split('\0')
    .flatMap((part, i) => (i ? [document.createElement('wbr'), new Text(part)] : [new Text(part)]));
}

/** The last `:` segment of an Adobe id (`xcore:offer-activity:ffed0123` → `ffed0123`), as previews may write it. */
const short = (id = '') => id.slice(id.lastIndexOf(':') + 1);

/** The slot as a marketer names it: a flow's friendlyId, a placement's name, an Adobe activity. */
const slotName = ([el, report]: Slot) =>
  report?.decision?.campaignName && report.source === 'offer'
    ? report.decision.campaignName
    : report?.source === 'offer'
      ? short(report.id.split('|')[1])
      : (report?.id ?? el.tagName.toLowerCase());

/**
What the slot shows, by name: the creative's or offer's name, its alt or text, else its campaign's
name; never an image URL.
*/
function showing(d: Decision | undefined, state: string): string {
  const content = d?.content;
  if (!content) return state === 'waiting' ? 'waiting for its decision' : 'its own default content';
  const items = content.kind === 'creative' ? content.items : [];
  const name =
    d.creativeName ??
    items.map((item) => item.alt ?? item.text).find(Boolean) ??
    campaignOf(d) ??
    (content.kind === 'json' ? 'data for the page' : content.kind === 'html' ? 'HTML' : 'an image');
  return `${name}${items.length > 1 ? ` and ${items.length - 1} more` : ''}${d.fallback ? ' (fallback)' : ''}`;
}

/** The campaign by name, when the answer has one: an Adobe activity's id is in the details. */
const campaignOf = (d: Decision | undefined) => d?.campaignName ?? (d?.source === 'offer' ? undefined : d?.campaign);

/** What the vendor's answer says about this slot, field by field. */
function details([el, report]: Slot): [string, string][] {
  const d = report?.decision;
  const content = d?.content;
  return (
    [
      ['source', report?.source],
      ['slot id', report?.id],
      ['state', stateOf(el) ?? 'waiting'],
      // Algonomy's campaign is its name; Adobe's is the activity's id, its name apart.
      ['campaign', d?.campaignName ?? d?.campaign],
      ['campaign id', d?.campaignName && d.campaign],
      ['creative', d?.creativeName],
      ['creative id', d?.creative],
      ['score', d?.score],
      ['fallback', d?.fallback && 'yes, the activity had no option for this visitor'],
      ['time', report?.ms !== undefined && `${report.ms} ms`],
      [
        'content',
        content
          ? `${content.kind}${content.kind === 'creative' ? ` (${content.items.length} item${content.items.length === 1 ? '' : 's'})` : ''}`
          : report?.decision && 'none: the slot keeps its default',
      ],
    ] as [string, unknown][]
  )
    .filter(([, value]) => value !== undefined && value !== false && value !== '')
    .map(([name, value]) => [name, String(value)]);
}

/** One slot's rows in the list, kept across redraws: focus and an open disclosure stay where they are. */
interface Line {
  rows: [HTMLTableRowElement, HTMLTableRowElement];
  update(slot: Slot): void;
}

function line(go: (el: HTMLElement) => void, id: string): Line {
  let target: HTMLElement | undefined;
  let shown = '';
  const name = button('', () => {
    if (target) go(target);
  });
  name.title = 'Scroll to this slot';
  const state = element('td');
  const shows = element('td');
  const list = element('dl');
  const more = element('tr', '', element('td', '', list));
  (more.firstChild as HTMLTableCellElement).colSpan = 4;
  more.hidden = true;
  more.id = id;
  const toggle = button('Details', () => {
    more.hidden = !more.hidden;
    toggle.setAttribute('aria-expanded', String(!more.hidden));
  });
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', id);
  const main = element('tr', '', element('td', '', name), state, shows, element('td', '', toggle));
  return {
    rows: [main, more],
    update(slot) {
      const [el, report] = slot;
      target = el;
      const title = slotName(slot);
      const now = stateOf(el) ?? 'waiting';
      const campaign = campaignOf(report?.decision);
      const what = showing(report?.decision, now);
      const answer = details(slot);
      // Unchanged rows are left alone: an id being selected to copy stays selected.
      const key = JSON.stringify([title, now, campaign, what, answer]);
      if (key === shown) return;
      shown = key;
      name.replaceChildren(...breakable(title));
      toggle.setAttribute('aria-label', `Details: ${title}`);
      state.textContent = now;
      shows.replaceChildren(
        ...breakable(what),
        ...(campaign && !what.startsWith(campaign)
          ? [element('br'), element('small', '', 'campaign ', ...breakable(campaign))]
          : []),
      );
      list.replaceChildren(
        ...answer.flatMap(([term, value]) => [element('dt', term), element('dd', '', ...breakable(value))]),
      );
    },
  };
}

/** "7 slots: 6 decided, 1 default". */
function counted(slots: Slot[]): string {
  const states = slots.map(([el]) => stateOf(el) ?? 'waiting');
  const parts = STATES.map((state) => [states.filter((s) => s === state).length, state] as const)
    .filter(([n]) => n)
    .map(([n, state]) => `${n} ${state}`);
  return `${slots.length} slot${slots.length === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

type Box = { left: number; top: number; right: number; bottom: number };
const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
/** A box in the page's coordinates (labels scroll with the page). */
const onPage = (box: Box): Box => ({
  left: box.left + scrollX,
  right: box.right + scrollX,
  top: box.top + scrollY,
  bottom: box.bottom + scrollY,
});

export const showOverlay: ShowOverlay = (slots, nonce, preview) => {
  const root = document.documentElement;
  const style = element('style', CSS);
  const outlines = element('style', OUTLINES);
  style.nonce = outlines.nonce = nonce;
  // Labels and the ring are placed from this box's corner, wherever the page puts it (a body
  // positioned and centred is the labels' containing block, not the document).
  const layer = Object.assign(element('div'), { className: 'slotwise-layer' });
  const labels = element('div');
  const ring = Object.assign(element('div'), { className: 'slotwise-ring', hidden: true });
  layer.append(labels, ring);
  // Labels repeat the bar's list for the eye; read aloud they would only repeat it out of place.
  layer.setAttribute('aria-hidden', 'true');
  const spacer = element('div');
  spacer.setAttribute('aria-hidden', 'true');
  // Shown whatever the site says of empty divs (`div:empty{display:none}`): it is the page's room.
  spacer.style.setProperty('display', 'block', 'important');
  const panel = Object.assign(element('div'), { className: 'slotwise-bar' });
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-label', 'Slotwise preview');

  let choices = remembered();
  const choose = (flag: string, on: boolean) => {
    choices = choices.replace(flag, '') + (on ? flag : '');
    remember(choices);
  };

  const summary = element('span');
  const moreId = `slotwise-more-${Math.random().toString(36).slice(2, 8)}`;
  const more = Object.assign(element('div'), { className: 'slotwise-more', id: moreId });
  const expand = button('Slots', () => {
    show(more.hidden);
  });
  expand.setAttribute('aria-controls', moreId);
  const show = (open: boolean) => {
    more.hidden = !open;
    expand.setAttribute('aria-expanded', String(open));
    choose('e', open);
    sync(); // the room at the page's end follows at once
  };
  // Escape closes the list from within it, and focus goes back to its button.
  more.onkeydown = (event) => {
    if (event.key !== 'Escape') return;
    show(false);
    expand.focus();
  };
  const labelling = button('Labels', () => {
    label(labelling.getAttribute('aria-pressed') !== 'true');
  });
  const label = (on: boolean) => {
    labelling.setAttribute('aria-pressed', String(on));
    outlines.media = on ? 'all' : 'not all';
    choose('l', on);
    later();
  };
  const bar = element('p', '', summary, expand, labelling);
  bar.className = 'slotwise-line';
  if (preview) bar.append(exitButton(preview));
  const tbody = element('tbody');
  const head = element('tr');
  for (const name of ['Slot', 'State', 'Shows', 'Answer']) head.append(element('th', name));
  // The counts again, for a phone, where the one line shows only their start.
  const caption = element('caption');
  const table = element('table', '', caption, element('thead', '', head), tbody);
  if (preview) more.append(element('p', 'Preview: ', element('code', '', ...previewParts(preview.value))));
  more.append(table);
  panel.append(bar, more);
  document.head.append(style, outlines);
  document.body.append(layer, panel, spacer);

  /** Publishes the bar's height, and keeps as much room at the page's end. */
  const sync = () => {
    // An app that swapped the body, or rendered its view over the body's content, took the bar with it.
    if (!panel.isConnected) document.body.append(layer, panel);
    const height = `${Math.ceil(panel.getBoundingClientRect().height)}px`;
    root.style.setProperty('--slotwise-bar-height', height);
    spacer.style.height = height;
    if (document.body.lastElementChild !== spacer) document.body.append(spacer);
  };

  let hideRing: ReturnType<typeof setTimeout> | undefined;
  /** Scrolls the slot into the part of the screen the bar leaves free, and rings it for a moment. */
  const go = (el: HTMLElement) => {
    const box = el.getBoundingClientRect();
    const room = innerHeight - panel.offsetHeight;
    scrollBy(0, box.top - Math.max(8, (room - box.height) / 2));
    const at = el.getBoundingClientRect();
    const origin = layer.getBoundingClientRect();
    Object.assign(ring.style, {
      left: `${at.left - origin.left - 5}px`,
      top: `${at.top - origin.top - 5}px`,
      width: `${at.right - at.left + 10}px`,
      height: `${at.bottom - at.top + 10}px`,
    });
    ring.hidden = !(at.right - at.left);
    clearTimeout(hideRing);
    hideRing = setTimeout(() => (ring.hidden = true), 2000);
  };

  const lines = new Map<HTMLElement, Line>();
  let serial = 0;
  let frame = 0;
  let closed = false;
  const draw = () => {
    frame = 0;
    // Removed: nothing late (a record or frame already queued) may put the bar back.
    if (closed) return;
    const all = slots();
    caption.textContent = counted(all);
    summary.textContent = `Slotwise ${preview ? `preview · ${preview.value}` : 'debug'} · ${caption.textContent}`;
    summary.title = summary.textContent;
    for (const el of lines.keys()) if (!all.some(([slot]) => slot === el)) lines.delete(el);
    const rows = all.flatMap((slot) => {
      let one = lines.get(slot[0]);
      if (!one) lines.set(slot[0], (one = line(go, `${moreId}-${serial++}`)));
      one.update(slot);
      return one.rows;
    });
    // Moving a row would take focus from its buttons: rows move only when the slots' order changed.
    if (rows.some((row, i) => tbody.children[i] !== row) || tbody.children.length !== rows.length)
      tbody.replaceChildren(...rows);
    sync();
    placeLabels(labelling.getAttribute('aria-pressed') === 'true' ? all : []);
  };

  /**
  One line per slot (its name and state), above its box, or below it when there is no room above:
  never over a slot, another label, the bar or the page's own controls and text. A label that fits nowhere
  is left out; the list still has the slot.
  */
  const placeLabels = (all: Slot[]) => {
    const controls = all.length
      ? [...document.querySelectorAll(CONTROLS)]
          .filter((control) => !panel.contains(control))
          .map((control) => onPage(control.getBoundingClientRect()))
          .filter((box) => box.right > box.left)
      : [];
    const made = all.map((slot) => {
      const box = onPage(slot[0].getBoundingClientRect());
      const tag = Object.assign(element('div', `${slotName(slot)} · ${stateOf(slot[0]) ?? 'waiting'}`), {
        className: 'slotwise-label',
      });
      tag.style.maxWidth = `${Math.max(box.right - box.left, 96)}px`;
      return { box, tag };
    });
    labels.replaceChildren(...made.map(({ tag }) => tag));
    const taken = [...made.map(({ box }) => box), ...controls, onPage(panel.getBoundingClientRect())];
    const right = scrollX + root.clientWidth;
    const origin = onPage(layer.getBoundingClientRect());
    for (const { box, tag } of made) {
      const [width, height] = [tag.offsetWidth, tag.offsetHeight];
      const left = Math.max(scrollX, Math.min(box.left, right - width));
      const spot = [box.top - height - 3, box.bottom + 3]
        .filter((top) => top >= 0 && box.right > box.left)
        .map((top) => ({ left, top, right: left + width, bottom: top + height }))
        .find((place) => !taken.some((other) => overlaps(place, other)));
      if (spot) {
        taken.push(spot);
        Object.assign(tag.style, { left: `${spot.left - origin.left}px`, top: `${spot.top - origin.top}px` });
      } else tag.remove();
    }
  };

  const later = () => (frame ||= requestAnimationFrame(draw));
  const onScroll = () => labelling.getAttribute('aria-pressed') === 'true' && later();
  // Our own labels and bar changing is not a reason to draw again (that would never end).
  const watcher = new MutationObserver(
    (records) =>
      records.some((record) => ![layer, panel, spacer].some((own) => own.contains(record.target))) && later(),
  );
  watcher.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: [STATE] });
  const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(later) : undefined;
  resized?.observe(panel);
  addEventListener('resize', later);
  addEventListener('scroll', onScroll, { passive: true });
  show(choices.includes('e'));
  label(choices.includes('l'));
  draw();
  return () => {
    closed = true;
    watcher.disconnect();
    resized?.disconnect();
    cancelAnimationFrame(frame);
    clearTimeout(hideRing);
    removeEventListener('resize', later);
    removeEventListener('scroll', onScroll);
    for (const own of [style, outlines, layer, panel, spacer]) own.remove();
    root.style.setProperty('--slotwise-bar-height', '0px');
  };
};

/**
The preview's value as it is, each `;`-separated part kept whole on a line when it fits (a part
longer than the line wraps after its own punctuation).
*/
const previewParts = (value: string): Node[] =>
  value
    .replace(/;/g, ';\0')
    .split('\0')
    .map((part) => Object.assign(element('span', '', ...breakable(part)), { className: 'slotwise-part' }));

/** The Exit button, made once: redrawing the list must not take it from under a click or focus. */
function exitButton(preview: PreviewControl): HTMLButtonElement {
  return button('Exit preview', () => {
    preview.end();
  });
}
