import { describe, expect, it } from 'vitest';
import { applyMultipleComparisons } from '../decision/multiplicity.ts';
import type { MetricResult, RunResult } from '../metrics/run-result.ts';
import { normalSamples } from '../stats/rng.ts';
import { summarize } from '../stats/descriptive.ts';
import type { PairLog } from './conductor.ts';
import { combineRounds, roundLogRatios, type RoundSides } from './combine.ts';
import { judgeAb, judgeAbCorrected, settledSuites, undecided } from './verdict.ts';

const OPTIONS = { confidence: 0.95, timingAdvisory: false, baseLabel: 'base abc (HEAD)', baseSavedAt: '' };
const JUDGE = { alpha: 0.01, minRounds: 3, final: true };

function metric(name: string, samples: number[], extra: Partial<MetricResult> = {}): MetricResult {
  return {
    suite: 's',
    test: 't',
    name,
    unit: 'ms',
    direction: 'lower',
    kind: 'timing',
    samples,
    summary: summarize(samples),
    decision: { status: 'NEW', significant: false, advisory: false, needsMoreSamples: false, evidence: { current: 0, n: { current: samples.length }, tolerance: 0.05 }, warnings: [] },
    ...extra,
  };
}

function run(metrics: MetricResult[]): RunResult {
  return { metrics, suites: [], errors: [] } as unknown as RunResult;
}

/** A lockstep pair log of `n` pairs whose time ratio head/base is `ratio` with noise `sd` (log scale). */
function pairLog(name: string, n: number, ratio: number, sd: number, seed: number): PairLog {
  const logRatios = normalSamples(n, Math.log(ratio), sd, seed);
  const base = logRatios.map(() => 1e6);
  const head = logRatios.map((l) => 1e6 * Math.exp(l));
  return { suite: 's', metric: name, clock: 'cpu', base, head, logRatios, first: 'base', stoppedBy: 'precision', elapsedMs: 1 };
}

/** Rounds in which both sides recorded `name` and the conductor paired it. */
interface RoundsSpec {
  rounds?: number;
  sd?: number;
  roundSd?: number;
  extra?: Partial<MetricResult>;
}

function lockstepRounds(name: string, ratio: number, opts: RoundsSpec = {}): RoundSides[] {
  const { rounds = 3, sd = 0.02, roundSd = 0.005, extra = {} } = opts;
  const offsets = normalSamples(rounds, 0, roundSd, 99);
  return offsets.map((off, r) => {
    const log = pairLog(name, 30, ratio * Math.exp(off), sd, 10 + r);
    const side = (ns: number[]): RunResult => run([metric(name, ns.map((x) => x / 1e6), extra)]);
    return { round: r + 1, base: side(log.base), head: side(log.head), pairs: new Map([[`s › ${name}`, log]]) };
  });
}

const judged = (rounds: RoundSides[]): MetricResult => judgeAb(combineRounds(rounds, OPTIONS), JUDGE)[0]!;

describe('A/B combination of rounds', () => {
  it('a 10% slower head is REGRESSED with the ratio, its interval, rounds and pairs', () => {
    const m = judged(lockstepRounds('embed', 1.1));
    expect(m.decision.status).toBe('REGRESSED');
    expect(m.decision.evidence.ratio).toBeGreaterThan(1.07);
    expect(m.decision.evidence.ratioCi![0]).toBeGreaterThan(1.05);
    expect(m.ab).toMatchObject({ pairing: 'lockstep', rounds: 3, pairs: 90 });
    expect(m.baseline?.file).toBe('base abc (HEAD)');
  });

  it('for a higher-is-better unit the same slowdown is a lower ratio, still REGRESSED', () => {
    const m = judged(lockstepRounds('throughput', 1.1, { extra: { unit: 'texts/s', direction: 'higher' } }));
    expect(m.decision.status).toBe('REGRESSED');
    expect(m.decision.evidence.ratio).toBeLessThan(0.94);
    expect(m.decision.evidence.ratioCi![1]).toBeLessThan(0.95);
  });

  it('unchanged code gives an interval inside the tolerance: PASS', () => {
    const m = judged(lockstepRounds('embed', 1));
    expect(m.decision.status).toBe('PASS');
    expect(m.decision.evidence.ratioCi![0]).toBeGreaterThan(0.95);
    expect(m.decision.evidence.ratioCi![1]).toBeLessThan(1.05);
  });

  it('fewer rounds than the minimum cannot be judged (INCONCLUSIVE, a further round is asked for)', () => {
    const rounds = lockstepRounds('embed', 1.2, { rounds: 2 });
    const interim = judgeAbCorrected(combineRounds(rounds, OPTIONS), { ...JUDGE, final: false, pAdjust: 'bh' });
    expect(interim[0]!.decision.status).toBe('INCONCLUSIVE');
    expect(undecided(interim)).toHaveLength(1);
    const final = judgeAb(combineRounds(rounds, OPTIONS), JUDGE)[0]!;
    expect(final.decision.warnings.join(' ')).toMatch(/measured in 2 round\(s\) on both sides; 3 are needed/);
  });

  it('a metric on one side only is NEW (head) or REMOVED (base)', () => {
    const rounds: RoundSides[] = [1, 2, 3].map((r) => ({
      round: r,
      base: run([metric('old', [1, 2])]),
      head: run([metric('new', [1, 2])]),
      pairs: new Map(),
    }));
    const ms = judgeAb(combineRounds(rounds, OPTIONS), JUDGE);
    expect(Object.fromEntries(ms.map((m) => [m.name, m.decision.status]))).toEqual({ new: 'NEW', old: 'REMOVED' });
  });

  it('a metric the head did not record because its suite failed says so, instead of looking removed', () => {
    const failedHead = { metrics: [metric('budgeted', [5])], suites: [{ name: 's', file: 'perf-tests/s.perf.ts', state: 'failed', errors: [] }], errors: [] } as unknown as RunResult;
    const rounds: RoundSides[] = [1, 2, 3].map((r) => ({ round: r, base: run([metric('budgeted', [1]), metric('latency', [1, 2])]), head: failedHead, pairs: new Map() }));
    const removed = judgeAb(combineRounds(rounds, OPTIONS), JUDGE).find((m) => m.name === 'latency')!;
    expect(removed.decision.status).toBe('REMOVED');
    expect(removed.decision.warnings).toEqual(['not recorded by the head: its s suite failed (a failing assertion, e.g. a missed budget, ends a test before its later metrics)']);
  });

  it('exact metrics are compared exactly between the sides', () => {
    const exact = (v: number): MetricResult => metric('round trips', [v], { kind: 'exact', unit: 'count' });
    const sides = (b: number, h: number): RoundSides[] => [1, 2, 3].map((r) => ({ round: r, base: run([exact(b)]), head: run([exact(h)]), pairs: new Map() }));
    const same = judgeAb(combineRounds(sides(2, 2), OPTIONS), JUDGE)[0]!;
    expect(same.decision.status).toBe('PASS');
    expect(same.ab?.pairing).toBe('exact');
    const worse = judgeAb(combineRounds(sides(2, 20), OPTIONS), JUDGE)[0]!;
    expect(worse.decision.status).toBe('REGRESSED');
  });

  it('an instruction count whose code is the same on both sides says it was counted once', () => {
    const counted = (perOp: number, countKey: string): MetricResult =>
      metric('tokenize', [perOp], {
        unit: 'instructions/op',
        kind: 'instructions',
        measurement: { instructions: { iterations: 3, warmup: 2, async: false, parts: { startup: 1, n: 2, twoN: 3 }, fixedPerPart: 0, valgrindWallMs: [1], profile: 'p', countKey } },
      });
    const rounds = (b: MetricResult, h: MetricResult): RoundSides[] => [{ round: 1, base: run([b]), head: run([h]), pairs: new Map() }];
    const shared = judged(rounds(counted(1000, 'k'), counted(1000, 'k')));
    expect(shared.decision.status).toBe('PASS');
    expect(shared.decision.warnings.join(' ')).toMatch(/counted once, used for both/);
    const changed = judged(rounds(counted(1000, 'k'), counted(1100, 'k2')));
    expect(changed.decision.status).toBe('REGRESSED');
    expect(changed.decision.warnings.join(' ')).not.toMatch(/counted once/);
  });

  it('single-shot values give one pair per round; recorded arrays of equal length pair index by index', () => {
    const one = roundLogRatios(metric('build', [100]), metric('build', [120]), undefined);
    expect(one.pairing).toBe('per-round');
    expect(one.values[0]).toBeCloseTo(Math.log(1.2), 12);
    const aligned = roundLogRatios(metric('q', [1, 2, 4]), metric('q', [2, 2, 2]), undefined);
    expect(aligned.pairing).toBe('aligned');
    expect(aligned.values.map((x) => Number(x.toFixed(6)))).toEqual([Number(Math.log(2).toFixed(6)), 0, Number(Math.log(0.5).toFixed(6))]);
    // throughput: 20% more items/s is a 1/1.2 cost
    const up = roundLogRatios(metric('t', [100], { direction: 'higher' }), metric('t', [120], { direction: 'higher' }), undefined);
    expect(up.values[0]).toBeCloseTo(-Math.log(1.2), 12);
  });

  it('a leak slope is judged as a difference in MB/min (a ratio of rates near zero means nothing)', () => {
    const leak = (slope: number): MetricResult =>
      metric('verify leak', [slope + 1], {
        unit: 'MB/min (95% CI upper bound)',
        judge: 'budget-only',
        measurement: { leakSlope: { slope, lower: slope - 1, upper: slope + 1, unit: 'MB/min' } },
      });
    const baseSlopes = [0.2, -0.4, 0.1];
    const rounds = (head: number[]): RoundSides[] =>
      head.map((h, r) => ({ round: r + 1, base: run([leak(baseSlopes[r]!)]), head: run([leak(h)]), pairs: new Map() }));
    const leaking = judgeAb(combineRounds(rounds([150, 170, 160]), OPTIONS), JUDGE)[0]!;
    expect(leaking.decision.status).toBe('REGRESSED');
    expect(leaking.decision.evidence.difference).toBeGreaterThan(150);
    expect(leaking.judge).toBeUndefined(); // judged here, so it is in the run's family of comparisons
    const steady = judgeAb(combineRounds(rounds([0.25, -0.35, 0.1]), OPTIONS), JUDGE)[0]!;
    expect(steady.decision.status).toBe('PASS');
  });

  it('budget-only values (peaks) are compared one per side per round, and their budget binds', () => {
    const peak = (v: number[]): MetricResult => metric('rss peak', v, { unit: 'MB', judge: 'budget-only', budget: { max: 500, statistic: 'max' } });
    const rounds = (b: number[], h: number[]): RoundSides[] =>
      [0, 1, 2].map((r) => ({ round: r + 1, base: run([peak([b[r]!, b[r]! + 1])]), head: run([peak([h[r]!, h[r]! + 1])]), pairs: new Map() }));
    const grown = judgeAb(combineRounds(rounds([300, 302, 298], [360, 365, 358]), OPTIONS), JUDGE)[0]!;
    expect(grown.ab).toMatchObject({ pairing: 'per-round', rounds: 3, pairs: 3 });
    expect(grown.decision.status).toBe('REGRESSED');
    expect(grown.judge).toBeUndefined(); // compared, so it is in the run's family of comparisons
    const over = judgeAb(combineRounds(rounds([300, 302, 298], [600, 602, 598]), OPTIONS), JUDGE)[0]!;
    expect(over.decision.status).toBe('BUDGET-FAIL');
  });

  it('a timing budget head misses is binding only when base meets it', () => {
    const floor = (v: number): MetricResult => metric('throughput', [v, v], { unit: 'texts/s', direction: 'higher', budget: { min: 500 } });
    const rounds = (b: number, h: number): RoundSides[] => [1, 2, 3].map((r) => ({ round: r, base: run([floor(b)]), head: run([floor(h)]), pairs: new Map() }));
    const caused = judgeAb(combineRounds(rounds(600, 400), OPTIONS), JUDGE)[0]!;
    expect(caused.decision).toMatchObject({ status: 'BUDGET-FAIL', advisory: false });
    const machine = judgeAb(combineRounds(rounds(300, 290), OPTIONS), JUDGE)[0]!;
    expect(machine.decision).toMatchObject({ status: 'BUDGET-FAIL', advisory: true });
    expect(machine.decision.warnings.join(' ')).toMatch(/base misses this budget too/);
  });

  it('a timing budget head misses while base meets it binds only when the pairs show head worse', () => {
    const extra: Partial<MetricResult> = { unit: 'texts/s', direction: 'higher', budget: { min: 500 } };
    // Paired time ratios (head / base): 1.0 is the same speed, 1.3 a 30% slower head.
    const side = (rounds: RoundSides[], perSide: { base: number; head: number }): RoundSides[] =>
      rounds.map((r) => ({ ...r, base: run([metric('throughput', [perSide.base], extra)]), head: run([metric('throughput', [perSide.head], extra)]) }));
    const noisy = judged(side(lockstepRounds('throughput', 1.0, { sd: 0.3, roundSd: 0.1, extra }), { base: 520, head: 480 }));
    expect(noisy.decision).toMatchObject({ status: 'BUDGET-FAIL', advisory: true });
    expect(noisy.decision.warnings.join(' ')).toMatch(/does not show it worse than base/);
    const slower = judged(side(lockstepRounds('throughput', 1.3, { extra }), { base: 560, head: 430 }));
    expect(slower.decision).toMatchObject({ status: 'BUDGET-FAIL', advisory: false });
  });

  it('a change beyond the tolerance that is not significant across the run becomes INCONCLUSIVE', () => {
    // a 12% change measured in 3 rounds among 60 unchanged metrics: significant alone, not across the run
    const rounds = lockstepRounds('edge', 1.12, { sd: 0.05, roundSd: 0.01 });
    const others = Array.from({ length: 60 }, (_, i) => lockstepRounds(`m${i}`, 1));
    const all: RoundSides[] = rounds.map((r, k) => ({
      round: r.round,
      base: run([...r.base!.metrics, ...others.map((o) => o[k]!.base!.metrics[0]!)]),
      head: run([...r.head!.metrics, ...others.map((o) => o[k]!.head!.metrics[0]!)]),
      pairs: new Map([...r.pairs, ...others.flatMap((o) => [...o[k]!.pairs])]),
    }));
    const before = judgeAb(combineRounds(all, OPTIONS), JUDGE);
    const edge = before.find((m) => m.name === 'edge')!;
    // alone, its interval lies beyond +5% and p < 0.01 ...
    expect(edge.decision.status).toBe('REGRESSED');
    expect(edge.decision.evidence.ratioCi![0]).toBeGreaterThan(1.05);
    expect(edge.decision.evidence.pValue!).toBeLessThan(0.01);
    // ... but not among 61 comparisons (Holm), so the verdict is not a failure
    const after = applyMultipleComparisons(before, 'holm', 0.01).find((m) => m.name === 'edge')!;
    expect(after.decision.evidence.pAdjusted!).toBeGreaterThanOrEqual(0.01);
    expect(after.decision.status).toBe('INCONCLUSIVE');
  });

  it('a suite whose metrics are all exact is settled after one round; one timing metric keeps it open', () => {
    const exact = (suite: string, name: string): MetricResult => ({ ...metric(name, [7], { kind: 'exact', unit: 'count' }), suite });
    const timed = (suite: string): MetricResult => ({ ...metric('t', [1, 1.1, 0.9, 1, 1.05]), suite });
    const round1: RoundSides[] = [{ round: 1, base: run([exact('counts', 'a'), exact('counts', 'b'), exact('mixed', 'c'), timed('mixed')]), head: run([exact('counts', 'a'), exact('counts', 'b'), exact('mixed', 'c'), timed('mixed')]), pairs: new Map() }];
    expect(settledSuites(combineRounds(round1, OPTIONS).map((c) => c.result))).toEqual(['counts']);
  });
});
