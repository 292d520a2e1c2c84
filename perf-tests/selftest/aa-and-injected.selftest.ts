// Self-test of the harness on real CPU work (`npm run perf:selftest`, minutes, not in npm test):
// A/A: a workload against its own fresh baseline, 20 repetitions per workload -> no REGRESSED;
// injected slowdowns of 15% and 10% (a busy-wait of that fraction of the baseline median per
// call) -> detected in >= 19/20. Prints the false-positive rate, detection rates, the MDE and the
// engine overhead, and writes them to reports/selftest.json.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.ts';
import { nowNs } from '../../src/perf/measure/clock.ts';
import { TimingSampler, type Workload } from '../../src/perf/measure/timing.ts';
import { median } from '../../src/perf/stats/index.ts';
import type { MetricSamples } from '../../src/perf/metrics/metric.ts';
import { sampleAndDecide } from '../../src/perf/suite/sample-and-decide.ts';
import type { MetricResult } from '../../src/perf/metrics/run-result.ts';
import { seededFloats } from '../support/seeded-floats.ts';

const REPS = Number(process.env.SELFTEST_REPS ?? 20);

const floats = seededFloats(50_000, 7);
const doc = Array.from({ length: 1_500 }, (_, i) => ({ id: i, v: floats[i], tags: [`a${i % 5}`, `b${i % 13}`] }));
const WORKLOADS: Record<string, Workload> = {
  'sort 50k floats': () => Float64Array.from(floats).sort(),
  'json round trip': () => JSON.parse(JSON.stringify(doc)) as unknown,
};

const spin = (ns: number): void => {
  const end = nowNs() + BigInt(Math.round(ns));
  while (nowNs() < end);
};
const toMetric =
  (name: string) =>
  (samplesNs: number[]): MetricSamples => ({ name, unit: 'ms', direction: 'lower', kind: 'timing', samples: samplesNs.map((ns) => ns / 1e6) });

/** One repetition: a fresh baseline, then a fresh current run (optionally slowed down), decided. */
async function repetition(name: string, slowdown: number): Promise<MetricResult> {
  const work = WORKLOADS[name]!;
  const base = await new TimingSampler(work).collect();
  const extraNs = median(base.samplesNs) * slowdown;
  const current = slowdown > 0 ? (): void => void (work(), spin(extraNs)) : work;
  const { result } = await sampleAndDecide({
    suite: 'selftest',
    test: name,
    sampler: new TimingSampler(current),
    toMetric: toMetric(name),
    baseline: { metric: toMetric(name)(base.samplesNs), file: '(fresh)', savedAt: new Date().toISOString(), environmentDiffers: [] },
    decision: { alpha: 0.01 },
    maxResampleRounds: 2,
  });
  return result;
}

const figures: Record<string, unknown> = { reps: REPS, startedAt: new Date().toISOString() };
const tally = (rs: MetricResult[]): Record<string, number> =>
  rs.reduce<Record<string, number>>((t, r) => ({ ...t, [r.decision.status]: (t[r.decision.status] ?? 0) + 1 }), {});

function writeFigures(): void {
  const file = path.join(PROJECT_ROOT, 'reports', 'selftest.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(figures, null, 2) + '\n');
}

describe('harness self-test on real CPU work', () => {
  it(`A/A: ${REPS} repetitions per workload give no REGRESSED`, async () => {
    const results: MetricResult[] = [];
    for (const name of Object.keys(WORKLOADS)) for (let r = 0; r < REPS; r++) results.push(await repetition(name, 0));
    const regressed = results.filter((r) => r.decision.status === 'REGRESSED').length;
    const mdes = results.map((r) => r.decision.evidence.mde!).filter(Number.isFinite);
    figures.aa = {
      comparisons: results.length,
      statuses: tally(results),
      falsePositiveRate: regressed / results.length,
      medianMde: median(mdes),
      timedOverheadMax: Math.max(...results.map((r) => r.measurement?.timedOverhead ?? 0)),
      wallOverheadMedian: median(results.map((r) => r.measurement?.wallOverhead ?? 0)),
      ratios: results.map((r) => Number(r.decision.evidence.ratio!.toFixed(4))),
    };
    writeFigures();
    console.log('A/A', JSON.stringify(figures.aa));
    expect(regressed).toBe(0);
  });

  for (const slowdown of [0.15, 0.1]) {
    it(`an injected ${slowdown * 100}% slowdown is detected in >= 19/${REPS}`, async () => {
      const results: MetricResult[] = [];
      for (let r = 0; r < REPS; r++) results.push(await repetition('sort 50k floats', slowdown));
      const detected = results.filter((r) => r.decision.status === 'REGRESSED').length;
      figures[`slowdown${slowdown * 100}`] = {
        statuses: tally(results),
        detectionRate: detected / results.length,
        medianMde: median(results.map((r) => r.decision.evidence.mde!).filter(Number.isFinite)),
        ratios: results.map((r) => Number(r.decision.evidence.ratio!.toFixed(4))),
      };
      writeFigures();
      console.log(`slowdown ${slowdown}`, JSON.stringify(figures[`slowdown${slowdown * 100}`]));
      expect(detected).toBeGreaterThanOrEqual(Math.ceil(REPS * 0.95));
    });
  }
});
