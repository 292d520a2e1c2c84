// The machine guard: a baseline from a machine whose calibration differs by more than 10% makes
// timing comparisons advisory (exact ones stay binding), and the run says so in words.
import { describe, expect, it } from 'vitest';
import { normalSamples } from '../stats/index.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import { decide } from './decide.ts';
import { isFailing } from './decision.ts';
import { machineSpeedNote, runMachineNote } from './machine-guard.ts';

const latency = (samples: number[]): MetricSamples => ({ name: 'latency', unit: 'ms', direction: 'lower', kind: 'timing', samples });

describe('machine guard', () => {
  it('names the difference and --base', () => {
    expect(machineSpeedNote(647, 512)).toBe(
      "this machine is 26% faster than the baseline's machine (calibration 647 vs 512); timing comparisons against it are advisory: use --base <ref> to judge a change here",
    );
    expect(machineSpeedNote(400, 512)).toMatch(/^this machine is 22% slower than the baseline's machine/);
    expect(machineSpeedNote(560, 512)).toBeUndefined(); // +9.4%: the same machine within the calibration's noise
    expect(machineSpeedNote(647, null)).toBeUndefined();
    expect(runMachineNote(647, [505, 512, 539, 539, undefined])).toBe(
      "this machine is 20-28% faster than the baselines' machine (calibration 647 vs 505-539); timing comparisons against them are advisory: use --base <ref> to judge a change here",
    );
    expect(runMachineNote(520, [505, 539])).toBeUndefined();
  });

  it('a regression measured against a faster machine is advisory; an exact metric stays binding', () => {
    const calibration = { current: 400, baseline: 512 };
    const d = decide(latency(normalSamples(30, 130, 2, 1)), latency(normalSamples(30, 100, 2, 2)), { calibration, final: true });
    expect(d.status).toBe('REGRESSED');
    expect(d.advisory).toBe(true);
    expect(isFailing(d)).toBe(false);
    expect(d.warnings.join(' ')).toMatch(/22% slower than the baseline's machine/);
    const count = (n: number): MetricSamples => ({ name: 'queries', unit: 'n', direction: 'lower', kind: 'exact', samples: [n] });
    const e = decide(count(3), count(2), { calibration });
    expect(e.status).toBe('REGRESSED');
    expect(e.advisory).toBe(false);
    // --env-mismatch fail: compared and binding.
    const slower = latency(normalSamples(30, 130, 2, 1));
    const base = latency(normalSamples(30, 100, 2, 2));
    const f = decide(slower, base, { calibration, final: true, advisoryOnEnvironmentMismatch: false });
    expect(isFailing(f)).toBe(true);
    expect(f.warnings.join(' ')).toMatch(/compared anyway \(--env-mismatch fail\)/);
    // Within 10%: binding.
    expect(decide(slower, base, { calibration: { current: 540, baseline: 512 }, final: true }).advisory).toBe(false);
  });
});
