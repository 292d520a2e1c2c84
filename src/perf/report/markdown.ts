// summary.md for a PR comment or the GitHub job summary: the verdict and a table of changes
// first, every metric and the run context folded in <details>. Pure: returns text.
import { abHeadline, byImportance, estimateLabels, formatChange, formatCi, formatNumber, formatPs, formatPercent, formatRoundsPairs, metricKey, statusLabel } from './format.ts';
import { footnotes } from './terminal.ts';
import type { MetricResult, RunResult } from '../metrics/run-result.ts';
import { targetRows } from './targets.ts';
import { instructionBreakdownMarkdown } from './instructions.ts';

const ICON: Record<string, string> = { REGRESSED: '🔴', 'BUDGET-FAIL': '⛔', INCONCLUSIVE: '🟡', IMPROVED: '🟢', NEW: '🆕', REMOVED: '➖', PASS: '✅' };
const esc = (s: string): string => s.replace(/\|/g, '\\|');

function row(m: MetricResult, refs: number[], ab: boolean): string {
  const e = m.decision.evidence;
  const cells = [
    `${ICON[m.decision.status] ?? ''} ${statusLabel(m)}`,
    esc(metricKey(m)),
    formatNumber(e.baseline),
    formatNumber(e.current),
    m.unit,
    formatChange(m),
    formatCi(m),
    formatPs(e),
    e.mde !== undefined ? formatPercent(e.mde, false) : '',
    ...(ab ? [formatRoundsPairs(m)] : []),
    refs.map((n) => `[${n}]`).join(''),
  ];
  return `| ${cells.join(' | ')} |`;
}

function header(run: RunResult): string[] {
  const [b, c] = estimateLabels(run);
  const ab = run.mode === 'ab';
  return [
    `| status | metric | ${b} | ${c} | unit | change | CI | p | MDE |${ab ? ' rounds / pairs |' : ''} notes |`,
    `|---|---|---:|---:|---|---:|---|---|---:|${ab ? '---:|' : ''}---|`,
  ];
}
/** The two sentences a PR reader needs about instruction counts (docs/instruction-counts.md). */
export const INSTRUCTION_NOTE =
  '`instructions/…` metrics are instruction counts under valgrind (callgrind): they repeat to ~0.01%, so a change beyond their tolerance (1%) means the code does more or less work, whatever the load on the runner, and it fails the check even when the timing verdicts are INCONCLUSIVE. ' +
  'They do not see threads, I/O, cache misses, lock contention or ORT thread settings: a timing regression with unchanged counts points there.';


export function renderSummaryMarkdown(run: RunResult): string {
  const metrics = [...run.metrics].sort(byImportance);
  const { notes, refs } = footnotes(metrics);
  const changed = metrics.filter((m) => m.decision.status !== 'PASS');
  const verdict = run.exitCode === 0 ? '✅ no regressions' : run.exitCode === 1 ? '🔴 regression or budget failure' : '⚠️ harness error';
  const c = run.counts;
  const ab = run.mode === 'ab';
  const HEADER = header(run);
  const out: string[] = [
    `## Performance: ${verdict}`,
    '',
    `${c.REGRESSED} regressed · ${c['BUDGET-FAIL']} over budget · ${c.INCONCLUSIVE} inconclusive · ${c.IMPROVED} improved · ${c.NEW} new · ${c.PASS} unchanged — profile \`${run.profile}\`, mode \`${run.mode}\`, environment \`${run.environmentClass}\``,
    '',
    ...(ab ? [abHeadline(run), ''] : []),
    ...(run.notes ?? []).flatMap((n) => [`> **Note:** ${n}`, '']),
  ];
  if (changed.length > 0) out.push('### Changes', '', ...HEADER, ...changed.map((m) => row(m, refs.get(m) ?? [], ab)), '');
  else out.push('No metric changed beyond its tolerance.', '');
  if (notes.length > 0) out.push(...notes.map((n, i) => `[${i + 1}] ${n}  `), '');
  out.push(...profileDiffMarkdown(run));
  const targets = targetRows(metrics);
  if (targets.length > 0) {
    const met = targets.filter((t) => t.status === 'MET').length;
    out.push(
      `<details><summary>Targets (advisory): ${met} met, ${targets.length - met} not met</summary>`,
      '',
      '| status | metric | measured | goal | source |',
      '|---|---|---|---|---|',
      ...targets.map((t) => `| ${t.status === 'MET' ? 'met' : '**not met**'} | ${esc(t.metric)} | ${esc(t.measured)} | ${esc(t.goal)} | ${esc(t.source)} |`),
      '',
      '</details>',
      '',
    );
  }
  const errors = [...run.errors, ...run.suites.flatMap((s) => s.errors.map((e) => `${s.name}: ${e}`))];
  if (errors.length > 0) out.push('### Errors', '', ...errors.map((e) => `- ${e.split('\n')[0]}`), '');
  const skipped = run.suites.flatMap((s) => (s.notes ?? []).map((n) => `${s.name}: ${n}`));
  if (skipped.length > 0) out.push('### Skipped', '', ...skipped.map((n) => `- ${n}`), '');
  out.push('<details><summary>All metrics</summary>', '', ...HEADER, ...metrics.map((m) => row(m, refs.get(m) ?? [], ab)), '', '</details>', '');
  for (const a of run.attachments ?? []) {
    if (a.markdown) out.push(`<details><summary>${a.suite}: ${a.name}</summary>`, '', a.markdown.trim(), '', '</details>', '');
  }
  const breakdown = instructionBreakdownMarkdown(metrics);
  if (breakdown) out.push(breakdown);
  const ctx = run.context;
  out.push(
    '<details><summary>Run context</summary>',
    '',
    `- CPU: ${ctx.cpuModel} × ${ctx.cpuCount}, memory ${(ctx.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, ${ctx.platform} ${ctx.osRelease} ${ctx.arch}`,
    `- Node ${ctx.node}, onnxruntime ${ctx.onnxruntime ?? '-'}, git ${ctx.gitSha?.slice(0, 12) ?? '-'}${ctx.gitDirty ? ' (dirty)' : ''}, calibration score ${ctx.calibrationScore ?? '-'}`,
    ...run.suites
      .filter((s) => s.context && (s.context.models.length || s.context.database || s.context.datasets.length))
      .map(
        (s) =>
          `- ${s.name}: ${[
            ...s.context!.models.map((m) => `model ${m.id}@${m.hash.slice(0, 12)}${m.synthetic ? ' (synthetic: cost, not truth)' : ''}`),
            ...(s.context!.database ? [`db ${s.context!.database.engine} ${s.context!.database.version ?? ''} pgvector ${s.context!.database.pgvector ?? '-'}`] : []),
            ...s.context!.datasets.map((d) => `dataset ${d.name}@${d.hash.slice(0, 12)}`),
          ].join(', ')}`,
      ),
    ...(run.profiles ?? []).map((p) => `- profile: \`${p}\``),
    ...run.baselineWrites.map((w) => `- baseline ${w.written ? 'written' : 'not written'}: \`${w.file}\`${w.note ? ` (${w.note})` : ''}`),
    '',
    '</details>',
    '',
    '`~` = not statistically significant (Mann-Whitney U, α=0.01, and the bootstrap CI of the median ratio); `adj` = the p-value adjusted across the run\'s timing comparisons (Benjamini-Hochberg unless `--p-adjust`); MDE = minimum detectable effect at 80% power.',
    '',
  );
  if (metrics.some((m) => m.kind === 'instructions')) out.push(INSTRUCTION_NOTE, '');
  return out.join('\n');
}

/** Where the time went in each regressed suite: the top lines of its CPU profile diff (base vs head). */
function profileDiffMarkdown(run: RunResult): string[] {
  const diffs = run.profileDiffs ?? [];
  if (diffs.length === 0) return [];
  return [
    '### Where the time went (CPU profile diff, base vs head, same workload)',
    '',
    ...diffs.flatMap((d) => [`**${d.suite}** (\`${d.metric}\`, [${d.path}](${d.path})):`, '', ...(d.headlines.length ? d.headlines.map((l) => `- ${l}`) : ['- no function changed']), '']),
  ];
}
