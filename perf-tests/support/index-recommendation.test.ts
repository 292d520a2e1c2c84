import { describe, expect, it } from 'vitest';
import { bestRecallSetting, recommendSetting, type SettingPoint } from './index-recommendation.ts';

const point = (setting: string, p95Ms: number, recallAt10: number, recallAt1 = recallAt10, mode: SettingPoint['mode'] = 'hnsw'): SettingPoint => ({
  setting,
  mode,
  p95Ms,
  recallAt1,
  recallAt10,
});

describe('index recommendation', () => {
  it('recommends the fastest setting that meets the recall bar, and marks the Pareto front', () => {
    const points = [
      point('exact', 30, 1, 1, 'exact'),
      point('ivf probes=1', 1, 0.6),
      point('ivf probes=10', 3, 0.96),
      point('hnsw ef=40', 2, 0.97),
      point('hnsw ef=100', 4, 0.99),
      point('ivf probes=25', 5, 0.98), // dominated by hnsw ef=100 (faster and better)
    ];
    const best = recommendSetting(points, { recallAt10: 0.95, recallAt1: 0.95 });
    expect(best?.setting).toBe('hnsw ef=40');
    expect(points.filter((p) => p.pareto).map((p) => p.setting)).toEqual(['ivf probes=1', 'hnsw ef=40', 'hnsw ef=100']);
    expect(points.filter((p) => p.recommended).map((p) => p.setting)).toEqual(['hnsw ef=40']);
    expect(points[0]!.pareto).toBeUndefined(); // exact search is the reference, not a candidate
  });

  it('requires both recall@10 and recall@1, and returns undefined when nothing qualifies', () => {
    const points = [point('a', 1, 0.97, 0.9), point('b', 2, 0.94, 0.99)];
    expect(recommendSetting(points, { recallAt10: 0.95, recallAt1: 0.95 })).toBeUndefined();
    expect(points.some((p) => p.recommended)).toBe(false);
    expect(bestRecallSetting(points)?.setting).toBe('a');
  });

  it('breaks latency ties by name so the recommendation is stable', () => {
    const points = [point('z', 2, 0.96), point('a', 2, 0.97)];
    expect(recommendSetting(points, { recallAt10: 0.95, recallAt1: 0.95 })?.setting).toBe('a');
  });
});
