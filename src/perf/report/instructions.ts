// Rendering of instruction-count facts (pure): where the instructions of an operation go, by
// function, with the share callgrind cannot name (JIT-compiled JavaScript has no symbols).
import { formatNumber } from './format.ts';
import type { MetricResult } from '../metrics/run-result.ts';

const share = (x: number, total: number): string => (total > 0 ? `${((x / total) * 100).toFixed(1)}%` : '-');

/** Terminal lines for the instruction metrics in `metrics` that carry a breakdown. */
export function instructionBreakdownLines(metrics: readonly MetricResult[], top = 6): string[] {
  const lines: string[] = [];
  for (const m of metrics) {
    const b = m.measurement?.instructions;
    if (m.kind !== 'instructions' || !b?.breakdown) continue;
    const total = m.decision.evidence.current;
    lines.push(`${m.suite} › ${m.name}: ${formatNumber(total)} ${m.unit}, self instructions per operation by function:`);
    for (const e of b.breakdown.slice(0, top)) lines.push(`    ${formatNumber(e.perOp).padStart(12)}  ${share(e.perOp, total).padStart(6)}  ${e.function}`);
    lines.push(`    callgrind profile of the 2N part: ${b.profile}`);
  }
  return lines;
}

/** A folded Markdown section with every instruction metric's breakdown ('' when there is none). */
export function instructionBreakdownMarkdown(metrics: readonly MetricResult[], top = 10): string {
  const withBreakdown = metrics.filter((m) => m.kind === 'instructions' && m.measurement?.instructions?.breakdown);
  if (withBreakdown.length === 0) return '';
  const out = ['<details><summary>Instruction counts: where the instructions go</summary>', ''];
  for (const m of withBreakdown) {
    const b = m.measurement!.instructions!;
    const total = m.decision.evidence.current;
    out.push(
      `**${m.suite} › ${m.name}**: ${formatNumber(total)} ${m.unit} (N = ${b.iterations}, warm-up ${b.warmup}; JIT code without symbols: ${b.unnamedJitShare !== undefined ? `${(b.unnamedJitShare * 100).toFixed(1)}%` : '-'})`,
      '',
      '| self instructions / op | share | function |',
      '|---:|---:|---|',
      ...b.breakdown!.slice(0, top).map((e) => `| ${formatNumber(e.perOp)} | ${share(e.perOp, total)} | \`${e.function.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`),
      '',
    );
  }
  out.push('</details>', '');
  return out.join('\n');
}
