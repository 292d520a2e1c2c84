// When a paired sampling session of one metric in one round has enough pairs (pure).
// The round is the outer unit of replication (each fresh process pair carries its own offset),
// so precision inside one round beyond a fraction of the tolerance buys nothing: stop there.
import type { PairPlan } from './protocol.ts';

export type PairStop = 'precision' | 'max-pairs' | 'time-cap';

/** Half-width of the 95% interval of the mean log ratio (normal approximation). */
export function withinRoundHalfWidth(logRatios: readonly number[]): number {
  const n = logRatios.length;
  if (n < 2) return Number.POSITIVE_INFINITY;
  const mean = logRatios.reduce((a, b) => a + b, 0) / n;
  const variance = logRatios.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return (1.96 * Math.sqrt(variance)) / Math.sqrt(n);
}

/** Fraction of the tolerance the within-round interval must reach before a round stops early. */
export const ROUND_PRECISION_SHARE = 0.25;

export function pairStop(logRatios: readonly number[], elapsedMs: number, plan: PairPlan): PairStop | undefined {
  const n = logRatios.length;
  if (n >= plan.maxPairs) return 'max-pairs';
  if (elapsedMs >= plan.maxTimeMs && n >= Math.min(plan.minPairs, 3)) return 'time-cap';
  if (n >= plan.minPairs && withinRoundHalfWidth(logRatios) <= Math.log1p(plan.tolerance * ROUND_PRECISION_SHARE)) return 'precision';
  return undefined;
}
