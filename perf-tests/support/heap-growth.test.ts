// The leak verdict names the object that grew in every snapshot and what retains it.
import { describe, expect, it } from 'vitest';
import { leakVerdict, type HeapGrowthReport } from './heap-growth.ts';

const o = (name: string, id: string, history: number[]) => ({ name, id, type: 'object', history });

function report(objects: ReturnType<typeof o>[]): HeapGrowthReport {
  const monotonic = objects.filter((x) => x.history.every((v, i) => i === 0 || v >= x.history[i - 1]!) && x.history.at(-1)! > x.history[0]!);
  return { snapshots: ['snap-01', 'snap-02', 'snap-03'], growing: objects, monotonic, analysisOutputFile: '' };
}

describe('leakVerdict', () => {
  it('calls a steady growth of 64 KB or more a possible leak, with its retainer path', () => {
    const cache = o('Map', '42', [10_000, 60_000, 120_000]);
    const r = report([cache, o('Object', '7', [50_000, 40_000, 45_000])]);
    const v = leakVerdict(r, [{ name: 'Map', id: '42', history: cache.history, path: '(GC roots) --1--> Verifier --cache--> Map' }]);
    expect(v).toBe('possible leak: `Map` @42, which grew in every snapshot (9.8 KB -> 117.2 KB), retained via (GC roots) --1--> Verifier --cache--> Map');
  });

  it('names the largest steady growth below the threshold, and says when nothing grew steadily', () => {
    const small = o('EventEmitter', '9', [13_000, 20_000, 27_000]);
    expect(leakVerdict(report([small]), [{ name: 'EventEmitter', id: '9', history: small.history, path: 'x --y--> EventEmitter' }])).toMatch(/^no leak above 64\.0 KB: the largest steady growth is `EventEmitter` @9/);
    expect(leakVerdict(report([o('Object', '7', [50_000, 40_000, 45_000])]), [])).toBe('no leak: no object grew in every one of the 3 snapshots');
  });
});
