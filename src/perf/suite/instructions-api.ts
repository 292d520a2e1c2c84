// Instruction counts inside a perf suite: the suite hands over the path of its declarations
// module (perf-tests/...) and the harness bundles it once and counts every workload in its own
// valgrind process, two at a time, starting them all on the first request so that a suite of
// sequential tests still uses both cores. Each test then records its workload's metric (kind
// `instructions`). Without valgrind the tests are SKIPPED with the install command: never a
// silent pass and never a fallback to time.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestRunner } from 'vitest';
import type { RunnerTestCase as Test, TestContext } from 'vitest';
import { DATASET_DIR, PROJECT_ROOT, defaultCacheDir } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import { bundleWorkloads } from '../instructions/bundle.ts';
import { countInstructions, type InstructionCount } from '../instructions/count.ts';
import { cachedCount, countKey, type CachedCount } from '../instructions/count-cache.ts';
import { countingEnvironment } from '../instructions/environment.ts';
import { COUNTED_ENV, NODE_FLAGS, VALGRIND_FLAGS } from '../instructions/flags.ts';
import { probeValgrind } from '../instructions/valgrind.ts';
import type { InstructionWorkload } from '../instructions/workload.ts';
import { suiteContext } from '../context/suite-context.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import type { MetricResult } from '../metrics/run-result.ts';
import { makeMetricResult } from '../decision/metric-result.ts';
import { attachToTest, baselineFor, harnessOptions, suiteOf } from './worker-state.ts';

export interface InstructionCounterOptions {
  /** Counted processes at a time (default: min(2, available cores)). */
  concurrency?: number;
  /** Processes per workload; each is one sample (default 1: counts repeat to ~0.01%). */
  repeats?: number;
}

type Declared = Pick<InstructionWorkload, 'name' | 'op' | 'iterations' | 'tolerance'>;

export interface InstructionCounter {
  /** False when valgrind is missing; `skipReason` then names the install command. */
  readonly available: boolean;
  readonly skipReason: string | undefined;
  /** Count `name` (all workloads start on the first call), record its metric on the current test. */
  measure(name: string, ctx: TestContext): Promise<MetricResult>;
}

function limiter(concurrency: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (job) => {
    if (active >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

const slug = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();

/**
 * `declarations`: the module that default-exports defineInstructionWorkloads([...]);
 * `workloads`: the same list, imported by the suite to name its tests (setup() is not run here).
 */
export function instructionCounter(declarations: string | URL, workloads: readonly Declared[], options: InstructionCounterOptions = {}): InstructionCounter {
  const file = declarations instanceof URL ? fileURLToPath(declarations) : path.resolve(declarations);
  const probe = probeValgrind();
  const skipReason = probe.available ? undefined : `instruction counts SKIPPED: ${probe.reason}. Install it: ${probe.install}`;
  const o = harnessOptions();
  const profile = o.profile;
  const repeats = options.repeats ?? 1;
  const outRoot = path.join(o.reportsDir, o.runId ?? 'unnamed-run', 'instructions');
  // Repeated counts check repeatability: they are never reused.
  const reuse = repeats === 1 && process.env.PERF_INSTRUCTION_CACHE !== '0';
  const cacheDir = path.join(defaultCacheDir(process.env), 'instruction-counts');
  let started: Map<string, Promise<CachedCount[]>> | undefined;

  const startAll = (): Map<string, Promise<CachedCount[]>> => {
    const limit = limiter(options.concurrency ?? Math.max(1, Math.min(2, os.availableParallelism())));
    const bundle = bundleWorkloads(file, path.join(PROJECT_ROOT, '.cache', 'instructions'));
    const environment = probe.available ? countingEnvironment(probe.version) : [];
    const map = new Map<string, Promise<CachedCount[]>>();
    for (const w of workloads) {
      const iterations = w.iterations[profile];
      const runs = Array.from({ length: repeats }, (_, r) =>
        bundle.then((b) => {
          const outDir = path.join(outRoot, repeats > 1 ? `${slug(w.name)}-${r + 1}` : slug(w.name));
          const count = (): Promise<InstructionCount> =>
            limit(() => countInstructions({ bundle: b, workload: w.name, iterations, outDir, cwd: PROJECT_ROOT, breakdown: r === 0 }));
          if (!reuse) return count().then((c) => ({ count: c }));
          const key = countKey({
            bundleDir: path.dirname(b),
            root: PROJECT_ROOT,
            workload: w.name,
            iterations,
            environment,
            inputs: [DATASET_DIR, path.join(PROJECT_ROOT, 'package-lock.json')],
            listings: [path.join(defaultCacheDir(process.env), 'models')],
          });
          return cachedCount(cacheDir, key, outDir, count);
        }),
      );
      const all = Promise.all(runs);
      all.catch(() => undefined); // surfaced by measure(); never an unhandled rejection
      map.set(w.name, all);
    }
    return map;
  };

  return {
    available: probe.available,
    skipReason,
    async measure(name, ctx) {
      if (!probe.available) {
        ctx.skip(skipReason);
        throw new Error('unreachable: ctx.skip() throws');
      }
      const w = workloads.find((x) => x.name === name);
      if (!w) throw new UserError(`no instruction workload named "${name}" in ${file}`, { fix: `declared: ${workloads.map((x) => x.name).join(', ')}` });
      started ??= startAll();
      const cached = await started.get(name)!;
      const counts = cached.map((c) => c.count);
      const { reused, key: countKey } = cached[0]!;
      const test = TestRunner.getCurrentTest() as Test | undefined;
      if (!test) throw new UserError('measure() of instruction counts must be called inside a vitest test', { fix: 'move the call into an it() block' });
      suiteContext.setInstrumentation({
        tool: 'callgrind',
        valgrind: probe.version,
        node: process.versions.node,
        v8: process.versions.v8,
        nodeFlags: [...NODE_FLAGS],
        valgrindFlags: [...VALGRIND_FLAGS],
        env: Object.entries(COUNTED_ENV).map(([k, v]) => `${k}=${v}`),
      });
      const suite = suiteOf(test);
      const metric: MetricSamples = {
        name,
        unit: `instructions/${w.op}`,
        direction: 'lower',
        kind: 'instructions',
        samples: counts.map((c) => Math.round(c.perOp)),
        ...(w.tolerance !== undefined && { tolerance: w.tolerance }),
      };
      const first = counts[0]!;
      const warnings: string[] = [];
      if (reused) warnings.push(`count reused: the same code, inputs and environment were counted at ${reused.countedAt} (PERF_INSTRUCTION_CACHE=0 counts again)`);
      if (first.fixedPerPart < 0 || (first.breakdown && first.breakdown.compileShare > 0.001)) {
        warnings.push(
          `JIT compilation differs between the measured parts (${((first.breakdown?.compileShare ?? 0) * 100).toFixed(2)}% of the per-operation count): tier-up after the warm-up, raise the workload's warmup`,
        );
      }
      const baseline = baselineFor(suite, name);
      const result = makeMetricResult({
        suite,
        test: test.fullTestName ?? test.name,
        metric,
        ...(baseline && { baseline }),
        decision: { alpha: o.alpha, final: true, advisoryOnEnvironmentMismatch: o.advisoryOnEnvironmentMismatch, timingAdvisory: o.timingAdvisory },
        extraWarnings: warnings,
        measurement: {
          instructions: {
            iterations: first.iterations,
            warmup: first.warmup,
            async: first.async,
            parts: first.parts,
            fixedPerPart: Math.round(first.fixedPerPart),
            valgrindWallMs: counts.map((c) => Math.round(c.wallMs)),
            profile: path.relative(o.reportsDir, path.join(first.outDir, 'callgrind.out.3')),
            ...(first.breakdown && { breakdown: first.breakdown.entries, unnamedJitShare: first.breakdown.unnamedJitShare }),
            ...(countKey && { countKey }),
            ...(reused && { reused }),
          },
        },
      });
      attachToTest(test, result);
      return result;
    },
  };
}
