// @ts-check
// Product pictures, drawn from the product's category and colours: the shop ships no image
// files and loads nothing from the network.

/** @typedef {import('./shop.mjs').Product} Product */

/** @param {string} hex @param {number} amount -1 (black) … 1 (white) */
function shade(hex, amount) {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c) => Math.round(amount < 0 ? c * (1 + amount) : c + (255 - c) * amount);
  return `rgb(${mix(n >> 16)},${mix((n >> 8) & 255)},${mix(n & 255)})`;
}

const SHOE = {
  runners: 'M40 150 C60 95 110 80 150 88 C190 96 215 120 250 126 C290 132 345 130 360 150 L362 170 L40 170 Z',
  trail: 'M40 150 C55 90 100 70 150 80 C195 90 215 112 250 120 C295 128 345 126 362 150 L362 172 L40 172 Z',
  court: 'M40 152 C48 105 90 92 140 96 C190 100 215 118 255 124 C300 130 350 132 360 152 L360 168 L40 168 Z',
  'slip-ons': 'M40 154 C50 120 100 112 150 114 C210 116 250 126 300 132 C335 136 356 140 360 154 L360 168 L40 168 Z',
};

/** @param {Product} product @param {string} base @param {string} accent */
function shoe(product, base, accent) {
  const body = SHOE[/** @type {keyof typeof SHOE} */ (product.category)] ?? SHOE.runners;
  const lugs =
    product.category === 'trail'
      ? [60, 100, 140, 180, 220, 260, 300, 340]
          .map((x) => `<rect x="${x}" y="170" width="22" height="8" rx="2" fill="${shade(accent, -0.4)}"/>`)
          .join('')
      : '';
  const laces =
    product.category === 'slip-ons'
      ? ''
      : [130, 150, 170, 190]
          .map(
            (x, i) =>
              `<line x1="${x}" y1="${96 + i * 5}" x2="${x + 14}" y2="${112 + i * 5}" stroke="${accent}" stroke-width="5" stroke-linecap="round"/>`,
          )
          .join('');
  return `<path d="${body}" fill="${base}" stroke="${shade(base, -0.35)}" stroke-width="3"/>
<rect x="36" y="160" width="330" height="14" rx="7" fill="${accent}"/>${lugs}
<path d="M250 126 C290 132 345 130 360 150" fill="none" stroke="${accent}" stroke-width="6" stroke-linecap="round"/>${laces}`;
}

/** @param {Product} product @param {string} base @param {string} accent */
function accessory(product, base, accent) {
  const id = product.id;
  if (id.includes('SOCK'))
    return `<path d="M150 40 h70 v110 c0 30 -20 45 -50 45 h-60 c-25 0 -35 -30 -10 -40 l50 -20 Z" fill="${base}" stroke="${shade(base, -0.35)}" stroke-width="3"/>
<rect x="150" y="40" width="70" height="22" fill="${accent}"/><rect x="150" y="70" width="70" height="8" fill="${accent}"/>`;
  if (id.includes('CAP'))
    return `<path d="M110 140 C110 70 290 70 290 140 Z" fill="${base}" stroke="${shade(base, -0.35)}" stroke-width="3"/>
<path d="M280 138 C320 138 350 146 360 156 L270 156 Z" fill="${shade(base, -0.2)}"/><circle cx="200" cy="78" r="7" fill="${accent}"/>
<text x="200" y="125" font-family="sans-serif" font-size="26" font-weight="700" text-anchor="middle" fill="${accent}">S&amp;C</text>`;
  if (id.includes('BAG'))
    return `<path d="M120 60 L280 60 L300 190 L100 190 Z" fill="${base}" stroke="${shade(base, -0.35)}" stroke-width="3"/>
<path d="M120 60 C150 20 250 20 280 60" fill="none" stroke="${accent}" stroke-width="6"/>`;
  if (id.includes('LACE'))
    return `<path d="M70 150 C130 40 200 200 260 80 S340 120 350 60" fill="none" stroke="${base}" stroke-width="12" stroke-linecap="round"/>
<path d="M60 120 C120 20 190 180 250 60 S330 100 340 40" fill="none" stroke="${accent}" stroke-width="12" stroke-linecap="round"/>`;
  if (id.includes('INS'))
    return `<path d="M130 50 C170 30 230 40 240 90 C250 140 230 190 190 195 C150 200 120 170 118 120 C116 90 110 62 130 50 Z" fill="${base}" stroke="${shade(base, -0.35)}" stroke-width="3"/>
<ellipse cx="180" cy="160" rx="32" ry="22" fill="${accent}"/>`;
  return `<rect x="120" y="70" width="80" height="120" rx="12" fill="${base}" stroke="${shade(base, -0.35)}" stroke-width="3"/>
<rect x="215" y="110" width="70" height="80" rx="8" fill="${accent}"/><rect x="140" y="50" width="40" height="24" rx="4" fill="${shade(base, -0.3)}"/>`;
}

/** An SVG picture of the product, 400×240. @param {Product} product */
export function productSvg(product) {
  const [base, accent] = product.colours;
  const drawing = product.category === 'accessories' ? accessory(product, base, accent) : shoe(product, base, accent);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 240" width="400" height="240" role="img">
<rect width="400" height="240" fill="${shade(accent, 0.82)}"/>
<ellipse cx="200" cy="200" rx="170" ry="12" fill="rgba(0,0,0,.08)"/>
${drawing}
</svg>`;
}
