// Custom matchers for perf suites: expect(result).toMeetBudget() and expect(result).not.toRegress().
// Failure messages carry the evidence and start with "[perf]" so the reporter can tell a metric
// verdict (exit 1) from a harness error (exit 2).
import { expect } from 'vitest';
import { formatChange, formatCi, formatNumber, formatPs } from '../report/format.ts';
import type { MetricResult } from '../metrics/run-result.ts';

import { MATCHER_PREFIX } from './matchers-prefix.ts';
export { MATCHER_PREFIX };

function list(received: unknown): MetricResult[] {
  const xs = Array.isArray(received) ? received : [received];
  for (const x of xs) {
    if (!x || typeof x !== 'object' || !('decision' in x) || !('samples' in x)) {
      throw new TypeError(`${MATCHER_PREFIX} expected the result of measure()/record()/measureMemory(), got ${typeof x}`);
    }
  }
  return xs as MetricResult[];
}

function evidence(m: MetricResult): string {
  const e = m.decision.evidence;
  const parts = [`${m.suite} › ${m.name}: ${m.decision.status}${m.decision.advisory ? ' (advisory)' : ''}`, `current ${formatNumber(e.current)} ${m.unit}`];
  if (e.baseline !== undefined) parts.push(`baseline ${formatNumber(e.baseline)} ${m.unit}`, `change ${formatChange(m)} CI ${formatCi(m)} ${formatPs(e)} n=${e.n.current}/${e.n.baseline}`);
  if (e.budget) parts.push(`budget ${e.budget.statistic} ${formatNumber(e.budget.value)} vs ${e.budget.min !== undefined ? `>= ${e.budget.min}` : ''}${e.budget.max !== undefined ? `<= ${e.budget.max}` : ''}`);
  if (m.decision.warnings.length) parts.push(`warnings: ${m.decision.warnings.join('; ')}`);
  return parts.join(', ');
}

expect.extend({
  toMeetBudget(received: unknown) {
    const ms = list(received);
    const missing = ms.filter((m) => !m.decision.evidence.budget);
    const failing = ms.filter((m) => m.decision.evidence.budget && !m.decision.evidence.budget.ok && !m.decision.advisory);
    const pass = missing.length === 0 && failing.length === 0;
    return {
      pass,
      message: () =>
        pass
          ? `${MATCHER_PREFIX} expected a budget failure but every budget was met: ${ms.map(evidence).join(' | ')}`
          : missing.length
            ? `${MATCHER_PREFIX} no budget defined for ${missing.map((m) => m.name).join(', ')}: pass { budget: { max | min } } to measure()/record()`
            : `${MATCHER_PREFIX} budget failed: ${failing.map(evidence).join(' | ')}`,
    };
  },
  toRegress(received: unknown) {
    const ms = list(received);
    const regressed = ms.filter((m) => m.decision.status === 'REGRESSED' && !m.decision.advisory);
    return {
      pass: regressed.length > 0,
      message: () =>
        regressed.length > 0
          ? `${MATCHER_PREFIX} regressed: ${regressed.map(evidence).join(' | ')}`
          : `${MATCHER_PREFIX} expected a regression, got: ${ms.map(evidence).join(' | ')}`,
    };
  },
});

interface PerfMatchers<R = unknown> {
  /** Every metric has a budget and meets it (BUDGET-FAIL otherwise). */
  toMeetBudget: () => R;
  /** Use as `.not.toRegress()`: fails when a metric is REGRESSED (advisory ones excepted). */
  toRegress: () => R;
}

declare module 'vitest' {
  // vitest's declaration-merging signature: an empty interface with an `any` default is the point.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends PerfMatchers<T> {}
}
