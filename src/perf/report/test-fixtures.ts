// A synthetic run result for renderer and CLI tests: seeded samples, real decisions, and a fixed
// machine and checkout path. The report-rendering instruction count renders it, so nothing in it may
// come from the machine it runs on: a kernel release, memory size or checkout path of other lengths
// moved that count by 0.2-0.3% between machines and clones.
import type { RunContext } from '../context/run-context.ts';
import { normalSamples } from '../stats/rng.ts';
import { defaultOptions } from '../options.ts';
import { finishRun } from '../runner/finish-run.ts';
import { makeMetricResult } from '../decision/metric-result.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import type { RunResult } from '../metrics/run-result.ts';

/** A checkout path of its own: the renderers print the baselines and reports folders. */
const FIXED_ROOT = '/project';

const timing = (name: string, samples: number[], extra: Partial<MetricSamples> = {}): MetricSamples => ({ name, unit: 'ms', direction: 'lower', kind: 'timing', samples, ...extra });
export function syntheticRun(overrides: { shift?: number; baselineCalibration?: number } = {}): RunResult {
  const shift = overrides.shift ?? 1.2;
  const ref = (m: MetricSamples, environmentDiffers: string[] = []) => ({
    metric: m,
    file: 'baselines/x/suite.full.json',
    savedAt: '2024-01-01T00:00:00.000Z',
    environmentDiffers,
    ...(overrides.baselineCalibration !== undefined && { calibrationScore: overrides.baselineCalibration }),
  });
  const context: RunContext = {
    cpuModel: 'Test CPU @ 2.00GHz',
    cpuCount: 2,
    cpuFlags: ['avx512_vnni'],
    cpuQuota: null,
    totalMemoryBytes: 8 * 2 ** 30,
    platform: 'linux',
    osRelease: '6.1.0-test',
    arch: 'x64',
    node: '20.0.0',
    v8: '11.3.244.8-node.0',
    onnxruntime: '1.0.0',
    gitSha: '0123456789abcdef0123456789abcdef01234567',
    gitDirty: false,
    calibrationScore: 500,
    models: [],
    database: null,
    datasets: [],
  };
  const calibrationScore = context.calibrationScore;
  const metrics = [
    makeMetricResult({ suite: 'embedding', test: 'embeds', calibrationScore, metric: timing('embed batch 32', normalSamples(30, 100 * shift, 2, 1)), baseline: ref(timing('embed batch 32', normalSamples(30, 100, 2, 2))) }),
    makeMetricResult({ suite: 'embedding', test: 'embeds', calibrationScore, metric: timing('tokenize', normalSamples(30, 10, 0.3, 3)), baseline: ref(timing('tokenize', normalSamples(30, 10, 0.3, 4))) }),
    makeMetricResult({ suite: 'search', test: 'search', metric: timing('top-10 <latency>', normalSamples(20, 50, 10, 5), { budget: { max: 40, statistic: 'p95' } }) }),
    makeMetricResult({
      suite: 'search',
      test: 'search',
      metric: { name: 'queries per claim', unit: 'queries', direction: 'lower', kind: 'exact', samples: [3] },
      baseline: ref({ name: 'queries per claim', unit: 'queries', direction: 'lower', kind: 'exact', samples: [3] }, ['node major: "20" -> "22"']),
    }),
  ];
  return finishRun({
    options: { ...defaultOptions(FIXED_ROOT), print: false },
    runId: 'run-1',
    context,
    environmentClass: 'linux-x64-test-2c',
    startedAt: new Date('2024-01-02T00:00:00Z'),
    finishedAt: new Date('2024-01-02T00:01:00Z'),
    metrics,
    suites: [
      { name: 'embedding', file: 'perf-tests/embedding.perf.ts', state: 'failed', errors: [] },
      { name: 'search', file: 'perf-tests/search.perf.ts', state: 'failed', errors: [], context: { models: [], database: { engine: 'pglite', version: '18.6' }, datasets: [] } },
    ],
    errors: [],
  });
}
