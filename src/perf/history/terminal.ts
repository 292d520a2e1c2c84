// The terminal view of the history: one sparkline per metric with its latest value, then the
// steps found. Pure: returns text.
import type { AnalysedSeries } from './analyse.ts';
import { formatValue, stepSentence } from './format-step.ts';

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width = 40): string {
  if (values.length === 0) return '';
  // Longer series are shown as `width` buckets, each the mean of its points (oldest left).
  const vs =
    values.length <= width
      ? [...values]
      : Array.from({ length: width }, (_, b) => {
          const part = values.slice(Math.floor((b * values.length) / width), Math.floor(((b + 1) * values.length) / width));
          return part.reduce((t, v) => t + v, 0) / part.length;
        });
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  return vs.map((v) => BARS[hi === lo ? 3 : Math.min(7, Math.floor(((v - lo) / (hi - lo)) * 8))]).join('');
}

export function renderHistoryTerminal(series: readonly AnalysedSeries[]): string {
  if (series.length === 0) return 'no history points: no committed baselines, reports or history file matched\n';
  const name = (s: AnalysedSeries): string => `${s.suite} › ${s.metric} (${s.profile})`;
  const sparkWidth = Math.min(40, Math.max(...series.map((s) => s.points.length)));
  const value = (s: AnalysedSeries): string => `${formatValue(s.points[s.points.length - 1]!.estimate)} ${s.unit}`;
  const valueWidth = Math.min(28, Math.max(...series.map((s) => value(s).length)));
  const lines: string[] = [];
  let envClass = '';
  for (const s of series) {
    if (s.envClass !== envClass) {
      envClass = s.envClass;
      lines.push(`${envClass}`);
    }
    const mark = s.steps.length ? `  ${s.steps.length} step(s)` : '';
    lines.push(`  ${sparkline(s.points.map((p) => p.estimate), sparkWidth).padEnd(sparkWidth)}  ${value(s).padStart(valueWidth)}  ${name(s)} [${s.points.length} pts]${mark}`);
  }
  const steps = series.flatMap((s) => s.steps.map((st) => `  ${name(s)} [${s.envClass}]: ${stepSentence(st, s.unit)}`));
  lines.push('', steps.length ? `steps found (${steps.length}):` : 'steps found: none', ...steps);
  const skipped = series.filter((s) => s.skipped).length;
  if (skipped) lines.push(`(${skipped} of ${series.length} series too short or not positive for step detection)`);
  return lines.join('\n') + '\n';
}
