// Steps in each series (E-divisive with means, src/perf/stats/change-points.ts), each placed on
// its commit range, judged by the metric's direction, and labelled when it coincides with a
// change of machine (environment class, CPU model, Node version, or a calibration score more
// than 10% away: the machine guard's threshold).
import { detectSteps, type ChangePointOptions, type Step } from '../stats/change-points.ts';
import type { HistoryPoint, PointEnvironment, Series } from './points.ts';

export interface FoundStep extends Step {
  /** Last point of the old level and first point of the new one. */
  from: HistoryPoint;
  to: HistoryPoint;
  /** Worse by the metric's direction. */
  regression: boolean;
  /** The environment changed between `from` and `to`: not a code change. */
  machineChange: string | null;
}

export interface AnalysedSeries extends Series {
  steps: FoundStep[];
  /** Indices of points whose environment differs from the point before, with what changed. */
  envChanges: { index: number; what: string }[];
  /** Why no detection ran (too few points, a level at or below zero). */
  skipped: string | null;
}

export const CALIBRATION_CHANGE = 0.1;

export function environmentChange(a: PointEnvironment, b: PointEnvironment): string | null {
  const what: string[] = [];
  if (a.envClass !== b.envClass) what.push(`environment class ${a.envClass} -> ${b.envClass}`);
  if (a.cpuModel && b.cpuModel && a.cpuModel !== b.cpuModel) what.push(`CPU ${a.cpuModel} -> ${b.cpuModel}`);
  if (a.node && b.node && a.node !== b.node) what.push(`Node ${a.node} -> ${b.node}`);
  if (a.calibration && b.calibration && Math.abs(b.calibration / a.calibration - 1) > CALIBRATION_CHANGE) what.push(`calibration ${a.calibration} -> ${b.calibration}`);
  return what.length ? what.join(', ') : null;
}

export function analyseSeries(series: Series, options: ChangePointOptions = {}): AnalysedSeries {
  const pts = series.points;
  const envChanges = pts.flatMap((p, i) => {
    const what = i > 0 ? environmentChange(pts[i - 1]!.env, p.env) : null;
    return what ? [{ index: i, what }] : [];
  });
  const values = pts.map((p) => p.estimate);
  const minSize = options.minSize ?? 5;
  let skipped: string | null = null;
  if (pts.length < 2 * minSize) skipped = `${pts.length} point(s): steps need at least ${2 * minSize}`;
  else if (values.some((v) => !(v > 0))) skipped = 'values at or below zero: a relative step means nothing';
  const steps = skipped
    ? []
    : detectSteps(values, options).steps.map((s): FoundStep => {
        const from = pts[s.index - 1]!;
        const to = pts[s.index]!;
        // Any environment change inside the step's commit range counts (the step may be placed one point off).
        const changed = envChanges.filter((c) => Math.abs(c.index - s.index) <= 1).map((c) => c.what);
        return {
          ...s,
          from,
          to,
          regression: series.direction === 'lower' ? s.size > 0 : s.size < 0,
          machineChange: changed.length ? changed.join('; ') : null,
        };
      });
  return { ...series, steps, envChanges, skipped };
}

/**
 * The nightly gate: exit 1 when the newest step of any series is a regression that is not a
 * machine change (slow creep that no single pull request showed), else 0.
 */
export function checkVerdict(all: readonly AnalysedSeries[]): { exitCode: 0 | 1; regressions: { series: AnalysedSeries; step: FoundStep }[] } {
  const regressions = all.flatMap((s) => {
    const newest = s.steps[s.steps.length - 1];
    return newest && newest.regression && !newest.machineChange ? [{ series: s, step: newest }] : [];
  });
  return { exitCode: regressions.length ? 1 : 0, regressions };
}
