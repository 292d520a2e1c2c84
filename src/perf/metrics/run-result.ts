// The run result: every metric of one `npm run perf` with its samples, baseline, decision and
// context. report.json is exactly this object; every renderer is a pure function of it.
import type { Decision, Evidence, Status } from '../decision/decision.ts';
import type { MetricSpec } from './metric.ts';
import type { RunContext } from '../context/run-context.ts';
import type { Summary } from '../stats/descriptive.ts';
import { UserError } from '../../shared/errors.ts';

export const RUN_RESULT_SCHEMA_VERSION = 1;

export interface MeasurementInfo {
  iterationsPerSample?: number;
  stoppedBy?: string;
  /** Fraction of each timed sample spent in the harness loop (empty-function cost). */
  timedOverhead?: number;
  /** Fraction of the sampling phase's wall time spent outside timed regions. */
  wallOverhead?: number;
  resampleRounds?: number;
  /** Clock of the samples: wall (elapsed) or cpu (process CPU time, immune to preemption). */
  clock?: 'wall' | 'cpu';
  /** Median CPU time / wall time per sample (~1 uncontended sync work, < 1 when preempted). */
  cpuShare?: number;
  /** Median wall-clock time per call, whatever the clock of the samples. */
  wallMedianMs?: number;
  /** Verdicts of the independent rounds that confirmed (or not) a change. */
  confirmation?: string[];
  /** A/B side: the metric was sampled in lockstep with the other side (`pairs` pairs). */
  pairedPairs?: number;
  /** Per-sample process CPU ns per call (whatever the clock of the samples). */
  cpuNsPerCall?: number[];
  /** Per-sample wall-clock ns per call (whatever the clock of the samples). */
  wallNsPerCall?: number[];
  /** Leak estimator details for memory metrics: OLS slope of post-GC heap and its CI. */
  leakSlope?: { slope: number; lower: number; upper: number; unit: string };
  /** Instruction-count metrics: how the count was taken and where the instructions go. */
  instructions?: InstructionMeasurement;
}

export interface InstructionMeasurement {
  /** N: the measured parts ran N and 2N operations after `warmup` operations. */
  iterations: number;
  warmup: number;
  async: boolean;
  /** Raw callgrind totals of the parts (start-up + setup + warm-up; N ops; 2N ops). */
  parts: { startup: number; n: number; twoN: number };
  /** Fixed cost of a part (marker + full GC); it cancels in the difference. */
  fixedPerPart: number;
  /** Wall time of each counted process. */
  valgrindWallMs: number[];
  /** callgrind file of the 2N part, relative to the reports folder (callgrind_annotate / kcachegrind). */
  profile: string;
  /** Self instructions per operation of the largest functions (unnamed JIT code summed into one entry). */
  breakdown?: Array<{ function: string; perOp: number }>;
  unnamedJitShare?: number;
  /** Key of the code, inputs and environment counted (equal keys: equal counts, see count-cache.ts). */
  countKey?: string;
  /** Set when the count was reused: the same code, inputs and environment were counted before. */
  reused?: { countedAt: string; key: string };
}

/** How an A/B run formed the base/head comparison of one metric. */
export interface AbMetricInfo {
  /**
   * `lockstep`: samples taken in turns (A B, B A, ...) by both sides; `aligned`: values the suite
   * recorded, compared index by index (the same query / iteration on both sides); `per-round`: one
   * value per side per round (single-shot metrics: builds, ingest, peaks), taken alternately;
   * `exact`: deterministic, compared exactly; `difference`: compared as head - base in the unit.
   */
  pairing: 'lockstep' | 'aligned' | 'per-round' | 'mixed' | 'exact' | 'difference' | 'budget-only' | 'one-side';
  /** Rounds (fresh process pairs) that measured the metric on both sides. */
  rounds: number;
  /** Pairs over all rounds. */
  pairs: number;
  /** Per round: log(head / base) of the cost (time per op; inverse for higher-is-better units). */
  logRatios?: number[][];
  /** Difference metrics: head - base per round, in the metric's unit. */
  differences?: number[];
  /** The interval's confidence (0.95). */
  confidence?: number;
}

export interface MetricResult extends MetricSpec {
  suite: string;
  /** Full name of the vitest test that recorded it. */
  test: string;
  samples: number[];
  summary: Summary;
  baseline?: { samples: number[]; summary: Summary; file: string; savedAt: string; environmentDiffers: string[]; calibrationScore?: number };
  decision: Decision;
  measurement?: MeasurementInfo;
  /** A/B mode: how base and head were compared (the base side's samples are in `baseline`). */
  ab?: AbMetricInfo;
}

export interface SuiteResult {
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped';
  /** Errors that are not metric verdicts (harness errors: bad config, unreadable baseline, crash). */
  errors: string[];
  /** Why tests were skipped (e.g. instruction counts without valgrind, with the install command). */
  notes?: string[];
  context?: Pick<RunContext, 'models' | 'database' | 'datasets' | 'instrumentation'>;
  /** Tests and hooks of the file (ms). */
  durationMs?: number;
}

/** A suite's own table attached to the run (perf.attach): JSON for machines, Markdown for people. */
export interface Attachment {
  suite: string;
  name: string;
  profile: 'full' | 'quick';
  data: unknown;
  markdown?: string;
}

export interface BaselineWrite {
  suite: string;
  file: string;
  written: boolean;
  note?: string;
}

export interface AbRunInfo {
  base: { ref: string; sha: string };
  /** The working tree measured as head (dirty: uncommitted changes on top of `sha`). */
  head: { sha: string | null; dirty: boolean };
  /** Rounds run (fresh process pairs); later rounds may cover only suites with undecided metrics. */
  rounds: Array<{ round: number; suites: string[]; durationMs: number; pairs: number }>;
  /** Shards merged into this run (perf merge), each with its own rounds; absent for one run. */
  shards?: number;
  /** Multiple-comparison adjustment across the run's timing verdicts. */
  adjust: 'holm' | 'bh' | 'none';
  /** Confidence of the intervals. */
  confidence: number;
  /** Significance level of the adjusted p-values. */
  alpha: number;
  /** Rounds a metric needs before it can be judged. */
  minRounds: number;
  /** How the sides ran, in words (for the report). */
  design: string;
  durationMs: number;
}

export interface RunResult {
  schemaVersion: typeof RUN_RESULT_SCHEMA_VERSION;
  runId: string;
  startedAt: string;
  finishedAt: string;
  profile: 'full' | 'quick';
  /** `ab`: base and head measured side by side in this run (`npm run perf -- --base <ref>`). */
  mode: 'compare' | 'save' | 'none' | 'ab';
  filter?: string;
  environmentClass: string;
  context: RunContext;
  suites: SuiteResult[];
  metrics: MetricResult[];
  /** Harness-level errors (unhandled errors, no suites found, save refused...). */
  errors: string[];
  /** Run-level notes shown above the table, e.g. the machine guard's sentence. */
  notes?: string[];
  baselineWrites: BaselineWrite[];
  /** Tables the suites attached (perf.attach), in suite order. */
  attachments?: Attachment[];
  /** Profiles captured for this run, relative to its report folder (profiles/<suite>.cpuprofile). */
  profiles?: string[];
  /** CPU profile diffs of regressed suites (base vs head, same workload): where the time went. */
  profileDiffs?: ProfileDiffSummary[];
  /** A/B runs: the two revisions, rounds and how they were compared. */
  ab?: AbRunInfo;
  counts: Record<Status, number>;
  /** 0 pass, 1 regression or budget failure, 2 harness error. */
  exitCode: 0 | 1 | 2;
}

export interface ProfileDiffSummary {
  suite: string;
  metric: string;
  /** profile-diff.md, relative to the run's report folder. */
  path: string;
  /** The largest self-time changes, one line each (profile-diff.ts diffHeadlines). */
  headlines: string[];
}

export const STATUSES: Status[] = ['REGRESSED', 'BUDGET-FAIL', 'INCONCLUSIVE', 'IMPROVED', 'NEW', 'REMOVED', 'PASS'];

export function countStatuses(metrics: readonly MetricResult[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const m of metrics) counts[m.decision.status]++;
  return counts;
}

/** Parse a report.json read from disk (CLI re-render / compare), with a clear error. */
export function parseRunResult(text: string, file: string): RunResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${(error as Error).message}`, { fix: 'pass the report.json of a finished run, e.g. reports/latest/report.json' });
  }
  const r = json as Partial<RunResult> | null;
  if (!r || r.schemaVersion !== RUN_RESULT_SCHEMA_VERSION || !Array.isArray(r.metrics) || typeof r.runId !== 'string') {
    throw new UserError(`${file} is not a perf run result (schemaVersion ${RUN_RESULT_SCHEMA_VERSION} with runId and metrics expected)`, {
      fix: 'pass the report.json written by `npm run perf`, e.g. reports/latest/report.json',
    });
  }
  for (const m of r.metrics as MetricResult[]) if (m?.decision?.evidence) restoreNonFinite(m.decision.evidence);
  return r as RunResult;
}

/**
 * JSON has no NaN or Infinity: JSON.stringify writes them as null, and a renderer fed that null
 * as a number shows nonsense (a count that went from 0 to 19 as "-100.0%", a side without samples
 * as "-inf"). Restores what the evidence held before it was written: the ratio as decide() forms
 * it (Infinity when the baseline is 0), NaN for any other number that came back as null.
 */
function restoreNonFinite(e: Evidence): void {
  const loose = e as unknown as Record<string, unknown>;
  const num = (k: string): void => {
    if (loose[k] === null) loose[k] = Number.NaN;
  };
  num('current');
  num('baseline');
  if (loose.ratio === null) {
    const { current, baseline } = e;
    loose.ratio = typeof baseline === 'number' && Number.isFinite(baseline) && Number.isFinite(current) ? (baseline === 0 ? (current === 0 ? 1 : Number.POSITIVE_INFINITY) : current / baseline) : Number.NaN;
  }
  for (const k of ['pValue', 'pAdjusted', 'difference', 'confidence']) num(k);
  // An unresolvable noise level is an infinite minimum detectable effect.
  if (loose.mde === null) loose.mde = Number.POSITIVE_INFINITY;
  for (const k of ['ratioCi', 'differenceCi']) {
    const ci = loose[k];
    if (Array.isArray(ci)) loose[k] = ci.map((x: unknown) => (x === null ? Number.NaN : x));
  }
  if (e.budget && (e.budget as { value: unknown }).value === null) e.budget.value = Number.NaN;
}
