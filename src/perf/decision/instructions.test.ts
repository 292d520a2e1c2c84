import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { countSpread, decideInstructionCount, DEFAULT_INSTRUCTION_TOLERANCE } from './instructions.ts';
import type { MetricSamples } from '../metrics/metric.ts';

const count = (samples: number[], extra: Partial<MetricSamples> = {}): MetricSamples => ({ name: 'tokenize', unit: 'instructions/pair', direction: 'lower', kind: 'instructions', samples, ...extra });

describe('decideInstructionCount', () => {
  it('defaults to a 1% tolerance', () => {
    expect(DEFAULT_INSTRUCTION_TOLERANCE).toBe(0.01);
  });
  it('passes a change within the tolerance, in both directions and at its edge', () => {
    expect(decideInstructionCount(1_000_000, 1_009_000).status).toBe('PASS');
    expect(decideInstructionCount(1_000_000, 991_000).status).toBe('PASS');
    expect(decideInstructionCount(1_000_000, 1_010_000).status).toBe('PASS');
  });
  it('regresses on more instructions beyond the tolerance and improves on fewer', () => {
    expect(decideInstructionCount(1_000_000, 1_020_000)).toEqual({ status: 'REGRESSED', ratio: 1.02, change: 1.02 - 1, tolerance: 0.01 });
    expect(decideInstructionCount(1_000_000, 950_000).status).toBe('IMPROVED');
    expect(decideInstructionCount(1_000_000, 1_004_000, 0.001).status).toBe('REGRESSED');
    expect(decideInstructionCount(1_000_000, 1_000_000, 0).status).toBe('PASS');
  });
  it('refuses counts that cannot be compared, naming the value', () => {
    expect(() => decideInstructionCount(0, 5)).toThrow(/base instruction count must be a finite number > 0, got 0/);
    expect(() => decideInstructionCount(5, Number.NaN)).toThrow(/head instruction count .* got NaN/);
    expect(() => decideInstructionCount(5, 5, -0.1)).toThrow(/tolerance must be .* got -0.1/);
  });
});

describe('decide() on instruction metrics', () => {
  it('is exact with the metric tolerance and binding even when timing is advisory', () => {
    const d = decide(count([1_021_000]), count([1_000_000]), { timingAdvisory: true });
    expect(d.status).toBe('REGRESSED');
    expect(d.advisory).toBe(false);
    expect(d.evidence.ratio).toBeCloseTo(1.021, 9);
    expect(decide(count([1_021_000], { tolerance: 0.03 }), count([1_000_000])).status).toBe('PASS');
  });
  it('is advisory against a baseline from another environment, like every comparison', () => {
    const d = decide(count([1_100_000]), count([1_000_000]), { environmentDiffers: ['instruction counting: node 20.20.2 -> 20.21.0'] });
    expect(d.status).toBe('REGRESSED');
    expect(d.advisory).toBe(true);
  });
  it('warns when repeated counts spread more than 0.1%', () => {
    expect(decide(count([1_000_000, 1_000_500]), undefined).warnings).toEqual([]);
    expect(decide(count([1_000_000, 1_003_000]), undefined).warnings[0]).toMatch(/vary 0\.3% between runs/);
    expect(countSpread([100, 101, 102])).toBeCloseTo(2 / 101, 12);
  });
});
