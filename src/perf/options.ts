// Harness options, resolved once (defaults + env + CLI flags) into one typed object that is
// passed down explicitly: to the reporter directly and to the test workers via vitest `provide`.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../shared/errors.ts';
import type { BaselineMode } from './baseline/store.ts';
import type { Profile } from './baseline/schema.ts';
import type { PAdjust } from './decision/multiplicity.ts';

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
  /**
   * Calibration score of this machine, measured once by \`npm run perf\` before the suites start, so
   * that the workers' machine guard and the report use the same figure.
   */
  calibrationScore?: number;
  /** Significance level of every comparison. */
  alpha: number;
  /** Correction of the run's timing p-values for multiple comparisons (default bh). */
  pAdjust: PAdjust;
  /** Bounded re-sampling of INCONCLUSIVE timing metrics (rounds, each doubling n). */
  maxResampleRounds: number;
  /** Comparisons against a baseline from a different environment are advisory (default true). */
  advisoryOnEnvironmentMismatch: boolean;
  /**
   * Timing metrics (budgets and comparisons) are reported but never fail the run; exact metrics
   * stay binding. For smoke runs on a machine that is not the reference runner (.ci/run).
   */
  timingAdvisory: boolean;
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
  /** A/B mode (`--base <ref>`): base and head measured in lockstep on this machine, in this run. */
  ab?: AbOptions;
  /** Internal: this process is one side of an A/B run, driven by the conductor at `socket`. */
  abSide?: AbSideOptions;
  /** Set by the runner: the socket the workers send progress events to (src/perf/progress). */
  progressSocket?: string;
  /**
   * `--db-provider`: which database the suites run on (auto | url | container | embedded), passed
   * as-is to the run environment bin/perf.js prepares (the harness does not interpret it).
   */
  dbProvider?: string;
  /** What the run environment adds to the environment class (the database engine), set once it is prepared. */
  environmentTag?: string;
}

export interface AbOptions {
  /** The base revision as the user named it (a branch, tag, commit or HEAD). */
  baseRef: string;
  /** Rounds (fresh process pairs) every suite gets; more only for suites with undecided metrics. */
  minRounds: number;
  maxRounds: number;
  /** Wall-clock budget of the whole A/B run; no new round starts that would not fit (s). */
  maxTimeS: number;
  /** Confidence of the reported intervals. */
  confidence: number;
}

export interface AbSideOptions {
  side: 'base' | 'head';
  socket: string;
  round: number;
  /** Only these suites (file names without .perf.ts): later rounds re-run undecided suites. */
  suites?: string[];
  /** The conductor's progress socket: this side's progress is shown by `npm run perf` itself. */
  progress?: string;
}

/** Defaults per profile: quick must finish in minutes on 2 cores, adaptive rounds included. */
export const AB_DEFAULTS = {
  quick: { minRounds: 3, maxRounds: 5, maxTimeS: 660 },
  full: { minRounds: 2, maxRounds: 4, maxTimeS: 5_400 },
} as const;

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
    pAdjust: 'bh',
    maxResampleRounds: 2,
    advisoryOnEnvironmentMismatch: true,
    timingAdvisory: false,
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
  --timing-advisory        timing budgets/regressions are reported, not failed (exact stay binding)
  --p-adjust <method>      correction of the run's timing p-values: bh (default), holm or none
  --cpu-prof               write a .cpuprofile per suite into <reports>/profiles/
  --heap-snapshot          write a .heapsnapshot per suite into <reports>/profiles/ (memlab)
  --db-provider <kind>     database the suites run on: auto (default: DATABASE_URL, else a container
                           runtime with pgvector/pgvector:pg17, else embedded PGlite) | url | container
                           | embedded (env TRUTHGRAPH_DB_PROVIDER); baselines are per engine
  --shard <i/n>            run the i-th of n shards of the suites (merge: truthgraph perf merge)
  --no-profile-regressions do not re-run regressed suites with the CPU profiler afterwards
  --baselines-dir <dir>    (default baselines/)   --reports-dir <dir> (default reports/)
  --base <git-ref>         A/B mode: measure <git-ref> and the working tree in lockstep on this
                           machine and judge the change (PRs, any machine); no stored baseline used
  --rounds <n>             A/B: rounds (fresh process pairs) per suite (default quick 3, full 2)
  --max-time <s>           A/B: time budget; extra rounds for undecided metrics stop at it
exit codes: 0 pass, 1 regression or budget failure, 2 harness error`;

/** Parse `npm run perf` arguments (node:util parseArgs, strict); bad flags are a UserError (exit 2). */
export function resolveOptions(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string, cwd: string): HarnessOptions {
  const o = defaultOptions(projectRoot);
  let values: ReturnType<typeof parsePerfArgs>['values'];
  try {
    ({ values } = parsePerfArgs(argv));
  } catch (error) {
    throw new UserError((error as Error).message, { fix: PERF_USAGE });
  }
  if (values.filter !== undefined) o.filter = values.filter;
  if (values.quick) o.profile = 'quick';
  if (values.force) o.force = true;
  if (values.reason !== undefined) o.reason = values.reason;
  if (values.strict) o.strict = true;
  if (values['env-mismatch'] !== undefined) {
    const v = values['env-mismatch'];
    if (v !== 'advisory' && v !== 'fail') throw new UserError(`--env-mismatch must be advisory or fail, got ${v}`, { fix: PERF_USAGE });
    o.advisoryOnEnvironmentMismatch = v === 'advisory';
  }
  if (values['timing-advisory']) o.timingAdvisory = true;
  if (values['p-adjust'] !== undefined) {
    const v = values['p-adjust'];
    if (v !== 'bh' && v !== 'holm' && v !== 'none') throw new UserError(`--p-adjust must be bh, holm or none, got ${v}`, { fix: PERF_USAGE });
    o.pAdjust = v;
  }
  if (values['cpu-prof']) o.cpuProfile = true;
  if (values.shard !== undefined) {
    if (!/^\d+\/\d+$/.test(values.shard)) throw new UserError(`--shard must look like 1/3, got ${values.shard}`, { fix: PERF_USAGE });
    o.shard = values.shard;
  }
  if (values['no-profile-regressions']) o.profileRegressions = false;
  if (values['db-provider'] !== undefined) o.dbProvider = values['db-provider'];
  if (values['heap-snapshot']) o.heapSnapshot = true;
  if (values['baselines-dir'] !== undefined) o.baselinesDir = path.resolve(cwd, values['baselines-dir']);
  if (values['reports-dir'] !== undefined) o.reportsDir = path.resolve(cwd, values['reports-dir']);
  if (values['ab-side'] !== undefined) {
    const side = values['ab-side'];
    if (side !== 'base' && side !== 'head') throw new UserError(`--ab-side must be base or head, got ${side}`, { fix: PERF_USAGE });
    if (!values['ab-socket']) throw new UserError('--ab-side needs --ab-socket (internal flags of `npm run perf -- --base <ref>`)', { fix: PERF_USAGE });
    o.abSide = {
      side,
      socket: values['ab-socket'],
      round: positiveInt(values['ab-round'] ?? '1', '--ab-round'),
      ...(values['ab-suites'] !== undefined && { suites: values['ab-suites'].split(',').filter(Boolean) }),
      ...(values['ab-progress'] !== undefined && { progress: values['ab-progress'] }),
    };
  }
  if (values.base !== undefined) {
    if (!values.base.trim()) throw new UserError('--base needs a git ref, e.g. --base main', { fix: PERF_USAGE });
    if (values['save-baseline']) throw new UserError('--base and --save-baseline exclude each other: an A/B run judges a change and writes no baseline', { fix: 'drop --base to save baselines (npm run perf:baseline)' });
    if (values['no-baseline']) throw new UserError('--base and --no-baseline exclude each other', { fix: PERF_USAGE });
    if (o.strict) throw new UserError('--strict applies to stored baselines; an A/B run reads none', { fix: 'drop --strict' });
    const d = AB_DEFAULTS[o.profile];
    const minRounds = values.rounds !== undefined ? positiveInt(values.rounds, '--rounds') : d.minRounds;
    o.ab = {
      baseRef: values.base,
      minRounds,
      maxRounds: Math.max(minRounds, d.maxRounds),
      maxTimeS: values['max-time'] !== undefined ? positiveInt(values['max-time'], '--max-time') : d.maxTimeS,
      confidence: 0.95,
    };
  } else if (values.rounds !== undefined || values['max-time'] !== undefined) {
    throw new UserError('--rounds and --max-time apply to A/B runs only', { fix: 'add --base <git-ref>, e.g. --base main' });
  }
  const sawSave = Boolean(values['save-baseline']);
  const sawNone = Boolean(values['no-baseline']);
  if (sawSave && sawNone) throw new UserError('--save-baseline and --no-baseline exclude each other', { fix: PERF_USAGE });
  o.mode = sawSave ? 'save' : sawNone ? 'none' : 'compare';
  if (o.force && o.mode !== 'save') throw new UserError('--force only applies to --save-baseline', { fix: PERF_USAGE });
  if (o.force && !o.reason?.trim()) throw new UserError('--force needs --reason "<why>" (it is recorded in the baseline)', { fix: PERF_USAGE });
  o.githubActions = env.GITHUB_ACTIONS === 'true';
  if (env.GITHUB_STEP_SUMMARY) o.githubStepSummary = env.GITHUB_STEP_SUMMARY;
  return o;
}

function parsePerfArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      filter: { type: 'string' },
      quick: { type: 'boolean' },
      'save-baseline': { type: 'boolean' },
      'no-baseline': { type: 'boolean' },
      force: { type: 'boolean' },
      reason: { type: 'string' },
      strict: { type: 'boolean' },
      'env-mismatch': { type: 'string' },
      'timing-advisory': { type: 'boolean' },
      'p-adjust': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'heap-snapshot': { type: 'boolean' },
      shard: { type: 'string' },
      'no-profile-regressions': { type: 'boolean' },
      'db-provider': { type: 'string' },
      'baselines-dir': { type: 'string' },
      'reports-dir': { type: 'string' },
      base: { type: 'string' },
      rounds: { type: 'string' },
      'max-time': { type: 'string' },
      // internal: one side of an A/B run (set by the conductor, never by hand)
      'ab-side': { type: 'string' },
      'ab-socket': { type: 'string' },
      'ab-progress': { type: 'string' },
      'ab-round': { type: 'string' },
      'ab-suites': { type: 'string' },
    },
  });
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive whole number, got ${text}`, { fix: PERF_USAGE });
  return n;
}
