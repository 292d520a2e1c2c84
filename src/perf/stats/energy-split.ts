// The E-divisive split statistic (Matteson & James 2014, alpha = 1): for a window x[0..L) and a
// split tau, with X = x[0..tau) (m points) and Y = x[tau..L) (n points),
//   Q(tau) = m n / (m + n) * ( 2/(m n) sum|X_i - Y_j| - 2/(m(m-1)) sum_{i<k}|X_i - X_k| - 2/(n(n-1)) sum_{j<k}|Y_j - Y_k| ),
// the scaled energy distance between the two sides. The best split maximises Q.
//
// Computed for every tau in O(L log L) instead of the O(L^2) difference matrix: the values are
// ranked once per window, and as tau moves right one point leaves Y for X; its distances to the
// points already in X come from a Fenwick tree over ranks (count and sum of smaller values), its
// distances to all points of the window from prefix sums of the sorted values. A permutation of
// the window permutes the ranks with the values, so the permutation test never re-sorts.

export interface RankedWindow {
  /** Values sorted ascending. */
  sorted: Float64Array;
  /** prefix[k] = sorted[0] + ... + sorted[k-1]. */
  prefix: Float64Array;
  /** Sum over all pairs of |x_i - x_j| (i < j). */
  pairSum: number;
}

export function rankWindow(values: ArrayLike<number>): { window: RankedWindow; ranks: Int32Array } {
  const L = values.length;
  const order = Array.from({ length: L }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const sorted = new Float64Array(L);
  const ranks = new Int32Array(L);
  order.forEach((idx, k) => {
    sorted[k] = values[idx]!;
    ranks[idx] = k;
  });
  const prefix = new Float64Array(L + 1);
  let pairSum = 0;
  for (let k = 0; k < L; k++) {
    prefix[k + 1] = prefix[k]! + sorted[k]!;
    pairSum += sorted[k]! * (2 * k - L + 1);
  }
  return { window: { sorted, prefix, pairSum }, ranks };
}

export interface Split {
  /** First index of the right side (relative to the window). */
  tau: number;
  q: number;
}

/**
 * The tau in [minSize, L - minSize] that maximises Q, for the window whose points have the given
 * ranks (a permutation of 0..L-1 into `w.sorted`). Scratch arrays are reused across calls.
 */
export function bestSplit(w: RankedWindow, ranks: Int32Array, minSize: number, scratch?: { cnt: Float64Array; sum: Float64Array }): Split {
  const L = ranks.length;
  const best: Split = { tau: -1, q: -Infinity };
  if (L < 2 * minSize) return best;
  const cnt = scratch && scratch.cnt.length >= L + 1 ? scratch.cnt : new Float64Array(L + 1);
  const sum = scratch && scratch.sum.length >= L + 1 ? scratch.sum : new Float64Array(L + 1);
  cnt.fill(0, 0, L + 1);
  sum.fill(0, 0, L + 1);
  const { sorted, prefix } = w;
  const total = prefix[L]!;
  let leftCount = 0;
  let leftSum = 0;
  let within = 0; // sum of distances inside X
  let right = w.pairSum; // inside Y
  let cross = 0;
  for (let t = 0; t < L - minSize; t++) {
    const r = ranks[t]!;
    const v = sorted[r]!;
    // Distances from point t to the points already in X.
    let cBelow = 0;
    let sBelow = 0;
    for (let i = r; i > 0; i -= i & -i) {
      cBelow += cnt[i]!;
      sBelow += sum[i]!;
    }
    const toLeft = cBelow * v - sBelow + (leftSum - sBelow) - (leftCount - cBelow) * v;
    // Distances from point t to every point of the window, then to those still in Y.
    const toAll = v * r - prefix[r]! + (total - prefix[r + 1]!) - v * (L - r - 1);
    const toRight = toAll - toLeft;
    within += toLeft;
    right -= toRight;
    cross += toRight - toLeft;
    for (let i = r + 1; i <= L; i += i & -i) {
      cnt[i]! += 1;
      sum[i]! += v;
    }
    leftCount++;
    leftSum += v;
    const m = t + 1;
    if (m < minSize) continue;
    const n = L - m;
    const q = ((m * n) / (m + n)) * ((2 * cross) / (m * n) - (2 * within) / (m * (m - 1)) - (2 * right) / (n * (n - 1)));
    if (q > best.q) {
      best.q = q;
      best.tau = m;
    }
  }
  return best;
}
