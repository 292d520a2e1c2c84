// Words for a step, shared by the terminal view and the HTML page.
import type { FoundStep } from './analyse.ts';
import type { HistoryPoint } from './points.ts';

export const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export function shortSha(p: HistoryPoint): string {
  return p.sha ? p.sha.slice(0, 7) : p.origin;
}

export function formatValue(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return Number(x.toPrecision(4)).toString();
}

export function commitRange(s: FoundStep): string {
  return `${shortSha(s.from)}..${shortSha(s.to)} (${s.from.date.slice(0, 10)} -> ${s.to.date.slice(0, 10)})`;
}

export function stepLabel(s: FoundStep): string {
  if (s.machineChange) return 'machine change, not a code regression';
  return s.regression ? 'REGRESSION' : 'improvement';
}

export function stepSentence(s: FoundStep, unit: string): string {
  return `${stepLabel(s)} ${pct(s.size)} [${pct(s.ci[0])}, ${pct(s.ci[1])}] at point ${s.index} ${commitRange(s)}: ${formatValue(s.before)} -> ${formatValue(s.after)} ${unit}, p=${s.pValue.toFixed(3)}${s.machineChange ? ` (${s.machineChange})` : ''}`;
}
