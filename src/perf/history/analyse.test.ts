// Steps judged by direction, labelled at a machine change, and the --check verdict.
import { describe, expect, it } from 'vitest';
import { analyseSeries, checkVerdict, environmentChange } from './analyse.ts';
import { toSeries, type HistoryPoint } from './points.ts';
import { normalSamples } from '../stats/rng.ts';

function series(direction: 'lower' | 'higher', step: number, calibrationAfter: number | null = null): HistoryPoint[] {
  return normalSamples(40, 1, 0.02, 11).map((z, i) => ({
    source: 'report',
    origin: `reports/run-${i}/report.json`,
    sha: String(i).padStart(40, '0'),
    runId: null,
    date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    envClass: 'c',
    profile: 'quick',
    suite: 's',
    metric: 'm',
    unit: 'ms',
    direction,
    kind: 'timing',
    estimate: 100 * z * (i >= 25 ? 1 + step : 1),
    ci: null,
    status: 'PASS',
    forced: null,
    budget: null,
    target: null,
    env: { envClass: 'c', cpuModel: 'cpu', node: 'v20.19.0', calibration: i >= 25 && calibrationAfter ? calibrationAfter : 500 },
  }));
}

describe('analyseSeries', () => {
  it('calls a rise of a lower-is-better metric a regression, and of a higher-is-better one an improvement', () => {
    const lower = analyseSeries(toSeries(series('lower', 0.08))[0]!);
    expect(lower.steps.map((s) => [s.index, s.regression])).toEqual([[25, true]]);
    expect(checkVerdict([lower]).exitCode).toBe(1);
    const higher = analyseSeries(toSeries(series('higher', 0.08))[0]!);
    expect(higher.steps.map((s) => [s.index, s.regression])).toEqual([[25, false]]);
    expect(checkVerdict([higher]).exitCode).toBe(0);
  });

  it('labels a step at a machine change and does not fail --check on it', () => {
    const a = analyseSeries(toSeries(series('lower', 0.08, 400))[0]!);
    expect(a.envChanges).toEqual([{ index: 25, what: 'calibration 500 -> 400' }]);
    expect(a.steps[0]!.machineChange).toBe('calibration 500 -> 400');
    expect(checkVerdict([a]).exitCode).toBe(0);
  });

  it('names what changed between two environments (calibration within 10% is the same machine)', () => {
    const e = { envClass: 'c', cpuModel: 'A', node: 'v20.1.0', calibration: 500 };
    expect(environmentChange(e, { ...e, calibration: 540 })).toBeNull();
    expect(environmentChange(e, { ...e, cpuModel: 'B', node: 'v22.0.0' })).toBe('CPU A -> B, Node v20.1.0 -> v22.0.0');
  });
});
