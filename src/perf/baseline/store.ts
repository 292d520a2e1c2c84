// Reading and writing baseline files: where they live, validation with errors that name the
// file, the problem and the fix, and the rule that a failing run never overwrites a baseline.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { summarize } from '../stats/index.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import { environmentClass, legacyEnvironmentClass, type RunContext } from '../context/run-context.ts';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.ts';
import { BASELINE_SCHEMA_VERSION, baselineFileSchema, type BaselineFile, type Profile } from './schema.ts';
import { stableStringify } from './stable-json.ts';

/** compare: judge against the baseline (default); save: also write it; none: no baseline at all. */
export type BaselineMode = 'compare' | 'save' | 'none';

export const SAVE_COMMAND = 'npm run perf:baseline';

export function baselinePath(dir: string, environmentClass: string, suite: string, profile: Profile): string {
  const safe = suite.replace(/[^A-Za-z0-9._-]+/g, '_');
  return path.join(dir, environmentClass, `${safe}.${profile}.json`);
}

/**
 * The baseline file of a suite for this machine: its environment class's folder, else the folder
 * of its legacy class (saved before the class included CPU flags and quota) when that file does
 * not record CPU flags. `file` is where a save writes (always the full class). `tag`: the run
 * environment's part of the class (the database engine).
 */
export function locateBaseline(
  dir: string,
  ctx: Pick<RunContext, 'platform' | 'arch' | 'cpuModel' | 'cpuCount' | 'cpuFlags' | 'cpuQuota'>,
  suite: string,
  profile: Profile,
  tag?: string,
): { file: string; readFrom: string; data: BaselineFile | undefined } {
  const file = baselinePath(dir, environmentClass(ctx, tag), suite, profile);
  const data = readBaseline(file);
  const legacy = baselinePath(dir, legacyEnvironmentClass(ctx, tag), suite, profile);
  if (data || legacy === file) return { file, readFrom: file, data };
  const old = readBaseline(legacy);
  return old && old.context.cpuFlags === undefined ? { file, readFrom: legacy, data: old } : { file, readFrom: file, data: undefined };
}

/** undefined when the file does not exist; UserError when it exists but cannot be used. */
export function readBaseline(file: string): BaselineFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read baseline ${file}: ${(error as Error).message}`, { fix: 'check the file permissions', cause: error });
  }
  const fix = `restore it from git (git checkout -- ${file}) or delete it and re-record it with \`${SAVE_COMMAND}\``;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const problem = text.trim().length === 0 ? 'the file is empty' : `it is not valid JSON (truncated or edited by hand?): ${(error as Error).message}`;
    throw new UserError(`baseline ${file} is unusable: ${problem}`, { fix, cause: error });
  }
  const parsed = baselineFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
    const problem = version !== BASELINE_SCHEMA_VERSION ? `schema version ${String(version)} (expected ${BASELINE_SCHEMA_VERSION}); ${issues}` : issues;
    throw new UserError(`baseline ${file} does not match the baseline schema: ${problem}`, { fix, cause: parsed.error });
  }
  return parsed.data;
}

/** Missing baseline in strict compare mode: stop and name the command that creates it. */
export function missingBaselineError(file: string, suite: string): UserError {
  return new UserError(`no baseline for suite "${suite}" at ${file} (strict mode)`, {
    fix: `record one with \`${SAVE_COMMAND}\` (or \`${SAVE_COMMAND} -- --filter ${suite}\`), or run without --strict`,
  });
}

export function buildBaseline(args: {
  suite: string;
  profile: Profile;
  environmentClass: string;
  context: RunContext;
  metrics: MetricSamples[];
  savedAt?: Date;
  forcedReason?: string;
}): BaselineFile {
  const metrics: BaselineFile['metrics'] = {};
  for (const m of args.metrics) {
    const s = summarize(m.samples);
    metrics[m.name] = {
      unit: m.unit,
      direction: m.direction,
      kind: m.kind,
      ...(m.tolerance !== undefined && { tolerance: m.tolerance }),
      ...(m.judge && { judge: m.judge }),
      ...(m.budget && { budget: m.budget }),
      samples: m.samples,
      estimates: { n: s.n, median: s.median, p5: s.p5, p95: s.p95, p99: s.p99, mad: s.mad },
    };
  }
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    suite: args.suite,
    profile: args.profile,
    environmentClass: args.environmentClass,
    savedAt: (args.savedAt ?? new Date()).toISOString(),
    ...(args.forcedReason !== undefined && { forced: { reason: args.forcedReason } }),
    context: args.context,
    metrics,
  };
}

export function writeBaseline(file: string, baseline: BaselineFile, options: AtomicWriteOptions = {}): void {
  writeFileAtomic(file, stableStringify(baselineFileSchema.parse(baseline)), options);
}

/** Turn a stored metric back into samples the decision module compares against. */
export function baselineMetric(file: BaselineFile, name: string): MetricSamples | undefined {
  const m = file.metrics[name];
  if (!m) return undefined;
  return {
    name,
    unit: m.unit,
    direction: m.direction,
    kind: m.kind,
    samples: m.samples,
    ...(m.tolerance !== undefined && { tolerance: m.tolerance }),
    ...(m.budget && { budget: m.budget }),
  };
}

export interface SavePolicyInput {
  failingMetrics: string[];
  force: boolean;
  reason?: string;
}

/** Whether a save may proceed: never over failing metrics unless forced with a recorded reason. */
export function checkSavePolicy(input: SavePolicyInput): { allowed: true; forcedReason?: string } | { allowed: false; why: string } {
  // A save asked to be forced records its reason even when nothing failed: the refresh of a new
  // runner class (all NEW) is forced with the maintainer's reason, and the file must say why it
  // was written. Without --force nothing is recorded.
  if (input.failingMetrics.length === 0) return input.force && input.reason?.trim() ? { allowed: true, forcedReason: input.reason.trim() } : { allowed: true };
  if (!input.force) {
    return {
      allowed: false,
      why: `not saving baselines: ${input.failingMetrics.length} metric(s) regressed or failed a budget (${input.failingMetrics.slice(0, 5).join(', ')}); fix them, or save anyway with --force --reason "<why>"`,
    };
  }
  if (!input.reason?.trim()) return { allowed: false, why: 'a forced baseline save needs --reason "<why>" (it is recorded in the baseline file)' };
  return { allowed: true, forcedReason: input.reason.trim() };
}
