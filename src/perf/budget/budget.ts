// Absolute budgets (floors and ceilings) checked against one estimate of a metric's samples.
import { mean, percentiles } from '../stats/index.ts';
import type { Budget, BudgetStatistic } from '../metrics/metric.ts';
import type { TargetCheck } from '../decision/decision.ts';

export function budgetEstimate(samples: readonly number[], statistic: BudgetStatistic): number {
  switch (statistic) {
    case 'mean':
      return mean(samples);
    case 'min':
      return Math.min(...samples);
    case 'max':
      return Math.max(...samples);
    case 'p95':
      return percentiles(samples, [95])[0]!;
    case 'p99':
      return percentiles(samples, [99])[0]!;
    default:
      return percentiles(samples, [50])[0]!;
  }
}

export interface BudgetCheck {
  statistic: BudgetStatistic;
  value: number;
  min?: number;
  max?: number;
  ok: boolean;
}

export function checkBudget(samples: readonly number[], budget: Budget): BudgetCheck {
  const statistic = budget.statistic ?? 'median';
  const value = budgetEstimate(samples, statistic);
  const ok = (budget.max === undefined || value <= budget.max) && (budget.min === undefined || value >= budget.min);
  return { statistic, value, ...(budget.min !== undefined && { min: budget.min }), ...(budget.max !== undefined && { max: budget.max }), ok };
}

/** An advisory target is checked like a budget but only reported (MET / NOT MET), never gating. */
export function checkTarget(samples: readonly number[], target: Budget, unit: string): TargetCheck {
  const check = checkBudget(samples, target);
  return {
    met: check.ok,
    value: Number(check.value.toPrecision(4)),
    goal: describeBudget(target, unit),
    statistic: check.statistic,
    ...(target.source !== undefined && { source: target.source }),
  };
}

/** "<= 3000 ms (p95)" style text for tables. */
export function describeBudget(budget: Budget, unit: string): string {
  const parts: string[] = [];
  if (budget.min !== undefined) parts.push(`>= ${budget.min} ${unit}`);
  if (budget.max !== undefined) parts.push(`<= ${budget.max} ${unit}`);
  return `${parts.join(' and ')} (${budget.statistic ?? 'median'})`;
}
