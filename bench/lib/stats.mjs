// Medians and spreads: every timed figure in the report is a median over repeated trials, shown
// with its interquartile range, and every comparison is a ratio measured in the same run.

/** @param {number[]} values @param {number} q 0…1 */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}

/** @param {number[]} values */
export const summary = (values) => ({
  median: quantile(values, 0.5),
  p25: quantile(values, 0.25),
  p75: quantile(values, 0.75),
  n: values.length,
});

/** "123 (110–130)" @param {ReturnType<typeof summary>} s @param {number} [digits] */
export const show = (s, digits = 0) =>
  `${s.median.toFixed(digits)} (${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)})`;

/** "×2.4": how many times `theirs` is `ours`. @param {number} theirs @param {number} ours */
export const ratio = (theirs, ours) => (ours > 0 && Number.isFinite(theirs) ? `×${(theirs / ours).toFixed(1)}` : '–');
