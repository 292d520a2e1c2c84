// Per-worker state of the harness inside a vitest perf worker: the resolved options (provided by
// bin/perf.js through vitest `provide`), the run context and the baselines of each suite.
import path from 'node:path';
import { inject } from 'vitest';
import type { RunnerTestCase as Test } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import { baselineMetric, locateBaseline, missingBaselineError } from '../baseline/store.ts';
import type { BaselineFile } from '../baseline/schema.ts';
import { collectContext, environmentDifferences, type RunContext } from '../context/run-context.ts';
import { calibrate } from '../measure/calibration.ts';
import { suiteContext, withSuiteContext } from '../context/suite-context.ts';
import { defaultOptions, PROVIDE_KEY, type HarnessOptions } from '../options.ts';
import type { BaselineRef } from '../decision/metric-result.ts';
import type { MetricResult } from '../metrics/run-result.ts';
import type { SuiteContext } from '../context/suite-context.ts';

declare module 'vitest' {
  interface ProvidedContext {
    [PROVIDE_KEY]: HarnessOptions;
  }
  interface TaskMeta {
    truthgraphPerf?: { metrics: MetricResult[]; context: SuiteContext };
  }
}

let options: HarnessOptions | undefined;
let context: RunContext | undefined;
const baselines = new Map<string, { file: string; data: BaselineFile | undefined }>();

export function harnessOptions(): HarnessOptions {
  if (!options) {
    let provided: HarnessOptions | undefined;
    try {
      provided = inject(PROVIDE_KEY) as HarnessOptions | undefined;
    } catch {
      provided = undefined;
    }
    // Run directly with `vitest --project perf` (no bin/perf.js): compare mode, full profile.
    options = provided ?? defaultOptions(PROJECT_ROOT);
  }
  return options;
}

export function workerContext(): RunContext {
  // Run directly with vitest (no bin/perf.js): calibrate here, once per worker.
  return (context ??= collectContext(PROJECT_ROOT, harnessOptions().calibrationScore ?? calibrate().score));
}

/** Suite name of a test: its file name without `.perf.ts` / `.selftest.ts`. */
export function suiteOf(test: Test): string {
  return path.basename(test.file.filepath ?? test.file.name).replace(/\.(perf|selftest|test|fixture)\.[cm]?[jt]s$/, '');
}

function suiteBaseline(suite: string): { file: string; data: BaselineFile | undefined } {
  let entry = baselines.get(suite);
  if (!entry) {
    const o = harnessOptions();
    const found = locateBaseline(o.baselinesDir, workerContext(), suite, o.profile, o.environmentTag);
    entry = { file: found.readFrom, data: found.data };
    if (!entry.data && o.mode === 'compare' && o.strict) throw missingBaselineError(found.file, suite);
    baselines.set(suite, entry);
  }
  return entry;
}

/** The baseline of one metric with the environment differences, or undefined (NEW / no-baseline mode). */
export function baselineFor(suite: string, metric: string): BaselineRef | undefined {
  if (harnessOptions().mode === 'none') return undefined;
  const { file, data } = suiteBaseline(suite);
  if (!data) return undefined;
  const m = baselineMetric(data, metric);
  if (!m) return undefined;
  const current = withSuiteContext(workerContext(), suiteContext.snapshot());
  return {
    metric: m,
    file,
    savedAt: data.savedAt,
    environmentDiffers: environmentDifferences(data.context, current),
    calibrationScore: data.context.calibrationScore,
  };
}

/** Attach a finished metric to the running test, where the reporter collects it. */
export function attachToTest(test: Test, result: MetricResult): void {
  const meta = (test.meta.truthgraphPerf ??= { metrics: [], context: suiteContext.snapshot() });
  if (meta.metrics.some((m: MetricResult) => m.name === result.name)) {
    throw new UserError(`metric "${result.name}" recorded twice in suite ${result.suite}`, { fix: 'give every measure()/record() call of a suite its own name' });
  }
  meta.metrics.push(result);
  meta.context = suiteContext.snapshot();
}
