import { describe, expect, it } from 'vitest';
import { fuseRrf } from './rrf.ts';
import { meanRecallAtK, recallAtK } from './recall.ts';

describe('fuseRrf', () => {
  it('matches a hand-computed fusion (k = 60)', () => {
    // a: 1/61 + 1/63 = 0.032266; b: 1/62 + 1/61 = 0.032522; c: 1/63; d: 1/62
    const fused = fuseRrf([
      { name: 'vector', weight: 1, ids: ['a', 'b', 'c'] },
      { name: 'text', weight: 1, ids: ['b', 'd', 'a'] },
    ]);
    expect(fused.map((f) => f.id)).toEqual(['b', 'a', 'd', 'c']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[0]!.ranks).toEqual({ vector: 2, text: 1 });
    expect(fused[2]!.ranks).toEqual({ vector: null, text: 2 });
  });

  it('weights move a list up, ties are broken by id, repeated ids keep the best rank', () => {
    const fused = fuseRrf([
      { name: 'vector', weight: 1, ids: ['x', 'y'] },
      { name: 'text', weight: 3, ids: ['y', 'y', 'z'] },
    ], 1);
    // x: 1/2; y: 1/3 + 3/2; z: 3/4
    expect(fused.map((f) => [f.id, f.score])).toEqual([
      ['y', 1 / 3 + 3 / 2],
      ['z', 3 / 4],
      ['x', 1 / 2],
    ]);
    expect(fuseRrf([{ name: 'v', weight: 1, ids: ['b'] }, { name: 't', weight: 1, ids: ['a'] }]).map((f) => f.id)).toEqual(['a', 'b']);
  });
});

describe('recall', () => {
  it('counts the overlap of the first k', () => {
    expect(recallAtK(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'b'], 3)).toBeCloseTo(2 / 3, 12);
    expect(meanRecallAtK([['a'], ['b']], [['a'], ['c']], 1)).toBe(0.5);
  });
});
