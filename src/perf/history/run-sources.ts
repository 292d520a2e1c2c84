// History points from finished runs: reports/<run-id>/report.json files, and the CI history file
// (one JSON line per run on main, src/perf/runner/history.ts).
import fs from 'node:fs';
import path from 'node:path';
import { parseRunResult, type RunResult } from '../metrics/run-result.ts';
import { readHistory } from '../runner/history.ts';
import { bootstrapMedianCi } from '../stats/bootstrap.ts';
import type { HistoryPoint } from './points.ts';

export function pointsOfRun(run: RunResult, origin: string): HistoryPoint[] {
  return run.metrics
    .filter((m) => m.samples.length > 0 && m.decision.status !== 'REMOVED')
    .map((m): HistoryPoint => {
      const ci = m.samples.length > 1 ? bootstrapMedianCi(m.samples, { seed: 1, resamples: 500 }) : null;
      return {
        source: 'report',
        origin,
        sha: run.context.gitSha,
        runId: run.runId,
        date: run.finishedAt,
        envClass: run.environmentClass,
        profile: run.profile,
        suite: m.suite,
        metric: m.name,
        unit: m.unit,
        direction: m.direction,
        kind: m.kind,
        estimate: m.decision.evidence.current,
        ci: ci ? [ci.lower, ci.upper] : null,
        status: m.decision.status,
        forced: null,
        budget: m.budget ?? null,
        target: m.target ?? null,
        env: { envClass: run.environmentClass, cpuModel: run.context.cpuModel, node: run.context.node, calibration: run.context.calibrationScore },
      };
    });
}

/** Every reports/<run>/report.json (the `latest` link is skipped: it repeats a run); unreadable ones in `skipped`. */
export function readReportsDir(dir: string): { points: HistoryPoint[]; skipped: string[] } {
  const points: HistoryPoint[] = [];
  const skipped: string[] = [];
  if (!fs.existsSync(dir)) return { points, skipped };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name === 'latest') continue;
    const file = path.join(dir, entry.name, 'report.json');
    if (!fs.existsSync(file)) continue;
    try {
      const run = parseRunResult(fs.readFileSync(file, 'utf8'), file);
      if (run.mode === 'ab') continue; // a head-vs-base comparison, not a point of main's history
      points.push(...pointsOfRun(run, path.relative(process.cwd(), file) || file));
    } catch {
      skipped.push(file);
    }
  }
  return { points, skipped };
}

/** The history file's runs (a malformed line is a UserError naming it). */
export function readHistoryFile(file: string): HistoryPoint[] {
  return readHistory(file).flatMap((entry, i) =>
    entry.metrics.map(
      (m): HistoryPoint => ({
        source: 'history-file',
        origin: `${path.basename(file)}:${i + 1}`,
        sha: entry.sha,
        runId: entry.runId,
        date: entry.date,
        envClass: entry.envClass,
        profile: entry.profile,
        suite: m.suite,
        metric: m.name,
        unit: m.unit,
        direction: m.direction,
        kind: m.kind,
        estimate: m.estimate,
        ci: m.ci,
        status: m.status,
        forced: null,
        budget: null,
        target: null,
        env: { envClass: entry.envClass, cpuModel: null, node: null, calibration: null },
      }),
    ),
  );
}
