// The run context recorded with every result: hardware, OS, runtimes, git state, calibration,
// plus what suites add (model packs, database engine/versions, datasets). Used to name the
// environment class of baselines and to refuse silent apples-to-oranges comparisons.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCpuQuota, readInferenceFlags } from './cpu-features.ts';

export interface ModelInfo {
  id: string;
  hash: string;
  variant?: string;
  /** A generated pack of the real shapes with untrained weights: its outputs measure cost, not truth. */
  synthetic?: boolean;
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

/** How instruction counts were taken (set by a suite that counts instructions). */
export interface InstrumentationInfo {
  tool: string;
  valgrind: string;
  /** Full versions: a patch release of Node/V8 changes counts. */
  node: string;
  v8: string;
  nodeFlags: string[];
  valgrindFlags: string[];
  /** `NAME=value` settings of the counted process's environment (glibc malloc tunables). */
  env?: string[];
}

export interface RunContext {
  cpuModel: string;
  cpuCount: number;
  /**
   * CPU flags that select faster inference kernels (cpu-features.ts), null where unknown. Absent
   * in baselines saved before it was recorded.
   */
  cpuFlags?: string[] | null;
  /** CPUs allowed by the cgroup quota; null = no quota. Absent in older baselines. */
  cpuQuota?: number | null;
  totalMemoryBytes: number;
  platform: string;
  osRelease: string;
  arch: string;
  node: string;
  v8?: string;
  onnxruntime: string | null;
  gitSha: string | null;
  gitDirty: boolean | null;
  /** Calibration workload runs/s at the start of the run (see src/perf/measure/calibration.ts). */
  calibrationScore: number | null;
  models: ModelInfo[];
  database: DatabaseInfo | null;
  datasets: DatasetInfo[];
  instrumentation?: InstrumentationInfo | null;
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
    cpuFlags: readInferenceFlags(),
    cpuQuota: readCpuQuota(),
    totalMemoryBytes: os.totalmem(),
    platform: process.platform,
    osRelease: os.release(),
    arch: process.arch,
    node: process.versions.node,
    v8: process.versions.v8,
    onnxruntime: packageVersion(projectRoot, 'onnxruntime-node'),
    gitSha: sha,
    gitDirty: status === null ? null : status.length > 0,
    calibrationScore,
    models: [],
    database: null,
    datasets: [],
  };
}

/**
 * Environment class of a baseline: hardware and OS family, the inference CPU flags, a cgroup CPU
 * quota below the core count, and the run environment's tag (the database engine: latencies are not
 * comparable across engines), e.g. `linux-x64-intel-xeon-2c-avx512vnni-avx512bf16-pglite` or
 * `linux-x64-amd-epyc-9r45-4c-quota1.5-postgres-container`.
 */
export function environmentClass(
  ctx: Pick<RunContext, 'platform' | 'arch' | 'cpuModel' | 'cpuCount' | 'cpuFlags' | 'cpuQuota'>,
  tag?: string,
): string {
  const cpu = ctx.cpuModel
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|processor|cpu|@.*$|\d+-core/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const flags = (ctx.cpuFlags ?? []).map((f) => `-${f.replace(/_/g, '')}`).join('');
  const quota = ctx.cpuQuota != null && ctx.cpuQuota < ctx.cpuCount ? `-quota${ctx.cpuQuota}` : '';
  const engine = tag ? `-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : '';
  return `${ctx.platform}-${ctx.arch}-${cpu || 'unknown'}-${ctx.cpuCount}c${flags}${quota}${engine}`;
}

/**
 * The class as named before it included CPU flags and quota. Baselines saved then live in that
 * folder and do not record flags; a machine of the same CPU model and core count still reads
 * them (the calibration guard judges whether their timing binds).
 */
export function legacyEnvironmentClass(ctx: Pick<RunContext, 'platform' | 'arch' | 'cpuModel' | 'cpuCount'>, tag?: string): string {
  return environmentClass({ ...ctx, cpuFlags: null, cpuQuota: null }, tag);
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
  // Recorded since the env class gained them: only compared when both sides know them.
  if (baseline.cpuFlags != null && current.cpuFlags != null) cmp('cpu flags', baseline.cpuFlags.join(' '), current.cpuFlags.join(' '));
  if (baseline.cpuQuota !== undefined && current.cpuQuota !== undefined) cmp('cpu quota', baseline.cpuQuota, current.cpuQuota);
  cmp('platform', `${baseline.platform}-${baseline.arch}`, `${current.platform}-${current.arch}`);
  cmp('node major', baseline.node.split('.')[0], current.node.split('.')[0]);
  cmp('onnxruntime', baseline.onnxruntime, current.onnxruntime);
  // Suite-provided facts only count when both runs recorded them.
  if (baseline.database && current.database) cmp('database', baseline.database, current.database);
  // Instruction counts depend on the exact Node/V8 and valgrind versions and the flags.
  if (baseline.instrumentation && current.instrumentation) cmp('instruction counting', baseline.instrumentation, current.instrumentation);
  // Suites add models and datasets as their tests run, so a metric judged early sees only part of
  // the list: an entry missing on one side is not a difference; the same name with a hash the
  // baseline never recorded is.
  const changedHashes = <T>(label: string, before: T[], after: T[], name: (x: T) => string, hash: (x: T) => string): void => {
    const known = new Map<string, Set<string>>();
    for (const x of before) known.set(name(x), (known.get(name(x)) ?? new Set()).add(hash(x)));
    const changed = after.filter((x) => known.has(name(x)) && !known.get(name(x))!.has(hash(x)));
    if (changed.length) diffs.push(`${label}: ${changed.map((x) => `${name(x)} ${[...known.get(name(x))!].join('|')} -> ${hash(x)}`).join('; ')}`);
  };
  // Older baselines carried "synthetic" inside the id ("<id> (synthetic)"); it is a field now.
  const modelName = (m: ModelInfo): string => m.id.replace(/ \(synthetic\)$/, '');
  changedHashes('models', baseline.models, current.models, modelName, (m) => m.hash);
  changedHashes('datasets', baseline.datasets, current.datasets, (d) => d.name, (d) => d.hash);
  return diffs;
}
