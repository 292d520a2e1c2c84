// The run history CI keeps for main: one JSON line per run (history.jsonl), appended after each
// push and nightly run, read by `truthgraph perf history`. A line holds the run's identity, its
// environment class and, per metric, the estimate with its 95% interval and the verdict.
// The format is documented in src/perf/README.md ("History file").
import fs from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../shared/errors.ts';
import { bootstrapMedianCi } from '../stats/bootstrap.ts';
import { writeFileAtomic } from '../baseline/atomic-write.ts';
import type { RunResult } from '../metrics/run-result.ts';

export const HISTORY_SCHEMA_VERSION = 1;

export const historyMetricSchema = z.object({
  suite: z.string(),
  name: z.string(),
  unit: z.string(),
  direction: z.enum(['lower', 'higher']),
  kind: z.string(),
  /** Median of the run's samples (the value itself for an exact metric). */
  estimate: z.number(),
  /** 95% bootstrap interval of the median; null for one sample. */
  ci: z.tuple([z.number(), z.number()]).nullable(),
  status: z.string(),
  /** current / reference (baseline or A/B base) and its interval, when the run compared. */
  ratio: z.number().nullable(),
  ratioCi: z.tuple([z.number(), z.number()]).nullable(),
});

export const historyEntrySchema = z.object({
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION),
  runId: z.string(),
  sha: z.string().nullable(),
  /** The commit compared against: the A/B base, or null for stored-baseline and plain runs. */
  baseSha: z.string().nullable(),
  /** ISO time the run finished. */
  date: z.string(),
  envClass: z.string(),
  mode: z.string(),
  profile: z.string(),
  /** What started it, e.g. push or schedule; and the CI run's URL when there is one. */
  event: z.string().nullable(),
  runUrl: z.string().nullable(),
  exitCode: z.number().int(),
  metrics: z.array(historyMetricSchema),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export interface HistoryMeta {
  baseSha?: string | null;
  event?: string | null;
  runUrl?: string | null;
}

export function historyEntry(run: RunResult, meta: HistoryMeta = {}): HistoryEntry {
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    runId: run.runId,
    sha: run.context.gitSha,
    baseSha: meta.baseSha ?? null,
    date: run.finishedAt,
    envClass: run.environmentClass,
    mode: run.mode,
    profile: run.profile,
    event: meta.event ?? null,
    runUrl: meta.runUrl ?? null,
    exitCode: run.exitCode,
    metrics: run.metrics.map((m) => {
      const ci = bootstrapMedianCi(m.samples, { seed: 1 });
      const e = m.decision.evidence;
      return {
        suite: m.suite,
        name: m.name,
        unit: m.unit,
        direction: m.direction,
        kind: m.kind,
        estimate: e.current,
        ci: m.samples.length > 1 ? [ci.lower, ci.upper] : null,
        status: m.decision.status,
        ratio: e.ratio ?? null,
        ratioCi: e.ratioCi ?? null,
      };
    }),
  };
}

/** Parse a history file; a malformed line is an error naming its number. */
export function readHistory(file: string): HistoryEntry[] {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: HistoryEntry[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new UserError(`${file} line ${i + 1} is not JSON: ${(error as Error).message}`, { fix: 'restore the file from the perf-history branch' });
    }
    const parsed = historyEntrySchema.safeParse(json);
    if (!parsed.success) throw new UserError(`${file} line ${i + 1} is not a history entry: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    out.push(parsed.data);
  });
  return out;
}

/** Append one run (the file is rewritten atomically: a crash leaves the old file whole). */
export function appendHistory(file: string, entry: HistoryEntry): number {
  const entries = readHistory(file);
  if (entries.some((e) => e.runId === entry.runId && e.sha === entry.sha)) {
    throw new UserError(`${file} already holds run ${entry.runId} of ${entry.sha ?? 'an unknown commit'}`, { fix: 'append each run once' });
  }
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const prefix = old.length > 0 && !old.endsWith('\n') ? old + '\n' : old;
  writeFileAtomic(file, prefix + JSON.stringify(historyEntrySchema.parse(entry)) + '\n');
  return entries.length + 1;
}
