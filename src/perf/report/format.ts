// Shared formatting helpers of the renderers (pure).
import type { MetricResult } from '../metrics/run-result.ts';

export function formatNumber(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) return x.toExponential(2);
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatValue(x: number | undefined, unit: string): string {
  return `${formatNumber(x)} ${unit}`;
}

export function formatPercent(x: number | undefined, signed = true): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  const s = (x * 100).toFixed(1) + '%';
  return signed && x > 0 ? `+${s}` : s;
}

/** "+12.3%" for a significant change, "~ +1.2%" when not significant, "" without a baseline. */
export function formatChange(m: MetricResult): string {
  const r = m.decision.evidence.ratio;
  if (r === undefined) return '';
  const text = formatPercent(r - 1);
  return m.decision.significant ? text : `~ ${text}`;
}

export function formatCi(m: MetricResult): string {
  const ci = m.decision.evidence.ratioCi;
  if (!ci) return '';
  return `[${formatPercent(ci[0] - 1)}, ${formatPercent(ci[1] - 1)}]`;
}

export function formatP(p: number | undefined): string {
  if (p === undefined) return '';
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

/** The p-value and, when the run corrected for multiple comparisons, the adjusted one. */
export function formatPs(e: { pValue?: number; pAdjusted?: number }): string {
  const p = formatP(e.pValue);
  if (e.pAdjusted === undefined) return p;
  return `${p} adj ${e.pAdjusted < 0.001 ? '<0.001' : e.pAdjusted.toFixed(3)}`;
}

export function metricKey(m: Pick<MetricResult, 'suite' | 'name'>): string {
  return `${m.suite} › ${m.name}`;
}

export function statusLabel(m: MetricResult): string {
  return m.decision.advisory ? `${m.decision.status} (advisory)` : m.decision.status;
}

/** Order of importance: failures first, then what changed, then the rest. */
export function byImportance(a: MetricResult, b: MetricResult): number {
  const order = ['REGRESSED', 'BUDGET-FAIL', 'INCONCLUSIVE', 'IMPROVED', 'NEW', 'PASS'];
  const rank = (m: MetricResult): number => order.indexOf(m.decision.status) + (m.decision.advisory ? 0.5 : 0);
  return rank(a) - rank(b) || metricKey(a).localeCompare(metricKey(b));
}
