// The debug overlay (?slotwise_debug=1): outlines every slot in the colour of its state and labels
// it with where its content came from and how long it took. Loaded on demand, never in the core.
// Labels are built with textContent: campaign names from an API are text, never HTML.
import type { Decision, Source } from '../wire/model';

/** What the renderer knows about a slot. */
export interface SlotReport {
  source: Source;
  id: string;
  /** Milliseconds from asking to showing. */
  ms?: number;
  decision?: Decision;
}

export type ShowOverlay = (slots: () => [HTMLElement, SlotReport | undefined][], nonce: string) => () => void;

const CSS = `
[data-slotwise-state]{outline:2px dashed #999;outline-offset:-2px}
[data-slotwise-state=decided]{outline-color:#1a7f37}
[data-slotwise-state=timeout],[data-slotwise-state=error]{outline-color:#cf222e}
.slotwise-debug{position:absolute;z-index:2147483647;max-width:24rem;font:11px/1.35 ui-monospace,monospace;
background:#111c;color:#fff;padding:3px 6px;border-radius:3px;pointer-events:none;white-space:pre-wrap}`;

function labelOf(el: HTMLElement, report: SlotReport | undefined): string {
  const decision = report?.decision;
  const details = [
    decision?.campaign && `campaign ${decision.campaign}`,
    decision?.creative && `creative ${decision.creative}`,
    decision?.score !== undefined && `score ${decision.score}`,
    decision?.fallback && 'fallback',
  ].filter(Boolean);
  return [
    `${report?.source ?? 'slot'} ${report?.id ?? ''}`,
    `${el.getAttribute('data-slotwise-state') ?? 'waiting'}${report?.ms !== undefined ? ` · ${report.ms} ms` : ''}`,
    ...details,
  ].join('\n');
}

export const showOverlay: ShowOverlay = (slots, nonce) => {
  const style = Object.assign(document.createElement('style'), { nonce, textContent: CSS });
  const layer = document.createElement('div');
  document.head.append(style);
  document.body.append(layer);
  let frame = 0;
  const draw = () => {
    frame = 0;
    layer.replaceChildren(
      ...slots().map(([el, report]) => {
        const box = el.getBoundingClientRect();
        const label = Object.assign(document.createElement('div'), { className: 'slotwise-debug', textContent: labelOf(el, report) });
        Object.assign(label.style, { top: `${box.top + scrollY}px`, left: `${box.left + scrollX}px` });
        return label;
      }),
    );
  };
  const later = () => (frame ||= requestAnimationFrame(draw));
  // Our own labels changing is not a reason to draw again (that would never end).
  const watcher = new MutationObserver((records) => records.some((record) => !layer.contains(record.target)) && later());
  watcher.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-slotwise-state'] });
  addEventListener('resize', later);
  draw();
  return () => {
    watcher.disconnect();
    removeEventListener('resize', later);
    style.remove();
    layer.remove();
  };
};
