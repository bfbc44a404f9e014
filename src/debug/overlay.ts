// The preview bar (?slotwise_debug=1, or a marketer's preview): outlines every slot in the colour
// of its state, labels it, and lists every slot in a bar with where its content came from, the
// campaign, creative and score, how long it took and its state. In a preview it says so, with a
// way out. Loaded on demand, never in the core. Everything is built with textContent: campaign
// names from an API are text, never HTML.
import { STATE, stateOf } from '../shared/markup';
import type { Decision, SlotReport } from '../types/decision';
import type { PreviewControl, ShowOverlay } from '../types/parts';

const CSS = `
[${STATE}]{outline:2px dashed #999;outline-offset:-2px}
[${STATE}=decided]{outline-color:#1a7f37}
[${STATE}=timeout],[${STATE}=error]{outline-color:#cf222e}
.slotwise-debug{position:absolute;z-index:2147483647;max-width:24rem;font:11px/1.35 ui-monospace,monospace;
background:#111c;color:#fff;padding:3px 6px;border-radius:3px;pointer-events:none;white-space:pre-wrap}
.slotwise-bar{position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:40vh;overflow:auto;
font:12px/1.4 ui-monospace,monospace;background:#111e;color:#fff;padding:6px 10px}
.slotwise-bar table{border-collapse:collapse;width:100%}.slotwise-bar td,.slotwise-bar th{text-align:left;padding:2px 8px 2px 0}
.slotwise-bar button{font:inherit;cursor:pointer}.slotwise-bar mark{background:#ffd33d;color:#111;padding:0 4px}`;

const detailsOf = (decision: Decision | undefined) =>
  [
    decision?.campaign && `campaign ${decision.campaign}`,
    decision?.creative && `creative ${decision.creative}`,
    decision?.score !== undefined && `score ${decision.score}`,
    decision?.fallback && 'fallback',
  ].filter(Boolean) as string[];

function labelOf(el: HTMLElement, report: SlotReport | undefined): string {
  return [
    `${report?.source ?? 'slot'} ${report?.id ?? ''}`,
    `${stateOf(el) ?? 'waiting'}${report?.ms !== undefined ? ` · ${report.ms} ms` : ''}`,
    ...detailsOf(report?.decision),
  ].join('\n');
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = '',
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.textContent = text;
  el.append(...children);
  return el;
}

/** The bar's heading, made once: redrawing the table must not take the Exit button from under a click or focus. */
function heading(preview: PreviewControl | false | undefined): HTMLElement {
  const line = element('p', 'Slotwise ');
  if (preview) {
    const exit = element('button', 'Exit preview');
    exit.type = 'button';
    exit.onclick = () => {
      preview.end();
    };
    line.append(element('mark', `Preview: ${preview.value}`), ' ', exit);
  }
  return line;
}

function table(rows: [HTMLElement, SlotReport | undefined][]): HTMLElement {
  const head = element('tr');
  for (const name of ['state', 'source', 'slot', 'campaign', 'creative', 'score', 'ms'])
    head.append(element('th', name));
  const list = element(
    'table',
    '',
    element('caption', `${rows.length} slot${rows.length === 1 ? '' : 's'}`),
    element('thead', '', head),
  );
  for (const [el, report] of rows) {
    const d = report?.decision;
    const row = element('tr');
    for (const cell of [
      stateOf(el) ?? 'waiting',
      report?.source ?? '',
      report?.id ?? '',
      d?.campaign ?? '',
      d?.creative ?? '',
      d?.score ?? '',
      report?.ms ?? '',
    ])
      row.append(element('td', String(cell)));
    row.onclick = () => {
      el.scrollIntoView({ block: 'center' });
    };
    list.append(row);
  }
  return list;
}

export const showOverlay: ShowOverlay = (slots, nonce, preview) => {
  const style = Object.assign(document.createElement('style'), { nonce, textContent: CSS });
  const layer = document.createElement('div');
  const panel = Object.assign(document.createElement('div'), { className: 'slotwise-bar' });
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-label', 'Slotwise preview');
  const rowsBox = document.createElement('div');
  panel.append(heading(preview), rowsBox);
  document.head.append(style);
  document.body.append(layer, panel);
  let frame = 0;
  const draw = () => {
    frame = 0;
    const rows = slots();
    layer.replaceChildren(
      ...rows.map(([el, report]) => {
        const box = el.getBoundingClientRect();
        const label = Object.assign(document.createElement('div'), {
          className: 'slotwise-debug',
          textContent: labelOf(el, report),
        });
        Object.assign(label.style, { top: `${box.top + scrollY}px`, left: `${box.left + scrollX}px` });
        return label;
      }),
    );
    rowsBox.replaceChildren(table(rows));
  };
  const later = () => (frame ||= requestAnimationFrame(draw));
  // Our own labels and bar changing is not a reason to draw again (that would never end).
  const watcher = new MutationObserver(
    (records) => records.some((record) => !layer.contains(record.target) && !panel.contains(record.target)) && later(),
  );
  watcher.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: [STATE] });
  addEventListener('resize', later);
  draw();
  return () => {
    watcher.disconnect();
    removeEventListener('resize', later);
    style.remove();
    layer.remove();
    panel.remove();
  };
};
