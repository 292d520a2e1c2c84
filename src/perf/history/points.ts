// One point of a metric's history: a committed baseline version, a run's report, or a line of
// the CI history file. Points of the same (environment class, profile, suite, metric) form a
// series, ordered by commit date.
import type { Budget } from '../metrics/metric.ts';

export type PointSource = 'baseline' | 'report' | 'history-file';

/** What a point was measured on: a change of any of these between points is marked. */
export interface PointEnvironment {
  envClass: string;
  cpuModel: string | null;
  node: string | null;
  calibration: number | null;
}

export interface HistoryPoint {
  source: PointSource;
  /** Where it came from: `<sha>:<path>` of a baseline, a report file, `<file>:<line>`. */
  origin: string;
  sha: string | null;
  /** The run's id (reports, history file): a run found in both is one point. */
  runId: string | null;
  /** Commit date when the commit is known, else the run's date (ISO). */
  date: string;
  /** The series this point belongs to. */
  envClass: string;
  profile: string;
  suite: string;
  metric: string;
  unit: string;
  direction: 'lower' | 'higher';
  kind: string;
  estimate: number;
  ci: [number, number] | null;
  /** The verdict of the run (reports, history file); baselines: 'BASELINE'. */
  status: string;
  /** A baseline saved with --force, and why. */
  forced: string | null;
  budget: Budget | null;
  target: Budget | null;
  env: PointEnvironment;
}

export function seriesKey(p: Pick<HistoryPoint, 'envClass' | 'profile' | 'suite' | 'metric'>): string {
  return `${p.envClass} ${p.profile} ${p.suite} › ${p.metric}`;
}

/** One metric's points in one environment class and profile (the identity fields are its points'). */
export interface Series extends Pick<HistoryPoint, 'envClass' | 'profile' | 'suite' | 'metric' | 'unit' | 'direction'> {
  key: string;
  points: HistoryPoint[];
}

/** Points grouped into series, each ordered by date (then source, then origin: deterministic). */
export function toSeries(points: readonly HistoryPoint[]): Series[] {
  const groups = new Map<string, HistoryPoint[]>();
  for (const p of points) {
    const k = seriesKey(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  const order: Record<PointSource, number> = { baseline: 0, report: 1, 'history-file': 2 };
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, ps]) => {
      const sorted = [...ps].sort(
        (a, b) => Date.parse(a.date) - Date.parse(b.date) || order[a.source] - order[b.source] || a.origin.localeCompare(b.origin),
      );
      const last = sorted[sorted.length - 1]!;
      const { envClass, profile, suite, metric, unit, direction } = last;
      return { key, envClass, profile, suite, metric, unit, direction, points: sorted };
    });
}
