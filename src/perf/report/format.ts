// Shared formatting helpers of the renderers (pure).
import type { MetricResult, RunResult } from '../metrics/run-result.ts';

// One formatter per digit count, made once: toLocaleString with options builds a new ICU number
// formatter on every call (about 3 M instructions per rendered report, and malloc churn whose
// count varied by 0.5% between identical runs under callgrind).
const FORMATTERS = [0, 1, 2, 3].map((digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }));

export function formatNumber(x: number | undefined): string {
  // null: a number that a JSON round trip lost (NaN or Infinity); never shown as a value.
  if (x === undefined || x === null || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) return x.toExponential(2);
  if (Number.isInteger(x)) return FORMATTERS[0]!.format(x);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  return FORMATTERS[digits]!.format(x);
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
  const e = m.decision.evidence;
  // A ratio over a baseline of 0 is infinite (a count that was 0 and is not): no percentage says that.
  const text = e.difference !== undefined ? formatDifference(e.difference) : e.ratio === Number.POSITIVE_INFINITY ? '+∞ (from 0)' : e.ratio !== undefined ? formatPercent(e.ratio - 1) : undefined;
  if (text === undefined) return '';
  return m.decision.significant ? text : `~ ${text}`;
}

/** A change in the metric's unit (difference metrics, e.g. a leak slope in MB/min). */
function formatDifference(x: number): string {
  return `${x > 0 ? '+' : ''}${formatNumber(x)}`;
}

export function formatCi(m: MetricResult): string {
  const e = m.decision.evidence;
  if (e.differenceCi) return `[${formatDifference(e.differenceCi[0])}, ${formatDifference(e.differenceCi[1])}] ${m.unit}`;
  const ci = e.ratioCi;
  if (!ci) return '';
  return `[${formatPercent(ci[0] - 1)}, ${formatPercent(ci[1] - 1)}]`;
}

/** Column headings of the two estimates: a stored baseline vs this run, or base vs head (A/B). */
export function estimateLabels(run: Pick<RunResult, 'mode'>): [string, string] {
  return run.mode === 'ab' ? ['base', 'head'] : ['baseline', 'current'];
}

/** A/B: "3 x 40" rounds x pairs (pairs over all rounds), "" otherwise. */
export function formatRoundsPairs(m: MetricResult): string {
  if (!m.ab || m.ab.rounds === 0) return '';
  return `${m.ab.rounds} / ${m.ab.pairs}`;
}

/** One line naming the two revisions of an A/B run, its rounds and pairs ("" for other runs). */
export function abHeadline(run: RunResult): string {
  const ab = run.ab;
  if (!ab) return '';
  const pairs = ab.rounds.reduce((a, r) => a + r.pairs, 0);
  const head = `${ab.head.sha?.slice(0, 12) ?? '-'}${ab.head.dirty ? ' + uncommitted changes' : ''}`;
  const adjust = ab.adjust === 'none' ? 'no correction' : `${ab.adjust === 'bh' ? 'Benjamini-Hochberg' : 'Holm'} correction`;
  // Merged shards ran side by side: their rounds add up, but no shard ran that many.
  const rounds = ab.shards && ab.shards > 1
    ? `${ab.shards} shards, ${ab.rounds.length} rounds in all (at most ${Math.max(0, ...ab.rounds.map((r) => r.round))} in one shard)`
    : `${ab.rounds.length} round(s)`;
  return `A/B: base ${ab.base.ref} = ${ab.base.sha.slice(0, 12)} vs head ${head}; ${rounds}, ${pairs} lockstep pairs, ${Math.round(ab.durationMs / 1000)} s; ${(ab.confidence * 100).toFixed(0)}% intervals, ${adjust} at alpha ${ab.alpha}`;
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
  const order = ['REGRESSED', 'BUDGET-FAIL', 'INCONCLUSIVE', 'IMPROVED', 'NEW', 'REMOVED', 'PASS'];
  const rank = (m: MetricResult): number => order.indexOf(m.decision.status) + (m.decision.advisory ? 0.5 : 0);
  return rank(a) - rank(b) || metricKey(a).localeCompare(metricKey(b));
}
