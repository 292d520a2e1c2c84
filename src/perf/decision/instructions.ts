// The verdict of an instruction count: counts are deterministic (they repeat to ~0.01% on one
// machine), so there is no statistics, only a relative tolerance. A pure function of the two
// counts, shared by the stored-baseline mode (decide()) and by A/B mode (base and head counted in
// the same run): decideInstructionCount(baseCount, headCount, tolerance).
import { DEFAULT_TOLERANCE } from '../metrics/metric.ts';

export const DEFAULT_INSTRUCTION_TOLERANCE = DEFAULT_TOLERANCE.instructions;

export interface InstructionCountDecision {
  status: 'PASS' | 'IMPROVED' | 'REGRESSED';
  /** head / base. */
  ratio: number;
  /** head / base - 1 (+0.02 = 2% more instructions). */
  change: number;
  tolerance: number;
}

/**
 * PASS when |head / base - 1| <= tolerance; more instructions beyond it is REGRESSED, fewer is
 * IMPROVED. Fewer instructions are always better. Throws a RangeError on counts that cannot be
 * compared (not finite, base <= 0, head < 0) or a negative tolerance.
 */
export function decideInstructionCount(base: number, head: number, tolerance: number = DEFAULT_INSTRUCTION_TOLERANCE): InstructionCountDecision {
  if (!Number.isFinite(base) || base <= 0) throw new RangeError(`base instruction count must be a finite number > 0, got ${base}`);
  if (!Number.isFinite(head) || head < 0) throw new RangeError(`head instruction count must be a finite number >= 0, got ${head}`);
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new RangeError(`tolerance must be a finite number >= 0, got ${tolerance}`);
  const ratio = head / base;
  const change = ratio - 1;
  // 1e-12 absorbs floating-point error at the edge (1,010,000 / 1,000,000 - 1 > 0.01 in doubles).
  const status = Math.abs(change) <= tolerance + 1e-12 ? 'PASS' : change > 0 ? 'REGRESSED' : 'IMPROVED';
  return { status, ratio, change, tolerance };
}

/** Relative spread (max - min) / median of repeated counts: above ~0.1% something is not deterministic. */
export function countSpread(samples: readonly number[]): number {
  if (samples.length < 2) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return mid === 0 ? 0 : (sorted[sorted.length - 1]! - sorted[0]!) / Math.abs(mid);
}
