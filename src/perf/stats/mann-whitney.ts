// Mann-Whitney U (Wilcoxon rank-sum) test, two-sided, as in R's wilcox.test / scipy's
// mannwhitneyu: exact distribution for small samples without ties, otherwise the normal
// approximation with tie correction and continuity correction.
import { normalSf as normalSfLocal } from './distributions.ts';

export interface MannWhitneyResult {
  /** U statistic of the first sample (count of pairs with a > b, ties counting 1/2). */
  u: number;
  pValue: number;
  method: 'exact' | 'normal';
  n1: number;
  n2: number;
  /** Probability-of-superiority effect size U / (n1 n2). */
  effect: number;
}

/** Exact test is used when both samples have at most this many values and there are no ties. */
export const EXACT_LIMIT = 50;

function ranks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const result = new Array<number>(values.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) result[order[k]![1]] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks: result, tieTerm };
}

/** P(U <= u) for sizes m, n under H0, by the classic recurrence (counts as doubles). */
function exactCdf(u: number, m: number, n: number): number {
  const maxU = m * n;
  // f[j][k]: number of arrangements of i x's and j y's with U = k, built up over i.
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => {
    const a = new Float64Array(maxU + 1);
    a[0] = 1;
    return a;
  });
  for (let i = 1; i <= m; i++) {
    const next: Float64Array[] = [];
    const first = new Float64Array(maxU + 1);
    first[0] = 1;
    next.push(first);
    for (let j = 1; j <= n; j++) {
      const cur = new Float64Array(maxU + 1);
      const left = next[j - 1]!; // (i, j-1): the last element is a y, U unchanged
      const up = prev[j]!; // (i-1, j): the last element is an x, beating j y's
      for (let k = 0; k <= i * j; k++) cur[k] = left[k]! + (k >= j ? up[k - j]! : 0);
      next.push(cur);
    }
    prev = next;
  }
  const counts = prev[n]!;
  let total = 0;
  let below = 0;
  for (let k = 0; k <= maxU; k++) {
    total += counts[k]!;
    if (k <= u) below += counts[k]!;
  }
  return below / total;
}

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, pValue: 1, method: 'normal', n1, n2, effect: Number.NaN };
  const { ranks: r, tieTerm } = ranks([...a, ...b]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += r[i]!;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const effect = u / (n1 * n2);
  const mu = (n1 * n2) / 2;
  if (tieTerm === 0 && n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT) {
    // Two-sided: double the smaller tail; the distribution is symmetric around mu.
    const uLow = Math.min(u, n1 * n2 - u);
    const p = Math.min(1, 2 * exactCdf(uLow, n1, n2));
    return { u, pValue: p, method: 'exact', n1, n2, effect };
  }
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, pValue: 1, method: 'normal', n1, n2, effect };
  const z = (Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  const p = Math.min(1, 2 * normalSfLocal(Math.max(z, 0)));
  return { u, pValue: p, method: 'normal', n1, n2, effect };
}
