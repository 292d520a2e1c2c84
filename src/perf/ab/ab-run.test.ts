import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { collectContext } from '../context/run-context.ts';
import type { MetricResult, RunResult } from '../metrics/run-result.ts';
import { defaultOptions } from '../options.ts';
import { renderSummaryMarkdown } from '../report/markdown.ts';
import { renderTerminal } from '../report/terminal.ts';
import { compareRuns, mergeRuns } from '../runner/compare-runs.ts';
import { finishRun } from '../runner/finish-run.ts';
import { summarize } from '../stats/descriptive.ts';
import { normalSamples } from '../stats/rng.ts';
import { combineRounds, type RoundSides } from './combine.ts';
import { judgeAb } from './verdict.ts';

const BASE = '1111111111111111111111111111111111111111';
const HEAD = '2222222222222222222222222222222222222222';

function metric(suite: string, name: string, samples: number[]): MetricResult {
  return {
    suite,
    test: 't',
    name,
    unit: 'ms',
    direction: 'lower',
    kind: 'timing',
    samples,
    summary: summarize(samples),
    decision: { status: 'NEW', significant: false, advisory: false, needsMoreSamples: false, evidence: { current: 0, n: { current: samples.length }, tolerance: 0.05 }, warnings: [] },
  };
}

/** An A/B run of one suite whose metric `m` is `ratio` times slower on head (3 rounds x 20 pairs). */
function abRun(suite: string, ratio: number): RunResult {
  const rounds: RoundSides[] = [0, 1, 2].map((r) => {
    const logRatios = normalSamples(20, Math.log(ratio), 0.02, 7 + r);
    const base = logRatios.map(() => 10);
    const head = logRatios.map((l) => 10 * Math.exp(l));
    const run = (xs: number[]): RunResult => ({ metrics: [metric(suite, 'm', xs)], suites: [], errors: [] }) as unknown as RunResult;
    const log = { suite, metric: 'm', clock: 'cpu' as const, base, head, logRatios, first: 'base' as const, stoppedBy: 'precision' as const, elapsedMs: 1 };
    return { round: r + 1, base: run(base), head: run(head), pairs: new Map([[`${suite} › m`, log]]) };
  });
  const metrics = judgeAb(combineRounds(rounds, { confidence: 0.95, timingAdvisory: false, baseLabel: `base ${BASE.slice(0, 12)} (main)`, baseSavedAt: '' }), {
    alpha: 0.01,
    minRounds: 3,
    final: true,
  });
  return finishRun({
    options: { ...defaultOptions(PROJECT_ROOT), print: false },
    runId: `ab-${suite}`,
    context: collectContext(PROJECT_ROOT, 500),
    environmentClass: 'linux-x64-test-2c',
    startedAt: new Date('2024-01-02T00:00:00Z'),
    finishedAt: new Date('2024-01-02T00:05:00Z'),
    metrics,
    suites: [{ name: suite, file: `perf-tests/${suite}.perf.ts`, state: 'passed', errors: [] }],
    errors: [],
    ab: {
      base: { ref: 'main', sha: BASE },
      head: { sha: HEAD, dirty: true },
      rounds: [1, 2, 3].map((round) => ({ round, suites: [suite], durationMs: 60_000, pairs: 20 })),
      adjust: 'bh',
      confidence: 0.95,
      alpha: 0.01,
      minRounds: 3,
      design: 'lockstep',
      durationMs: 300_000,
    },
  });
}

describe('A/B run results', () => {
  it('reports mode ab, both commits, base and head estimates, rounds and pairs', () => {
    const run = abRun('embeddings', 1.1);
    expect(run.mode).toBe('ab');
    expect(run.exitCode).toBe(1);
    const text = renderTerminal(run);
    expect(text).toMatch(/mode=ab/);
    expect(text).toContain(`A/B: base main = ${BASE.slice(0, 12)} vs head ${HEAD.slice(0, 12)} + uncommitted changes; 3 round(s), 60 lockstep pairs`);
    expect(text).toMatch(/status\s+metric\s+base\s+head\s+change/);
    expect(text).toMatch(/REGRESSED\s+embeddings › m\s+10\s+11(\.\d+)?\s+\+\d+\.\d%.*3 \/ 60/);
    expect(renderSummaryMarkdown(run)).toContain('| rounds / pairs |');
  });

  it('merge joins A/B shards, keeps mode ab and every round, and corrects p-values once over the union', () => {
    const merged = mergeRuns([abRun('embeddings', 1.1), abRun('nli', 1)], 'merged');
    expect(merged.mode).toBe('ab');
    expect(merged.ab?.rounds).toHaveLength(6);
    // The shards ran side by side: the headline does not claim one run of 6 rounds.
    expect(merged.ab?.shards).toBe(2);
    expect(renderTerminal(merged)).toContain('2 shards, 6 rounds in all (at most 3 in one shard), 120 lockstep pairs');
    expect(merged.metrics.map((m) => `${m.suite}:${m.decision.status}`).sort()).toEqual(['embeddings:REGRESSED', 'nli:PASS']);
    // Benjamini-Hochberg over the two shards' comparisons: the smaller p doubled
    const regressed = merged.metrics.find((m) => m.suite === 'embeddings')!.decision.evidence;
    expect(regressed.pAdjusted).toBeCloseTo(2 * regressed.pValue!, 12);
    expect(merged.exitCode).toBe(1);
  });

  it('merge refuses to mix A/B shards of different bases or with stored-baseline runs', () => {
    const other = abRun('nli', 1);
    other.ab = { ...other.ab!, base: { ref: 'v1', sha: '3'.repeat(40) } };
    expect(mergeRuns([abRun('embeddings', 1), other], 'm').errors.join(' ')).toMatch(/different bases/);
    const stored = { ...abRun('nli', 1), mode: 'compare' as const };
    delete stored.ab;
    expect(mergeRuns([abRun('embeddings', 1), stored], 'm').errors.join(' ')).toMatch(/mix A\/B runs/);
  });

  it('compare of A/B runs judges their head samples and says it is unpaired', () => {
    const r = compareRuns(abRun('embeddings', 1), abRun('embeddings', 1.1), { baseline: 'a', current: 'b' });
    expect(r.metrics[0]!.decision.warnings.join(' ')).toMatch(/unpaired: for a paired verdict run `npm run perf -- --base <ref>`/);
  });
});
