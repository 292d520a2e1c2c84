// Gathers the history: committed baseline versions (git), reports/<run>/report.json, and the CI
// history file; dates every point by its commit when the repository knows the commit; filters by
// suite and metric; and groups the points into series.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { commitDates, readBaselineHistory } from './git-baselines.ts';
import { readHistoryFile, readReportsDir } from './run-sources.ts';
import { toSeries, type HistoryPoint, type Series } from './points.ts';

export interface CollectOptions {
  /** Repository root (null: no git: the baselines' history is left out). */
  repo: string | null;
  baselinesDir: string;
  reportsDir: string;
  historyFile: string | null;
  suite?: string;
  metric?: string;
}

export interface Collected {
  series: Series[];
  sources: string[];
  skipped: string[];
}

export function collectHistory(o: CollectOptions): Collected {
  const points: HistoryPoint[] = [];
  const sources: string[] = [];
  const skipped: string[] = [];
  if (o.repo) {
    const b = readBaselineHistory(o.repo, o.baselinesDir);
    points.push(...b.points);
    skipped.push(...b.skipped);
    sources.push(`${new Set(b.points.map((p) => p.origin)).size} committed baseline version(s) under ${o.baselinesDir}/ (git log)`);
  }
  const r = readReportsDir(o.reportsDir);
  points.push(...r.points);
  skipped.push(...r.skipped);
  sources.push(`${new Set(r.points.map((p) => p.origin)).size} run(s) in ${o.reportsDir}`);
  if (o.historyFile) {
    // A run that is both under reports/ and in the history file is one point (the report's: it has the context).
    const seen = new Set(r.points.map((p) => `${p.runId} ${p.suite} ${p.metric}`));
    const all = readHistoryFile(o.historyFile);
    const h = all.filter((p) => !seen.has(`${p.runId} ${p.suite} ${p.metric}`));
    points.push(...h);
    const dup = new Set(all.filter((p) => !h.includes(p)).map((p) => p.origin)).size;
    sources.push(`${new Set(all.map((p) => p.origin)).size} run(s) in ${o.historyFile}${dup ? ` (${dup} also under reports/, counted once)` : ''}`);
  }
  if (o.repo) {
    const dates = commitDates(o.repo, points.filter((p) => p.source !== 'baseline' && p.sha).map((p) => p.sha!));
    for (const p of points) if (p.source !== 'baseline' && p.sha && dates.has(p.sha)) p.date = dates.get(p.sha)!;
  }
  const bySuite = o.suite ? points.filter((p) => p.suite.includes(o.suite!)) : points;
  if (o.suite && bySuite.length === 0 && points.length > 0) {
    throw new UserError(`no history for a suite matching "${o.suite}"`, { fix: `use one of: ${[...new Set(points.map((p) => p.suite))].sort().join(', ')}` });
  }
  const byMetric = o.metric ? bySuite.filter((p) => p.metric.includes(o.metric!)) : bySuite;
  if (o.metric && byMetric.length === 0 && bySuite.length > 0) {
    const names = [...new Set(bySuite.map((p) => p.metric))].sort();
    throw new UserError(`no history for a metric matching "${o.metric}"`, { fix: `use part of one of these names: ${names.slice(0, 12).join(', ')}${names.length > 12 ? `, ... (${names.length})` : ''}` });
  }
  return { series: toSeries(byMetric), sources, skipped };
}

/** The repository root containing `dir`, or null outside a git checkout. */
export function gitRoot(dir: string): string | null {
  let d = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const up = path.dirname(d);
    if (up === d) return null;
    d = up;
  }
}
