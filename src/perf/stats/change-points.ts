// Change-point detection over a run history: E-divisive with means, as in MongoDB's
// signal-processing-algorithms and Apache Otava (hunter), then a filter that keeps only shifts
// of the mean that matter.
//
// 1. Divisive bisection (Matteson & James 2014): the series is split at the point that maximises
//    the energy statistic Q (alpha = 1, energy-split.ts) over all current segments; the split is
//    kept when a permutation test says it is significant: each segment is shuffled on its own
//    (seeded), the best Q over all segments recomputed, and p = (1 + #{permuted >= observed}) /
//    (1 + permutations) must be <= alpha. Repeat until a split is not significant.
// 2. Restricted to mean differences: energy distance also reacts to a change of spread, and a
//    split can be statistically real yet tiny. Each split is judged against its neighbouring
//    segments: the relative change of the mean (after / before - 1) must be at least
//    `minMagnitude` and Welch's t-test of the two means must give p < alpha. Failing splits are
//    removed one at a time (the smallest first) and the neighbours re-judged on the merged segment.
// 3. Transients: a short segment (fewer than `minPersistence` points) whose two ends cancel (the
//    level before it and after it do not differ by `minMagnitude`) is a burst of outliers, not two
//    steps: both splits are dropped.
// Each reported step carries its index, the means before and after, the size and its percentile
// bootstrap interval (seeded), the permutation p-value of its split and the Welch p-value.
import { rankWindow, bestSplit, type RankedWindow } from './energy-split.ts';
import { seededRng, type Rng } from './rng.ts';
import { studentTCdf } from './distributions.ts';

export interface ChangePointOptions {
  /** Significance level of the permutation test and of the mean test (default 0.01). */
  alpha?: number;
  /** Permutations per candidate split (default 199, so p can reach 0.005). */
  permutations?: number;
  /** Smallest relative change of the mean that is reported (default 0.02 = 2% of the level). */
  minMagnitude?: number;
  /** Fewest points on either side of a split (default 5). */
  minSize?: number;
  /** A segment shorter than this whose ends cancel is a transient, not two steps (default 8). */
  minPersistence?: number;
  /**
   * Length of the windows E-divisive runs in (default 64; half-overlapping; the whole series when
   * shorter), besides the whole series. One bisection over a long series misses steps that cancel
   * out (+5%, -5%, +5%): the halves then have the same mean; Otava runs it in windows for the same
   * reason. Windows alone miss a slow drift (a 64-point stretch of it moves too little).
   */
  windowSize?: number;
  /** Confidence of the reported interval of each step's size (default 0.95). */
  confidence?: number;
  /** Bootstrap resamples of each step's interval (default 1000). */
  resamples?: number;
  seed?: number;
}

export interface Step {
  /** Index of the first point of the new level. */
  index: number;
  /** Mean of the segment before and after the step (each bounded by the neighbouring steps). */
  before: number;
  after: number;
  /** after / before - 1. */
  size: number;
  /** Percentile bootstrap interval of `size` at `confidence`. */
  ci: [number, number];
  /** Permutation p-value of the split when it was found. */
  pValue: number;
  /** Welch t-test p-value of the two means. */
  meanPValue: number;
  /** Points in the segments before and after. */
  nBefore: number;
  nAfter: number;
}

export interface ChangePointResult {
  steps: Step[];
  options: Required<ChangePointOptions>;
}

export const CHANGE_POINT_DEFAULTS: Required<ChangePointOptions> = {
  alpha: 0.01,
  permutations: 199,
  minMagnitude: 0.02,
  minSize: 5,
  minPersistence: 8,
  windowSize: 64,
  confidence: 0.95,
  resamples: 1000,
  seed: 1,
};

interface Segment {
  start: number;
  end: number;
  window: RankedWindow;
  ranks: Int32Array;
  best: { tau: number; q: number };
}

function shuffleInPlace(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

function segmentOf(series: readonly number[], start: number, end: number, minSize: number, scratch: { cnt: Float64Array; sum: Float64Array }): Segment {
  const { window, ranks } = rankWindow(series.slice(start, end));
  return { start, end, window, ranks, best: bestSplit(window, ranks, minSize, scratch) };
}

/**
 * Step 1 over the whole series and over half-overlapping windows: the splits found in any; splits closer than
 * minSize to each other are one split (the smaller p-value, then the earlier, wins).
 */
function windowedSplits(series: readonly number[], o: Required<ChangePointOptions>): Map<number, number> {
  const n = series.length;
  const w = Math.max(2 * o.minSize, o.windowSize);
  // The whole series first (a slow drift only shows over a long stretch), then the windows.
  const ranges: [number, number][] = [[0, n]];
  if (n > w) {
    const stride = Math.max(1, Math.floor(w / 2));
    for (let s = 0; s + w < n; s += stride) ranges.push([s, s + w]);
    ranges.push([n - w, n]);
  }
  const rng = seededRng(o.seed);
  const found: { at: number; p: number }[] = [];
  for (const [from, to] of ranges) for (const [at, p] of divisiveSplits(series, from, to, o, rng)) found.push({ at, p });
  found.sort((a, b) => a.at - b.at);
  const merged: { at: number; p: number }[] = [];
  for (const f of found) {
    const last = merged[merged.length - 1];
    if (last && f.at - last.at < o.minSize) {
      if (f.p < last.p) merged[merged.length - 1] = f;
    } else merged.push(f);
  }
  return new Map(merged.map((f) => [f.at, f.p]));
}

/** Step 1: the splits E-divisive finds, each with its permutation p-value. */
function divisiveSplits(series: readonly number[], from: number, to: number, o: Required<ChangePointOptions>, rng: Rng): Map<number, number> {
  const n = series.length;
  const scratch = { cnt: new Float64Array(n + 1), sum: new Float64Array(n + 1) };
  let segments: Segment[] = [segmentOf(series, from, to, o.minSize, scratch)];
  const splits = new Map<number, number>();
  // A candidate stops being significant once this many permutations reach it.
  const maxExceed = Math.floor(o.alpha * (o.permutations + 1)) - 1;
  for (;;) {
    let cand: Segment | undefined;
    for (const s of segments) if (s.best.tau > 0 && (!cand || s.best.q > cand.best.q)) cand = s;
    if (!cand) break;
    let exceed = 0;
    const perm = segments.map((s) => Int32Array.from(s.ranks));
    for (let p = 0; p < o.permutations && exceed <= maxExceed; p++) {
      let top = -Infinity;
      segments.forEach((s, i) => {
        const r = perm[i]!;
        shuffleInPlace(r, rng);
        const b = bestSplit(s.window, r, o.minSize, scratch);
        if (b.q > top) top = b.q;
      });
      if (top >= cand.best.q) exceed++;
    }
    const pValue = (exceed + 1) / (o.permutations + 1);
    if (exceed > maxExceed || pValue > o.alpha) break;
    const at = cand.start + cand.best.tau;
    splits.set(at, pValue);
    const halves = [segmentOf(series, cand.start, at, o.minSize, scratch), segmentOf(series, at, cand.end, o.minSize, scratch)];
    segments = segments.flatMap((s) => (s === cand ? halves : [s]));
  }
  return splits;
}

function meanVar(xs: readonly number[], a: number, b: number): { mean: number; variance: number; n: number } {
  const n = b - a;
  let s = 0;
  for (let i = a; i < b; i++) s += xs[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = a; i < b; i++) ss += (xs[i]! - mean) ** 2;
  return { mean, variance: n > 1 ? ss / (n - 1) : 0, n };
}

/** Two-sided Welch t-test of the means of xs[a..b) and xs[b..c). */
export function welchP(xs: readonly number[], a: number, b: number, c: number): number {
  const l = meanVar(xs, a, b);
  const r = meanVar(xs, b, c);
  const se2 = l.variance / l.n + r.variance / r.n;
  if (se2 === 0) return l.mean === r.mean ? 1 : 0;
  const t = (r.mean - l.mean) / Math.sqrt(se2);
  const df = se2 ** 2 / ((l.variance / l.n) ** 2 / Math.max(1, l.n - 1) + (r.variance / r.n) ** 2 / Math.max(1, r.n - 1));
  return 2 * (1 - studentTCdf(Math.abs(t), Math.max(1, df)));
}

function relativeChange(xs: readonly number[], a: number, b: number, c: number): number {
  const before = meanVar(xs, a, b).mean;
  return (meanVar(xs, b, c).mean - before) / Math.abs(before);
}

/** Steps 2 and 3: drop splits that are not a shift of the mean that matters, re-judging neighbours. */
function meanShifts(series: readonly number[], splits: readonly number[], o: Required<ChangePointOptions>): number[] {
  let cps = [...splits].sort((a, b) => a - b);
  for (;;) {
    const bounds = [0, ...cps, series.length];
    const failing = cps
      .map((cp, i) => ({ cp, i, size: relativeChange(series, bounds[i]!, cp, bounds[i + 2]!) }))
      .filter(({ cp, i, size }) => !(Math.abs(size) >= o.minMagnitude) ||
        !(welchP(series, bounds[i]!, cp, bounds[i + 2]!) < o.alpha));
    if (failing.length > 0) {
      const worst = failing.reduce((a, b) => (Math.abs(b.size) < Math.abs(a.size) || Number.isNaN(b.size) ? b : a));
      cps = cps.filter((c) => c !== worst.cp);
      continue;
    }
    // A short segment between two splits that return to the level before it: a transient.
    const transient = cps.findIndex((cp, i) => {
      const next = bounds[i + 2]!;
      return i + 1 < cps.length && next - cp < o.minPersistence && sameLevel(series, bounds[i]!, cp, next, bounds[i + 3]!, o);
    });
    if (transient < 0) return cps;
    cps = cps.filter((_, i) => i !== transient && i !== transient + 1);
  }
}

/** True when the level before [b, c) and after it (xs[a..b) vs xs[c..d)) do not differ by minMagnitude. */
function sameLevel(xs: readonly number[], a: number, b: number, c: number, d: number, o: Required<ChangePointOptions>): boolean {
  const before = meanVar(xs, a, b).mean;
  const after = meanVar(xs, c, d).mean;
  if (!(Math.abs(after / before - 1) >= o.minMagnitude)) return true;
  const joined = [...xs.slice(a, b), ...xs.slice(c, d)];
  return !(welchP(joined, 0, b - a, joined.length) < o.alpha);
}

/**
 * Where exactly each step is: the energy statistic finds that the distribution changes near a
 * point, the mean-shift statistic m n / (m + n) (mean after - mean before)^2 places it (more
 * precise for a shift of the level). Searched between the neighbouring steps.
 */
function refine(xs: readonly number[], cps: readonly number[], o: Required<ChangePointOptions>): { at: number[]; moved: [number, number][] } {
  const at = [...cps];
  const moved: [number, number][] = [];
  for (let i = 0; i < at.length; i++) {
    const a = i === 0 ? 0 : at[i - 1]!;
    const c = i + 1 < at.length ? at[i + 1]! : xs.length;
    let best = at[i]!;
    let bestStat = -Infinity;
    for (let t = a + o.minSize; t <= c - o.minSize; t++) {
      const l = meanVar(xs, a, t);
      const r = meanVar(xs, t, c);
      const stat = ((l.n * r.n) / (l.n + r.n)) * (r.mean - l.mean) ** 2;
      if (stat > bestStat) {
        bestStat = stat;
        best = t;
      }
    }
    if (best !== at[i]) moved.push([at[i]!, best]);
    at[i] = best;
  }
  return { at, moved };
}

function bootstrapSizeCi(xs: readonly number[], a: number, b: number, c: number, o: Required<ChangePointOptions>, rng: Rng): [number, number] {
  const nl = b - a;
  const nr = c - b;
  const stats = new Float64Array(o.resamples);
  for (let k = 0; k < o.resamples; k++) {
    let sl = 0;
    for (let i = 0; i < nl; i++) sl += xs[a + Math.floor(rng() * nl)]!;
    let sr = 0;
    for (let i = 0; i < nr; i++) sr += xs[b + Math.floor(rng() * nr)]!;
    stats[k] = sr / nr / (sl / nl) - 1;
  }
  stats.sort();
  const lo = (1 - o.confidence) / 2;
  const at = (q: number): number => stats[Math.min(o.resamples - 1, Math.max(0, Math.round(q * (o.resamples - 1))))]!;
  return [at(lo), at(1 - lo)];
}

/**
 * The steps of a series (in index order): abrupt, lasting shifts of the mean by at least
 * `minMagnitude`, significant by a permutation test at `alpha`. Deterministic for a given seed.
 * Values must be finite; the relative size assumes a level away from zero.
 */
export function detectSteps(series: readonly number[], options: ChangePointOptions = {}): ChangePointResult {
  const o: Required<ChangePointOptions> = { ...CHANGE_POINT_DEFAULTS, ...options };
  if (o.minSize < 2) throw new RangeError('minSize must be at least 2');
  if (series.some((v) => !Number.isFinite(v))) throw new RangeError('the series must hold finite numbers');
  if (series.length < 2 * o.minSize) return { steps: [], options: o };
  const splits = windowedSplits(series, o);
  const cps = refine(series, meanShifts(series, [...splits.keys()], o), o);
  for (const [from, to] of cps.moved) splits.set(to, splits.get(from) ?? NaN);
  const bounds = [0, ...cps.at, series.length];
  const rng = seededRng(o.seed ^ 0x5bd1e995);
  const steps = cps.at.map((cp, i): Step => {
    const a = bounds[i]!;
    const c = bounds[i + 2]!;
    const before = meanVar(series, a, cp).mean;
    const after = meanVar(series, cp, c).mean;
    return {
      index: cp,
      before,
      after,
      size: after / before - 1,
      ci: bootstrapSizeCi(series, a, cp, c, o, rng),
      pValue: splits.get(cp) ?? NaN,
      meanPValue: welchP(series, a, cp, c),
      nBefore: cp - a,
      nAfter: c - cp,
    };
  });
  return { steps, options: o };
}
