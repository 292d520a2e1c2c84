// The annotations a run leaves on a GitHub check: one error per failing metric or harness error,
// one warning per inconclusive or advisory verdict. Pure, so that tests compare them exactly; the
// publisher turns them into workflow commands.
import { formatChange, formatCi, formatNumber, formatPs } from '../../report/format.ts';
import { isFailing } from '../../decision/decision.ts';
import type { RunResult } from '../../metrics/run-result.ts';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  /** Repository-relative file the annotation points at (the suite's file). */
  file?: string;
}

export function annotationsOf(run: RunResult): Annotation[] {
  const out: Annotation[] = [];
  for (const m of run.metrics) {
    const e = m.decision.evidence;
    const message = `${m.name}: ${m.decision.status}${m.decision.advisory ? ' (advisory)' : ''} — ${formatNumber(e.baseline)} -> ${formatNumber(e.current)} ${m.unit} ${formatChange(m)} ${formatCi(m)} ${formatPs(e)}`
      .replace(/\s+/g, ' ')
      .trim();
    const file = run.suites.find((s) => s.name === m.suite)?.file;
    const base = { title: `perf ${m.suite}`, message, ...(file && { file }) };
    if (isFailing(m.decision)) out.push({ level: 'error', ...base });
    else if (m.decision.status === 'INCONCLUSIVE' || m.decision.advisory) out.push({ level: 'warning', ...base });
  }
  for (const e of run.errors) out.push({ level: 'error', title: 'perf harness error', message: e.split('\n')[0]! });
  for (const s of run.suites) {
    for (const e of s.errors) out.push({ level: 'error', title: `perf harness error in ${s.name}`, message: e.split('\n')[0]!, file: s.file });
  }
  return out;
}
