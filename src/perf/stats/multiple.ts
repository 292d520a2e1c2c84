// Multiple-comparison adjustment of p-values, as R's p.adjust: Holm (family-wise error rate) and
// Benjamini-Hochberg (false discovery rate). NaN entries stay NaN and do not count in the family.

export type PAdjustMethod = 'holm' | 'bh';

/** Adjusted p-values in the input order; compare each with the unadjusted alpha. */
export function adjustPValues(ps: readonly number[], method: PAdjustMethod): number[] {
  if (method !== 'holm' && method !== 'bh') throw new RangeError(`adjustPValues: method must be 'holm' or 'bh', got ${String(method)}`);
  ps.forEach((p, i) => {
    if (!Number.isNaN(p) && !(p >= 0 && p <= 1)) throw new RangeError(`adjustPValues: p-value ${i + 1} is ${p}: p-values lie in [0, 1]`);
  });
  const out = ps.map(() => Number.NaN);
  const order = ps.map((p, i) => [p, i] as const).filter(([p]) => !Number.isNaN(p)).sort((x, y) => x[0] - y[0]);
  const m = order.length;
  if (method === 'holm') {
    // Step-down: the k-th smallest (k from 0) is multiplied by m - k, kept monotone upwards.
    let running = 0;
    order.forEach(([p, i], k) => {
      running = Math.max(running, Math.min(1, (m - k) * p));
      out[i] = running;
    });
  } else {
    // Step-up: the k-th smallest (k from 1) is multiplied by m / k, kept monotone downwards.
    let running = 1;
    for (let k = m; k >= 1; k--) {
      const [p, i] = order[k - 1]!;
      running = Math.min(running, Math.min(1, (m / k) * p));
      out[i] = running;
    }
  }
  return out;
}
