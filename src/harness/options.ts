// Harness options, resolved once (defaults + env + CLI flags) into one typed object that is
// passed down explicitly: to the reporter directly and to the test workers via vitest `provide`.
import path from 'node:path';
import { UserError } from '../errors.ts';
import type { BaselineMode } from '../baseline/store.ts';
import type { Profile } from '../baseline/schema.ts';

export interface HarnessOptions {
  /** Id of this run: reports/<runId>/ (profiles are written there by the workers). */
  runId?: string;
  mode: BaselineMode;
  profile: Profile;
  /** In compare mode, a missing baseline is a harness error naming `npm run perf:baseline`. */
  strict: boolean;
  filter?: string;
  /** Save baselines even over REGRESSED / BUDGET-FAIL metrics; needs `reason`. */
  force: boolean;
  reason?: string;
  baselinesDir: string;
  reportsDir: string;
  /** Significance level of every comparison. */
  alpha: number;
  /** Bounded re-sampling of INCONCLUSIVE timing metrics (rounds, each doubling n). */
  maxResampleRounds: number;
  /** Comparisons against a baseline from a different environment are advisory (default true). */
  advisoryOnEnvironmentMismatch: boolean;
  /** Write the GitHub job summary and annotations (GITHUB_ACTIONS=true). */
  githubActions: boolean;
  /** Where $GITHUB_STEP_SUMMARY points, if anywhere. */
  githubStepSummary?: string;
  /** Capture a CPU profile (.cpuprofile) of each perf suite into <reports>/profiles/. */
  cpuProfile: boolean;
  /** Write a heap snapshot at the end of each perf suite into <reports>/profiles/ (for memlab). */
  heapSnapshot: boolean;
  /** After a run with REGRESSED / BUDGET-FAIL metrics, re-run those suites with --cpu-prof (default true). */
  profileRegressions: boolean;
  /** vitest shard `i/n` (CI spreads suites over runners; merge with `truthgraph perf merge`). */
  shard?: string;
  /** Print the terminal table (the reporter) — false in tests. */
  print: boolean;
  /** Write reports/<run-id>/ (false for the internal profiling re-run). */
  writeReports: boolean;
}

export const PROVIDE_KEY = 'truthgraphPerf';

export function defaultOptions(projectRoot: string): HarnessOptions {
  return {
    mode: 'compare',
    profile: 'full',
    strict: false,
    force: false,
    baselinesDir: path.join(projectRoot, 'baselines'),
    reportsDir: path.join(projectRoot, 'reports'),
    alpha: 0.01,
    maxResampleRounds: 2,
    advisoryOnEnvironmentMismatch: true,
    githubActions: false,
    cpuProfile: false,
    heapSnapshot: false,
    profileRegressions: true,
    print: true,
    writeReports: true,
  };
}

export const PERF_USAGE = `usage: npm run perf -- [options]
  --filter <name>          only suites whose file name contains <name>
  --quick                  reduced sizes and samples (smoke run; separate "quick" baselines)
  --save-baseline          record baselines (npm run perf:baseline); refused if anything regressed
  --force --reason <why>   save over REGRESSED / BUDGET-FAIL metrics, recording why
  --no-baseline            measure and report only, no comparison
  --strict                 a missing baseline is an error (exit 2) instead of NEW
  --env-mismatch fail      make comparisons against another environment's baseline binding
  --cpu-prof               write a .cpuprofile per suite into <reports>/profiles/
  --heap-snapshot          write a .heapsnapshot per suite into <reports>/profiles/ (memlab)
  --shard <i/n>            run the i-th of n shards of the suites (merge: truthgraph perf merge)
  --no-profile-regressions do not re-run regressed suites with the CPU profiler afterwards
  --baselines-dir <dir>    (default baselines/)   --reports-dir <dir> (default reports/)
exit codes: 0 pass, 1 regression or budget failure, 2 harness error`;

/** Parse `npm run perf` arguments; unknown flags are a UserError (exit 2). */
export function resolveOptions(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string, cwd: string): HarnessOptions {
  const o = defaultOptions(projectRoot);
  const args = [...argv];
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new UserError(`${flag} needs a value`, { fix: PERF_USAGE });
    return v;
  };
  let sawSave = false;
  let sawNone = false;
  while (args.length > 0) {
    const a = args.shift()!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const next = (): string => inline ?? value(flag);
    switch (flag) {
      case '--filter':
        o.filter = next();
        break;
      case '--quick':
        o.profile = 'quick';
        break;
      case '--save-baseline':
        sawSave = true;
        break;
      case '--no-baseline':
        sawNone = true;
        break;
      case '--force':
        o.force = true;
        break;
      case '--reason':
        o.reason = next();
        break;
      case '--strict':
        o.strict = true;
        break;
      case '--env-mismatch': {
        const v = next();
        if (v !== 'advisory' && v !== 'fail') throw new UserError(`--env-mismatch must be advisory or fail, got ${v}`, { fix: PERF_USAGE });
        o.advisoryOnEnvironmentMismatch = v === 'advisory';
        break;
      }
      case '--cpu-prof':
        o.cpuProfile = true;
        break;
      case '--shard': {
        const v = next();
        if (!/^\d+\/\d+$/.test(v)) throw new UserError(`--shard must look like 1/3, got ${v}`, { fix: PERF_USAGE });
        o.shard = v;
        break;
      }
      case '--no-profile-regressions':
        o.profileRegressions = false;
        break;
      case '--heap-snapshot':
        o.heapSnapshot = true;
        break;
      case '--baselines-dir':
        o.baselinesDir = path.resolve(cwd, next());
        break;
      case '--reports-dir':
        o.reportsDir = path.resolve(cwd, next());
        break;
      default:
        throw new UserError(`unknown option ${a}`, { fix: PERF_USAGE });
    }
  }
  if (sawSave && sawNone) throw new UserError('--save-baseline and --no-baseline exclude each other', { fix: PERF_USAGE });
  o.mode = sawSave ? 'save' : sawNone ? 'none' : 'compare';
  if (o.force && o.mode !== 'save') throw new UserError('--force only applies to --save-baseline', { fix: PERF_USAGE });
  if (o.force && !o.reason?.trim()) throw new UserError('--force needs --reason "<why>" (it is recorded in the baseline)', { fix: PERF_USAGE });
  o.githubActions = env.GITHUB_ACTIONS === 'true';
  if (env.GITHUB_STEP_SUMMARY) o.githubStepSummary = env.GITHUB_STEP_SUMMARY;
  return o;
}
