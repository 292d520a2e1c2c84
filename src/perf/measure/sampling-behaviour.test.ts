// Behaviour of the samplers (caps, batching, async, guards, leak slope). No timing is asserted:
// only counts, structure and memory facts that do not depend on the machine's speed.
import { describe, expect, it } from 'vitest';
import { TimingSampler, measureTiming } from './timing.ts';
import { measureMemory } from './memory.ts';
import { calibrate } from './calibration.ts';
import { getGc } from './gc.ts';

const work = (): number => {
  let s = 0;
  for (let i = 0; i < 2000; i++) s += Math.sqrt(i);
  return s;
};

describe('timing sampler', () => {
  it('respects the sample cap and a fixed batch size', async () => {
    const r = await measureTiming(work, { warmupMs: 5, minSamples: 5, maxSamples: 7, targetPrecision: 0, iterationsPerSample: 3 });
    expect(r.samplesNs).toHaveLength(7);
    expect(r.iterationsPerSample).toBe(3);
    expect(r.stoppedBy).toBe('max-samples');
    expect(r.samplesNs.every((x) => x > 0)).toBe(true);
  });
  it('stops at the time cap', async () => {
    const r = await measureTiming(work, { warmupMs: 1, minSamples: 5, maxSamples: 1_000_000, maxTimeMs: 30, targetPrecision: 0 });
    expect(r.stoppedBy).toBe('time-cap');
  });
  it('awaits async workloads and extends samples on request (re-sampling)', async () => {
    let calls = 0;
    const sampler = new TimingSampler(async () => void calls++, { warmupMs: 1, minSamples: 4, maxSamples: 4, iterationsPerSample: 2, targetPrecision: 0 });
    const first = await sampler.collect();
    expect(first.samplesNs).toHaveLength(4);
    const more = await sampler.collect({ minSamples: 3, maxSamples: 3 });
    expect(more.samplesNs).toHaveLength(7);
    expect(more.samplesNs.slice(0, 4)).toEqual(first.samplesNs);
    expect(calls).toBeGreaterThanOrEqual(14);
  });
  it('flags an empty function as likely optimised out', async () => {
    const r = await measureTiming(() => {}, { warmupMs: 5, minSamples: 5, maxSamples: 5, minSampleMs: 1 });
    expect(r.warnings.join(' ')).toMatch(/empty function/);
  });
});

describe('memory sampler', () => {
  it('finds the leak slope of a workload that retains 1 MB per iteration', async () => {
    // Typed array storage is external memory (heapUsed barely moves): it must show all the same.
    const retained: Float64Array[] = [];
    const r = await measureMemory(() => void retained.push(new Float64Array(131_072).fill(1)), { iterations: 8, warmupIterations: 1 });
    expect(r.postGcRetainedBytes).toHaveLength(8);
    expect(r.leakPerIteration.slope).toBeGreaterThan(0.9 * 2 ** 20);
    expect(r.leakPerIteration.lower).toBeGreaterThan(0);
    const objs: object[] = [];
    const r2 = await measureMemory(() => void objs.push(Array.from({ length: 20_000 }, (_, i) => ({ i }))), { iterations: 8, warmupIterations: 1 });
    expect(r2.leakPerIteration.slope).toBeGreaterThan(300_000);
    expect(r2.leakPerIteration.lower).toBeGreaterThan(0);
    expect(r.rssPeakBytes.every((x) => x > 0)).toBe(true);
  });
  it('a leak in only some iterations (1 MB every third call) still shows', async () => {
    const retained: Float64Array[] = [];
    let calls = 0;
    const leakEveryThird = (): void => void (calls++ % 3 === 0 && retained.push(new Float64Array(131_072).fill(1)));
    const r = await measureMemory(leakEveryThird, { iterations: 12, warmupIterations: 1, callsPerIteration: 1 });
    expect(r.leakPerIteration.slope).toBeGreaterThan(0.25 * 2 ** 20);
    expect(r.leakPerIteration.lower).toBeGreaterThan(0);
  });
  it('a workload that frees what it allocates has a slope near zero', async () => {
    const r = await measureMemory(() => Array.from({ length: 20_000 }, (_, i) => ({ i })).length, { iterations: 8, warmupIterations: 1 });
    expect(Math.abs(r.leakPerIteration.slope)).toBeLessThan(50_000);
  });
});

describe('gc and calibration', () => {
  it('gives a working gc() without --expose-gc and a positive calibration score', () => {
    expect(typeof getGc()).toBe('function');
    getGc()();
    const c = calibrate(3);
    expect(c.score).toBeGreaterThan(0);
    expect(c.rounds).toBe(3);
  });
});
