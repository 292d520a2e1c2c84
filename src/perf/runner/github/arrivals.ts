// Did every shard and every suite arrive? The merge job reads the artifacts the shards uploaded
// (shard.json written by scripts/ci/perf-shard.sh whatever happened, report.json when the run got
// that far) and names each one that is missing, died or measured another commit. A broken shard
// must fail the gate (exit 2), never silently drop its suites.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseRunResult, type RunResult } from '../../metrics/run-result.ts';
import { suiteName } from '../reporter.ts';

export const SHARD_STATUS_FILE = 'shard.json';

const shardStatusSchema = z.object({
  shard: z.number().int().positive(),
  of: z.number().int().positive(),
  exitCode: z.number().int(),
  headSha: z.string().nullable(),
  baseSha: z.string().nullable(),
});
export type ShardStatus = z.infer<typeof shardStatusSchema>;

export interface ShardArtifact {
  /** Folder name (the artifact name, e.g. perf-shard-2). */
  name: string;
  status?: ShardStatus;
  run?: RunResult;
  /** Why the artifact is unusable, if it is. */
  unreadable?: string;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Every sub-folder of `dir` is one shard's artifact. A missing `dir` means no shard arrived. */
export function readShardArtifacts(dir: string): ShardArtifact[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const folder = path.join(dir, name);
      const artifact: ShardArtifact = { name };
      const statusFile = path.join(folder, SHARD_STATUS_FILE);
      if (!fs.existsSync(statusFile)) return { ...artifact, unreadable: `${SHARD_STATUS_FILE} is missing` };
      try {
        const parsed = shardStatusSchema.safeParse(readJson(statusFile));
        if (!parsed.success) return { ...artifact, unreadable: `${SHARD_STATUS_FILE} is malformed (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})` };
        artifact.status = parsed.data;
      } catch (error) {
        return { ...artifact, unreadable: `${SHARD_STATUS_FILE} is not JSON: ${(error as Error).message}` };
      }
      const reportFile = path.join(folder, 'report.json');
      if (fs.existsSync(reportFile)) {
        try {
          artifact.run = parseRunResult(fs.readFileSync(reportFile, 'utf8'), reportFile);
        } catch (error) {
          return { ...artifact, unreadable: `report.json is unusable: ${(error as Error).message}` };
        }
      }
      return artifact;
    });
}

/** Suite names of the perf suites in a folder (what the shards together must have run). */
export function listSuites(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.perf\.[cm]?[jt]s$/.test(f))
    .map((f) => suiteName(f))
    .sort();
}

export interface ArrivalExpectations {
  shards: number;
  suites: readonly string[];
  /** Commit every shard must have measured as head (the workflow's checkout). */
  headSha?: string;
}

export interface ArrivalCheck {
  /** Runs of the shards that arrived with a report, in shard order. */
  runs: RunResult[];
  /** Each problem names the shard or suite and what happened to it. */
  problems: string[];
  exitCodes: Map<number, number>;
  /** The base commit the shards compared against (A/B), when they agree on one. */
  baseSha: string | null;
}

export function checkArrivals(artifacts: readonly ShardArtifact[], expect: ArrivalExpectations): ArrivalCheck {
  const problems: string[] = [];
  const runs: RunResult[] = [];
  const exitCodes = new Map<number, number>();
  const byShard = new Map<number, ShardArtifact[]>();
  for (const a of artifacts) {
    if (a.unreadable || !a.status) {
      problems.push(`artifact ${a.name}: ${a.unreadable ?? 'no shard status'}`);
      continue;
    }
    if (a.status.of !== expect.shards) problems.push(`artifact ${a.name} is shard ${a.status.shard}/${a.status.of}, but the gate expects ${expect.shards} shards`);
    byShard.set(a.status.shard, [...(byShard.get(a.status.shard) ?? []), a]);
  }
  for (const [shard, list] of byShard) {
    if (shard > expect.shards) problems.push(`shard ${shard} is not one of the ${expect.shards} expected shards (${list.map((a) => a.name).join(', ')})`);
    if (list.length > 1) problems.push(`shard ${shard}/${expect.shards} arrived ${list.length} times (${list.map((a) => a.name).join(', ')})`);
  }
  const suiteShards = new Map<string, number[]>();
  for (let shard = 1; shard <= expect.shards; shard++) {
    const a = byShard.get(shard)?.[0];
    if (!a?.status) {
      problems.push(`shard ${shard}/${expect.shards} did not arrive (no artifact: the job was skipped, cancelled, timed out or failed before its upload)`);
      continue;
    }
    const status = a.status;
    exitCodes.set(shard, status.exitCode);
    if (expect.headSha && status.headSha !== expect.headSha) {
      problems.push(`shard ${shard}/${expect.shards} measured ${status.headSha ?? 'an unknown commit'}, but the gate is for ${expect.headSha}`);
    }
    if (!a.run) {
      problems.push(`shard ${shard}/${expect.shards} exited ${status.exitCode} without a report.json: its suites are missing`);
      continue;
    }
    if (status.exitCode > a.run.exitCode) {
      problems.push(`shard ${shard}/${expect.shards} exited ${status.exitCode} although its report says ${a.run.exitCode} (it died after writing the report)`);
    }
    runs.push(a.run);
    for (const s of a.run.suites) suiteShards.set(s.name, [...(suiteShards.get(s.name) ?? []), shard]);
  }
  const bases = new Set([...byShard.values()].map((l) => l[0]?.status?.baseSha ?? null));
  if (bases.size > 1) problems.push(`the shards compared against different base commits: ${[...bases].map((b) => b ?? 'none').join(', ')}`);
  for (const suite of expect.suites) {
    if (!suiteShards.has(suite)) problems.push(`suite ${suite} is missing: no shard reported it`);
  }
  for (const [suite, shards] of suiteShards) {
    if (shards.length > 1) problems.push(`suite ${suite} ran in shards ${shards.join(' and ')}`);
    if (!expect.suites.includes(suite)) problems.push(`suite ${suite} was reported but is not a suite of this commit`);
  }
  return { runs, problems, exitCodes, baseSha: bases.size === 1 ? [...bases][0]! : null };
}
