// The pages the benchmark loads: the same slots, filled by Slotwise (through the paste-in snippet)
// or by Sitecore Engage (init → pageView → personalize per slot, the page writing the HTML in).
// Each page records `window.__bench.done` (ms from navigation start) when every slot is filled.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo, tmp } from './sandbox.mjs';

const dir = join(tmp, 'pages');
export const CLIENT_KEY = 'benchClientKey';

const snippet = () =>
  readFileSync(join(repo, 'dist', 'snippet.min.js'), 'utf8')
    .trim()
    .replace('"/slotwise.min.js"', '"/dist/slotwise.min.js"');

/** Declared sizes, in the page's CSS too, so nothing moves when content arrives. */
const HEAD =
  '<meta charset="utf-8"><link rel="icon" href="data:,"><style>body{margin:0;font:16px/20px sans-serif}.slot{min-height:40px;margin:4px}.bench,.slot p{margin:0}</style>';

/** Marks the moment the last of `count` slots has its content. */
const doneWhen = (count, test) =>
  `<script>window.__bench={};new MutationObserver(()=>{if(!__bench.done&&document.querySelectorAll('${test}').length>=${count})__bench.done=performance.now()}).observe(document,{subtree:true,childList:true,attributes:true});</script>`;

/**
 * @param {{ kind: 'flows' | 'placements', count: number, api: string, extra?: string }} page
 * @returns {string} the page's path on the sandbox
 */
export function slotwisePage({ kind, count, api, extra = '' }) {
  const slots = Array.from({ length: count }, (_, i) =>
    kind == 'flows'
      ? `<div class="slot" data-slotwise-flow="bench_${i}" data-slotwise-size="300x40">default ${i}</div>`
      : `<div class="slot" data-slotwise-placement="bench_page.s${i}" data-slotwise-size="300x40">default ${i}</div>`,
  ).join('');
  const options = { placements: { target: api, apiKey: 'bench', apiClientKey: 'bench' }, revealAfterMs: 30000 };
  return write(
    `slotwise-${kind}-${count}.html`,
    `<!doctype html><html lang="en"><head>${HEAD}
${doneWhen(count, '[data-slotwise-state=decided]')}
<script data-client-key="${CLIENT_KEY}" data-target="${api}" data-point-of-sale="bench/eu" data-currency="EUR">${snippet()}</script>
<script>slotwise('init', ${JSON.stringify(options)}); slotwise('view');</script>${extra}
</head><body>${slots}</body></html>`,
  );
}

/** @param {{ count: number, api: string, extra?: string }} page */
export function engagePage({ count, api, extra = '' }) {
  const slots = Array.from(
    { length: count },
    (_, i) => `<div class="slot" data-flow="bench_${i}">default ${i}</div>`,
  ).join('');
  const settings = { clientKey: CLIENT_KEY, targetURL: api, pointOfSale: 'bench/eu', cookieDomain: 'localhost' };
  return write(
    `engage-${count}.html`,
    `<!doctype html><html lang="en"><head>${HEAD}
${doneWhen(count, '[data-filled]')}
<script src="/bench/peers/engage/engage.entry.js"></script>
<script>
(async () => {
  const engage = window.engage = await SitecoreEngage.init(${JSON.stringify(settings)});
  engage.pageView({ channel: 'WEB', currency: 'EUR' });
  await new Promise((r) => document.readyState == 'loading' ? addEventListener('DOMContentLoaded', r) : r());
  for (const el of document.querySelectorAll('[data-flow]'))
    engage.personalize({ channel: 'WEB', currency: 'EUR', friendlyId: el.dataset.flow }).then((answer) => {
      // Filled only with the flow's content: an answer without it is not personalized content.
      if (answer && typeof answer.html == 'string' && answer.html) (el.innerHTML = answer.html), el.setAttribute('data-filled', '');
    });
})();
</script>${extra}
</head><body>${slots}</body></html>`,
  );
}

/** The page navigated to after an event: it has no tag at all. */
export const blankPage = () =>
  write('blank.html', `<!doctype html><html lang="en"><head>${HEAD}</head><body>blank</body></html>`);

/** @param {string} name @param {string} html */
function write(name, html) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), html);
  return `/bench/pages/${name}`;
}
