// Example suite proving the harness end to end on real CPU work: a seeded numeric sort and a
// JSON round trip, with budgets, a throughput metric, an exact metric and a memory check.
import { describe, expect, it } from 'vitest';
import { measure, measureMemory, perf, record } from '../src/perf/suite/index.ts';
import { seededFloats } from './support/seeded-floats.ts';

const N = perf.quick ? 20_000 : 100_000;
const data = seededFloats(N, 42);
const doc = Array.from({ length: perf.quick ? 500 : 2_000 }, (_, i) => ({ id: i, score: data[i], tags: [`t${i % 7}`, `u${i % 11}`] }));

describe('harness example', () => {
  it('sorts seeded numbers within budget and without regressing', async () => {
    const result = await measure('sort floats', () => Float64Array.from(data).sort(), { budget: { max: 200, statistic: 'p95' } });
    expect(result).toMeetBudget();
    expect(result).not.toRegress();
  });

  it('round-trips JSON (throughput)', async () => {
    const result = await measure('json round trip', () => JSON.parse(JSON.stringify(doc)) as unknown, {
      throughput: { items: doc.length, unit: 'objects/s' },
      budget: { min: 10_000 },
      // Allocation-heavy work varies between processes (heap layout, GC timing) more than within
      // one: two full runs measured -6.7% (significant, reproduced) on the CPU clock. 15% keeps the
      // example an honest gate without cross-process false alarms.
      tolerance: 0.15,
    });
    expect(result).toMeetBudget();
    expect(result).not.toRegress();
  });

  it('records an exact metric', () => {
    const sorted = Float64Array.from(data).sort();
    let inversions = 0;
    for (let i = 1; i < sorted.length; i++) if (sorted[i - 1]! > sorted[i]!) inversions++;
    const result = record('inversions after sort', inversions, { unit: 'count', direction: 'lower', budget: { max: 0 } });
    expect(result).toMeetBudget();
    expect(result).not.toRegress();
  });

  it('does not leak while parsing', async () => {
    const text = JSON.stringify(doc);
    const results = await measureMemory('json parse', () => JSON.parse(text) as unknown, { iterations: perf.quick ? 8 : 20, budgets: { leakMbPerMin: 50 } });
    expect(results.find((r) => r.name.endsWith('leak'))).toMeetBudget();
    expect(results).not.toRegress();
  });
});
