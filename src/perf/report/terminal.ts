// Terminal table (benchstat style): `~` marks a change that is not significant, warnings become
// numbered footnotes beside the number they qualify. Pure: returns text.
import { abHeadline, byImportance, estimateLabels, formatChange, formatCi, formatNumber, formatPs, formatPercent, formatRoundsPairs, metricKey, statusLabel } from './format.ts';
import type { MetricResult, RunResult } from '../metrics/run-result.ts';
import { targetRows } from './targets.ts';
import { instructionBreakdownLines } from './instructions.ts';

/** Columns listed in `right` are right-aligned (numbers). */
function table(rows: string[][], right: readonly number[] = [2, 3, 4, 5, 6]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** Footnote numbers per metric, numbering each distinct warning once. */
export function footnotes(metrics: readonly MetricResult[]): { notes: string[]; refs: Map<MetricResult, number[]> } {
  const notes: string[] = [];
  const refs = new Map<MetricResult, number[]>();
  for (const m of metrics) {
    refs.set(
      m,
      m.decision.warnings.map((w) => {
        let i = notes.indexOf(w);
        if (i < 0) i = notes.push(w) - 1;
        return i + 1;
      }),
    );
  }
  return { notes, refs };
}

export function renderTerminal(run: RunResult): string {
  const metrics = [...run.metrics].sort(byImportance);
  const { notes, refs } = footnotes(metrics);
  const ab = run.mode === 'ab';
  const [baseLabel, currentLabel] = estimateLabels(run);
  const rows: string[][] = [['status', 'metric', baseLabel, currentLabel, 'change', 'CI', 'p', 'MDE', 'unit', ...(ab ? ['rounds / pairs'] : []), 'notes']];
  for (const m of metrics) {
    const e = m.decision.evidence;
    rows.push([
      statusLabel(m),
      metricKey(m),
      formatNumber(e.baseline),
      formatNumber(e.current),
      formatChange(m),
      formatCi(m),
      formatPs(e),
      e.mde !== undefined ? formatPercent(e.mde, false) : '',
      m.unit,
      ...(ab ? [formatRoundsPairs(m)] : []),
      (refs.get(m) ?? []).map((n) => `[${n}]`).join(''),
    ]);
  }
  const lines: string[] = [];
  lines.push(`perf run ${run.runId}  profile=${run.profile}  mode=${run.mode}  env=${run.environmentClass}  calibration=${run.context.calibrationScore ?? '-'}`);
  if (ab) lines.push(abHeadline(run));
  for (const n of run.notes ?? []) lines.push(`note: ${n}`);
  if (metrics.length > 0) lines.push('', table(rows));
  else lines.push('', 'no metrics were recorded');
  if (notes.length > 0) lines.push('', ...notes.map((n, i) => `[${i + 1}] ${n}`));
  const targets = targetRows(metrics);
  if (targets.length > 0) {
    lines.push('', 'targets (advisory: reported, never failing the run)');
    lines.push(table([['status', 'metric', 'measured', 'goal', 'source'], ...targets.map((t) => [t.status, t.metric, t.measured, t.goal, t.source])], []));
  }
  for (const a of run.attachments ?? []) lines.push(`attached: ${a.suite} / ${a.name} (in report.json, summary.md, report.html)`);
  // Where the instructions go, for the counts that changed (all of them are in summary.md).
  const changedCounts = instructionBreakdownLines(metrics.filter((m) => m.decision.status === 'REGRESSED' || m.decision.status === 'IMPROVED'));
  if (changedCounts.length > 0) lines.push('', ...changedCounts);
  for (const s of run.suites) for (const n of s.notes ?? []) lines.push('', `${s.name}: ${n}`);
  for (const s of run.suites) for (const e of s.errors) lines.push('', `error in ${s.name}: ${e}`);
  for (const e of run.errors) lines.push('', `error: ${e}`);
  for (const p of run.profiles ?? []) lines.push(`profile: ${p}`);
  for (const w of run.baselineWrites) lines.push(`baseline ${w.written ? 'written' : 'NOT written'}: ${w.file}${w.note ? ` (${w.note})` : ''}`);
  const c = run.counts;
  lines.push(
    '',
    `${c.REGRESSED} regressed, ${c['BUDGET-FAIL']} budget-fail, ${c.INCONCLUSIVE} inconclusive, ${c.IMPROVED} improved, ${c.NEW} new, ${c.PASS} pass` +
      `  -> exit ${run.exitCode} (${run.exitCode === 0 ? 'pass' : run.exitCode === 1 ? 'regression or budget failure' : 'harness error'})`,
  );
  lines.push(
    ab
      ? '~ = change not statistically significant; CI = paired interval over rounds and pairs; adj = p-value adjusted across the run\'s timing comparisons; MDE = minimum detectable effect (80% power)'
      : '~ = change not statistically significant; adj = p-value adjusted across the run\'s timing comparisons; MDE = minimum detectable effect (99% level, 80% power)',
  );
  return lines.join('\n') + '\n';
}
