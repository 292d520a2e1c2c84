// Turns the rounds of an A/B run (each side's run result + the conductor's pair logs) into one
// judged metric per suite+name. Pure: a function of its inputs.
// Timing metrics: per round, log(head/base) of the cost (time per op; the inverse for
// higher-is-better units) from the lockstep pairs, from index-aligned recorded values, or one
// value per side per round; the two-level paired estimate gives the ratio, its interval, p and
// the minimum detectable effect; p-values are adjusted across the run (judgeAb). Exact metrics
// are compared exactly; difference metrics (leak slopes) as head - base in their unit.
import { checkBudget } from '../budget/budget.ts';
import { decide } from '../decision/decide.ts';
import type { Decision, Status } from '../decision/decision.ts';
import { toleranceOf, type MetricSamples } from '../metrics/metric.ts';
import type { AbMetricInfo, MetricResult, RunResult } from '../metrics/run-result.ts';
import { mean, median, stddev, studentTCdf, studentTQuantile, summarize } from '../stats/index.ts';
import type { PairLog } from './conductor.ts';
import { pairedRatioEstimate } from '../stats/paired.ts';

export interface RoundSides {
  round: number;
  base?: RunResult;
  head?: RunResult;
  /** The conductor's pair logs by `suite › metric`. */
  pairs: ReadonlyMap<string, PairLog>;
}

export interface CombineOptions {
  /** Confidence of the intervals (0.95). */
  confidence: number;
  timingAdvisory: boolean;
  /** Shown as the baseline's "file": e.g. `base 1a2b3c4d5e6f (HEAD)`. */
  baseLabel: string;
  baseSavedAt: string;
}

/** A metric with its unadjusted estimate, before the run-wide p-value adjustment. */
export interface AbCandidate {
  result: MetricResult;
  /** Judged by the paired estimate (ratio) or the difference: takes part in the adjustment. */
  judged?: { kind: 'ratio' | 'difference'; pRaw: number; lo: number; hi: number };
}

const key = (m: Pick<MetricResult, 'suite' | 'name'>): string => `${m.suite} › ${m.name}`;
const signed = (x: number, suffix: string): string => `${x >= 0 ? '+' : ''}${x.toFixed(Math.abs(x) < 10 ? 2 : 1)}${suffix}`;

const specOf = (m: MetricResult): MetricSamples => ({
  name: m.name,
  unit: m.unit,
  direction: m.direction,
  kind: m.kind,
  samples: m.samples,
  ...(m.budget && { budget: m.budget }),
  ...(m.tolerance !== undefined && { tolerance: m.tolerance }),
  ...(m.judge && { judge: m.judge }),
  ...(m.absoluteTolerance !== undefined && { absoluteTolerance: m.absoluteTolerance }),
});

/** log(head/base) of the cost of two values in the metric's unit (undefined when not positive). */
function costLogRatio(direction: 'lower' | 'higher', base: number, head: number): number | undefined {
  if (base === head) return 0;
  if (!(base > 0) || !(head > 0)) return undefined;
  return direction === 'lower' ? Math.log(head / base) : Math.log(base / head);
}

/** One round's log ratios and how they were formed. */
export function roundLogRatios(
  b: MetricResult,
  h: MetricResult,
  pair: PairLog | undefined,
  perRoundOnly = false,
): { values: number[]; pairing: AbMetricInfo['pairing']; dropped: number } {
  if (pair && pair.logRatios.length > 0) return { values: [...pair.logRatios], pairing: 'lockstep', dropped: 0 };
  const aligned = !perRoundOnly && b.samples.length === h.samples.length && b.samples.length > 1;
  const raw = aligned
    ? b.samples.map((x, i) => costLogRatio(h.direction, x, h.samples[i]!))
    : [costLogRatio(h.direction, median(b.samples), median(h.samples))];
  const values = raw.filter((x): x is number => x !== undefined);
  return { values, pairing: aligned ? 'aligned' : 'per-round', dropped: raw.length - values.length };
}

/** Head - base of a leak slope that matters (MB/min) when a metric does not state its own. */
export const LEAK_TOLERANCE_MB_PER_MIN = 1;

/** The value a difference metric contributes per round: a leak slope when measured, else the median. */
function differenceValue(m: MetricResult): number {
  return m.measurement?.leakSlope?.slope ?? median(m.samples);
}

/** t interval and p of the mean of per-round differences. */
export function differenceEstimate(ds: readonly number[], confidence: number): { mean: number; lo: number; hi: number; p: number; mde: number } {
  const n = ds.length;
  const m = mean(ds);
  if (n < 2) return { mean: m, lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY, p: 1, mde: Number.POSITIVE_INFINITY };
  const se = stddev(ds) / Math.sqrt(n);
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 1);
  const p = se > 0 ? 2 * (1 - studentTCdf(Math.abs(m) / se, n - 1)) : m === 0 ? 1 : 0;
  return { mean: m, lo: m - t * se, hi: m + t * se, p, mde: (t + studentTQuantile(0.8, n - 1)) * se };
}

/**
 * The paired estimate with 2,000 resamples, and 20,000 when its p-value sits at the bootstrap's
 * floor (2 / (resamples + 1)): a lone regression among ~100 comparisons needs an adjusted p below
 * alpha, which a floor of 0.001 cannot give; most metrics never need the slower pass.
 */
function estimate(logRatios: number[][], confidence: number): ReturnType<typeof pairedRatioEstimate> {
  const quick = pairedRatioEstimate(logRatios, { confidence, seed: 1, resamples: 2_000 });
  return quick.p <= 2 / 2_001 ? pairedRatioEstimate(logRatios, { confidence, seed: 1, resamples: 20_000 }) : quick;
}

export function combineRounds(rounds: readonly RoundSides[], options: CombineOptions): AbCandidate[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  const add = (m: MetricResult): void => {
    const k = key(m);
    if (!seen.has(k)) {
      seen.add(k);
      keys.push(k);
    }
  };
  for (const r of rounds) for (const m of r.head?.metrics ?? []) add(m);
  for (const r of rounds) for (const m of r.base?.metrics ?? []) add(m);
  const index = (run: RunResult | undefined): Map<string, MetricResult> => new Map((run?.metrics ?? []).map((m) => [key(m), m]));
  const perRound = rounds.map((r) => ({ round: r.round, base: index(r.base), head: index(r.head), pairs: r.pairs }));
  const headFailed = new Set(rounds.flatMap((r) => (r.head?.suites ?? []).filter((s) => s.state === 'failed').map((s) => s.name)));
  return keys.map((k) =>
    judgeMetric(
      perRound.map((r) => ({ round: r.round, b: r.base.get(k), h: r.head.get(k), pair: r.pairs.get(k) })),
      options,
      headFailed,
    ),
  );
}

interface MetricRound {
  round: number;
  b?: MetricResult;
  h?: MetricResult;
  pair?: PairLog;
}

function judgeMetric(rs: readonly MetricRound[], options: CombineOptions, headFailedSuites: ReadonlySet<string> = new Set()): AbCandidate {
  const heads = rs.filter((r) => r.h).map((r) => r.h!);
  const bases = rs.filter((r) => r.b).map((r) => r.b!);
  const both = rs.filter((r) => r.b && r.h);
  const latest = heads.at(-1) ?? bases.at(-1)!;
  const spec = specOf(latest);
  const headSamples = heads.flatMap((m) => m.samples);
  const baseSamples = bases.flatMap((m) => m.samples);
  const tolerance = toleranceOf(spec);
  // Leak slopes are rates near zero, of either sign: compared as differences, never as ratios.
  const leak = spec.kind === 'timing' && (spec.absoluteTolerance !== undefined || latest.measurement?.leakSlope !== undefined);
  const leakTolerance = spec.absoluteTolerance ?? LEAK_TOLERANCE_MB_PER_MIN;
  const shell = (decision: Decision, ab: AbMetricInfo): MetricResult => ({
    suite: latest.suite,
    test: latest.test,
    name: spec.name,
    unit: spec.unit,
    direction: spec.direction,
    kind: spec.kind,
    ...(spec.budget && { budget: spec.budget }),
    ...(spec.tolerance !== undefined && { tolerance: spec.tolerance }),
    // Budget-only metrics are compared here (A/B rounds give them fresh processes on both sides),
    // so they lose that mark and join the run's family of comparisons.
    ...(spec.judge && spec.judge !== 'budget-only' && { judge: spec.judge }),
    ...(leak && { absoluteTolerance: leakTolerance }),
    samples: headSamples,
    summary: summarize(headSamples),
    ...(baseSamples.length > 0 && {
      baseline: { samples: baseSamples, summary: summarize(baseSamples), file: options.baseLabel, savedAt: options.baseSavedAt, environmentDiffers: [] },
    }),
    decision,
    ...(heads.at(-1)?.measurement && { measurement: heads.at(-1)!.measurement }),
    ab,
  });

  if (heads.length === 0) {
    const decision: Decision = {
      status: 'REMOVED',
      significant: false,
      advisory: false,
      needsMoreSamples: false,
      evidence: { current: Number.NaN, baseline: median(baseSamples), n: { current: 0, baseline: baseSamples.length }, tolerance },
      // A test stops at its first failing assertion (a budget the head misses): the metrics it
      // would have recorded after that are missing from the head, not removed by the change.
      warnings: headFailedSuites.has(latest.suite) ? [`not recorded by the head: its ${latest.suite} suite failed (a failing assertion, e.g. a missed budget, ends a test before its later metrics)`] : [],
    };
    return { result: shell(decision, { pairing: 'one-side', rounds: 0, pairs: 0 }) };
  }
  // Budgets, noise and exactness warnings of the head's pooled samples (NEW or BUDGET-FAIL).
  const own = decide({ ...spec, samples: headSamples }, undefined, { final: true, timingAdvisory: options.timingAdvisory });
  own.warnings = own.warnings.filter((w) => !w.startsWith('low n'));
  const budgetFailed = own.status === 'BUDGET-FAIL';
  // A timing budget that base misses as well measures the machine, not the change: reported, not
  // failing (a loaded machine misses throughput floors on both sides alike). Exact budgets bind.
  const timingBudgetMiss = budgetFailed && spec.kind === 'timing' && spec.budget !== undefined;
  if (timingBudgetMiss && baseSamples.length > 0 && !checkBudget(baseSamples, spec.budget!).ok) {
    own.advisory = true;
    own.warnings.push('base misses this budget too: the machine, not the change (advisory)');
  }
  // Base meets the budget and head misses it: the change is to blame only when the paired
  // comparison shows head worse than base. In an A/A run under load, base read 518 texts/s and
  // head 444 against a 500 floor, with a paired interval of [-33%, +45%]: both sides were the same
  // code, so failing the run there would follow the machine.
  const blameUnproven = (headWorse: boolean, interval: string): void => {
    if (!timingBudgetMiss || own.advisory || headWorse) return;
    own.advisory = true;
    own.warnings.push(`head misses this budget, but the paired comparison does not show it worse than base (${interval}): the machine, not the change (advisory)`);
  };
  if (both.length === 0) return { result: shell(own, { pairing: 'one-side', rounds: 0, pairs: 0 }) };

  const finish = (status: Status, extra: Partial<Decision['evidence']>, significant: boolean, warnings: string[] = []): Decision => ({
    ...own,
    status: budgetFailed ? 'BUDGET-FAIL' : status,
    significant,
    needsMoreSamples: false,
    evidence: { ...own.evidence, baseline: median(baseSamples), n: { current: headSamples.length, baseline: baseSamples.length }, ...extra },
    warnings: [...own.warnings, ...warnings],
  });

  if (spec.kind === 'instructions') {
    // Instruction counts are deterministic: the medians of both sides' counts, judged by
    // decideInstructionCount (through decide()) against the metric's tolerance, no pairing statistics.
    const counts = decide({ ...spec, samples: headSamples }, { ...spec, samples: baseSamples }, { final: true });
    const warnings = counts.warnings.filter((w) => !own.warnings.includes(w) && !w.startsWith('count reused'));
    const keyOf = (m: MetricResult | undefined): string | undefined => m?.measurement?.instructions?.countKey;
    const last = both.at(-1)!;
    if (keyOf(last.h) !== undefined && keyOf(last.h) === keyOf(last.b)) {
      warnings.push('the same code, inputs and environment on both sides: counted once, used for both');
    }
    return { result: shell(finish(counts.status, { ratio: counts.evidence.ratio }, counts.significant, warnings), { pairing: 'exact', rounds: both.length, pairs: both.length }) };
  }

  if (spec.kind === 'exact') {
    const last = both.at(-1)!;
    const exact = decide({ ...spec, samples: last.h!.samples }, specOf(last.b!), { final: true });
    const warnings = exact.warnings.filter((w) => !own.warnings.includes(w));
    const values = (ms: MetricResult[]): Set<string> => new Set(ms.map((m) => JSON.stringify(m.samples)));
    if (values(heads).size > 1 || values(bases).size > 1) warnings.push('exact metric differs between rounds: not deterministic?');
    return { result: shell(finish(exact.status, { ratio: exact.evidence.ratio }, exact.significant, warnings), { pairing: 'exact', rounds: both.length, pairs: both.length }) };
  }

  if (leak) {
    const ds = both.map((r) => differenceValue(r.h!) - differenceValue(r.b!));
    const est = differenceEstimate(ds, options.confidence);
    blameUnproven(spec.direction === 'lower' ? est.lo > 0 : est.hi < 0, `head - base [${signed(est.lo, '')}, ${signed(est.hi, '')}] ${spec.unit}`);
    const result = shell(
      finish('INCONCLUSIVE', { difference: est.mean, differenceCi: [est.lo, est.hi], pValue: est.p, mde: est.mde, confidence: options.confidence }, false),
      { pairing: 'difference', rounds: both.length, pairs: both.length, differences: ds, confidence: options.confidence },
    );
    return { result, judged: { kind: 'difference', pRaw: est.p, lo: est.lo, hi: est.hi } };
  }

  // Budget-only values (peaks, breakdowns) are not independent repeats inside one process: one
  // value per side per round (their medians), compared across the rounds' fresh processes.
  const perRound = both.map((r) => roundLogRatios(r.b!, r.h!, r.pair, spec.judge === 'budget-only'));
  const logRatios = perRound.map((p) => p.values);
  const pairings = new Set(perRound.map((p) => p.pairing));
  const dropped = perRound.reduce((a, p) => a + p.dropped, 0);
  if (logRatios.every((r) => r.length === 0)) {
    return { result: shell(finish('INCONCLUSIVE', {}, false, ['no positive values on both sides: no ratio']), { pairing: 'one-side', rounds: 0, pairs: 0 }) };
  }
  const est = estimate(logRatios, options.confidence);
  // The estimate is a cost ratio (> 1: head costs more); shown in the metric's own unit.
  const toUnit = (x: number): number => (spec.direction === 'lower' ? x : 1 / x);
  const ratio = toUnit(est.ratio);
  const ci: [number, number] = spec.direction === 'lower' ? est.ci : [1 / est.ci[1], 1 / est.ci[0]];
  blameUnproven(spec.direction === 'lower' ? ci[0] > 1 : ci[1] < 1, `head / base [${signed((ci[0] - 1) * 100, '%')}, ${signed((ci[1] - 1) * 100, '%')}]`);
  const warnings = [...est.warnings, ...(dropped > 0 ? [`${dropped} value(s) not positive: left out of the ratio`] : [])];
  const result = shell(finish('INCONCLUSIVE', { ratio, ratioCi: ci, pValue: est.p, mde: est.mde, confidence: options.confidence }, false, warnings), {
    pairing: pairings.size === 1 ? [...pairings][0]! : 'mixed',
    rounds: est.rounds,
    pairs: est.pairs,
    logRatios,
    confidence: options.confidence,
  });
  return { result, judged: { kind: 'ratio', pRaw: est.p, lo: ci[0], hi: ci[1] } };
}
