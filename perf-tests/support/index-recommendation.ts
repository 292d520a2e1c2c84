// Which index setting to recommend per corpus size: the Pareto front of p95 latency against
// recall@10, and the fastest setting whose recall meets the bar. Pure: points in, marks out.

export interface SettingPoint {
  setting: string;
  mode: 'exact' | 'ivfflat' | 'hnsw';
  p95Ms: number;
  recallAt1: number;
  recallAt10: number;
  pareto?: boolean;
  recommended?: boolean;
}

export interface RecallBar {
  recallAt10: number;
  recallAt1: number;
}

/** True when `q` is at least as good as `p` on both axes and strictly better on one. */
function dominates(q: SettingPoint, p: SettingPoint): boolean {
  return q.p95Ms <= p.p95Ms && q.recallAt10 >= p.recallAt10 && (q.p95Ms < p.p95Ms || q.recallAt10 > p.recallAt10);
}

/**
 * Marks `pareto` on every approximate (non-exact) point and `recommended` on the fastest one (by
 * p95) that meets the recall bar; returns it, or undefined when no setting reaches the bar (then
 * the bar itself is the finding: report the best recall the grid reached).
 */
export function recommendSetting<T extends SettingPoint>(points: T[], bar: RecallBar): T | undefined {
  const ann = points.filter((p) => p.mode !== 'exact');
  for (const p of ann) {
    p.pareto = !ann.some((q) => q !== p && dominates(q, p));
    p.recommended = false;
  }
  const good = ann
    .filter((p) => p.recallAt10 >= bar.recallAt10 && p.recallAt1 >= bar.recallAt1)
    .sort((a, b) => a.p95Ms - b.p95Ms || a.setting.localeCompare(b.setting));
  const best = good[0];
  if (best) best.recommended = true;
  return best;
}

/** The approximate setting with the highest recall@10 (ties: the faster one). */
export function bestRecallSetting<T extends SettingPoint>(points: readonly T[]): T | undefined {
  return points.filter((p) => p.mode !== 'exact').sort((a, b) => b.recallAt10 - a.recallAt10 || a.p95Ms - b.p95Ms)[0];
}
