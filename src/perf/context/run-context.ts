// The run context recorded with every result: hardware, OS, runtimes, git state, calibration,
// plus what suites add (model packs, database engine/versions, datasets). Used to name the
// environment class of baselines and to refuse silent apples-to-oranges comparisons.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ModelInfo {
  id: string;
  hash: string;
  variant?: string;
}
export interface DatabaseInfo {
  engine: string;
  version?: string;
  pgvector?: string;
}
export interface DatasetInfo {
  name: string;
  hash: string;
}

export interface RunContext {
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  platform: string;
  osRelease: string;
  arch: string;
  node: string;
  onnxruntime: string | null;
  gitSha: string | null;
  gitDirty: boolean | null;
  /** Calibration workload runs/s at the start of the run (see src/perf/measure/calibration.ts). */
  calibrationScore: number | null;
  models: ModelInfo[];
  database: DatabaseInfo | null;
  datasets: DatasetInfo[];
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function packageVersion(root: string, name: string): string | null {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Machine, runtime and git facts (fast: no calibration; add it with `calibrationScore`). */
export function collectContext(projectRoot: string, calibrationScore: number | null = null): RunContext {
  const cpus = os.cpus();
  const sha = git(['rev-parse', 'HEAD'], projectRoot);
  const status = sha === null ? null : git(['status', '--porcelain', '--untracked-files=no'], projectRoot);
  return {
    cpuModel: (cpus[0]?.model ?? 'unknown').trim(),
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    platform: process.platform,
    osRelease: os.release(),
    arch: process.arch,
    node: process.versions.node,
    onnxruntime: packageVersion(projectRoot, 'onnxruntime-node'),
    gitSha: sha,
    gitDirty: status === null ? null : status.length > 0,
    calibrationScore,
    models: [],
    database: null,
    datasets: [],
  };
}

/** Environment class of a baseline: hardware and OS family, e.g. `linux-x64-amd-epyc-9r45-2c`. */
export function environmentClass(ctx: Pick<RunContext, 'platform' | 'arch' | 'cpuModel' | 'cpuCount'>): string {
  const cpu = ctx.cpuModel
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|processor|cpu|@.*$|\d+-core/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${ctx.platform}-${ctx.arch}-${cpu || 'unknown'}-${ctx.cpuCount}c`;
}

/**
 * Differences that make a comparison apples-to-oranges, as readable strings (empty = same).
 * Git state and calibration score are recorded but do not count: they change on every run.
 */
export function environmentDifferences(baseline: RunContext, current: RunContext): string[] {
  const diffs: string[] = [];
  const cmp = (label: string, a: unknown, b: unknown): void => {
    const sa = JSON.stringify(a ?? null);
    const sb = JSON.stringify(b ?? null);
    if (sa !== sb) diffs.push(`${label}: ${sa} -> ${sb}`);
  };
  cmp('cpu', baseline.cpuModel, current.cpuModel);
  cmp('cpu count', baseline.cpuCount, current.cpuCount);
  cmp('platform', `${baseline.platform}-${baseline.arch}`, `${current.platform}-${current.arch}`);
  cmp('node major', baseline.node.split('.')[0], current.node.split('.')[0]);
  cmp('onnxruntime', baseline.onnxruntime, current.onnxruntime);
  // Suite-provided facts only count when both runs recorded them.
  if (baseline.database && current.database) cmp('database', baseline.database, current.database);
  // Suites add models and datasets as their tests run, so a metric judged early sees only part of
  // the list: an entry missing on one side is not a difference; the same name with a hash the
  // baseline never recorded is.
  const changedHashes = <T>(label: string, before: T[], after: T[], name: (x: T) => string, hash: (x: T) => string): void => {
    const known = new Map<string, Set<string>>();
    for (const x of before) known.set(name(x), (known.get(name(x)) ?? new Set()).add(hash(x)));
    const changed = after.filter((x) => known.has(name(x)) && !known.get(name(x))!.has(hash(x)));
    if (changed.length) diffs.push(`${label}: ${changed.map((x) => `${name(x)} ${[...known.get(name(x))!].join('|')} -> ${hash(x)}`).join('; ')}`);
  };
  changedHashes('models', baseline.models, current.models, (m) => m.id, (m) => m.hash);
  changedHashes('datasets', baseline.datasets, current.datasets, (d) => d.name, (d) => d.hash);
  return diffs;
}
