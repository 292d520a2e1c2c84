// Memory measurement: RSS and heap sampled around every iteration (and on a timer while async
// work runs) for peaks, and the post-GC retained memory after each iteration for the leak rate:
// the OLS slope of it over iterations, with its confidence interval.
// Retained = heapUsed + external. `external` holds the backing stores of ArrayBuffers (typed
// arrays, Buffers, embeddings, tensor data copied into JavaScript; Node counts `arrayBuffers` inside
// it): a pipeline that keeps its Float32Array embeddings leaks there, and heapUsed alone barely
// moves (a 1 MB Float64Array is ~100 bytes of heap).
import { linearRegression, type SlopeEstimate } from '../stats/index.ts';
import { nowNs } from './clock.ts';
import { getGc } from './gc.ts';

export interface MemoryOptions {
  /** Iterations of the workload (default 30; the leak slope needs at least 5). */
  iterations?: number;
  /** Background sampling period while an iteration runs (default 20 ms). */
  intervalMs?: number;
  /** Iterations run before the first post-GC reading, so caches and JIT settle (default 3). */
  warmupIterations?: number;
  /**
   * Calls of the workload per iteration; default: enough calls for an iteration to last
   * `minIterationMs`, so that GC jitter of a few KB is not mistaken for a leak of a fast workload.
   */
  callsPerIteration?: number;
  /** Default 20 ms. */
  minIterationMs?: number;
}

export interface MemoryResult {
  /** Peak RSS (bytes) seen during each iteration. */
  rssPeakBytes: number[];
  /** Peak heapUsed (bytes) seen during each iteration. */
  heapPeakBytes: number[];
  /** heapUsed + external after a full GC following each iteration. */
  postGcRetainedBytes: number[];
  /** Leak rate in bytes per iteration with its 95% CI. */
  leakPerIteration: SlopeEstimate;
  /** Leak rate converted to bytes per minute with the median iteration duration. */
  leakBytesPerMinute: { slope: number; lower: number; upper: number };
  medianIterationMs: number;
  callsPerIteration: number;
}

/** What a leak grows: the JavaScript heap plus ArrayBuffer backing stores and other external memory. */
export function retainedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

export async function measureMemory(fn: () => unknown, options: MemoryOptions = {}): Promise<MemoryResult> {
  const { iterations = 30, intervalMs = 20, warmupIterations = 3, minIterationMs = 20 } = options;
  const gc = getGc();
  const w0 = nowNs();
  for (let i = 0; i < warmupIterations; i++) await fn();
  const perCallMs = Number(nowNs() - w0) / 1e6 / Math.max(warmupIterations, 1);
  const calls = options.callsPerIteration ?? Math.max(1, Math.ceil(minIterationMs / Math.max(perCallMs, 1e-4)));
  const body = async (): Promise<void> => {
    for (let c = 0; c < calls; c++) await fn();
  };
  gc();
  const rssPeak: number[] = [];
  const heapPeak: number[] = [];
  const postGc: number[] = [];
  const durations: number[] = [];
  for (let i = 0; i < Math.max(iterations, 5); i++) {
    let rss = 0;
    let heap = 0;
    const sample = (): void => {
      const m = process.memoryUsage();
      if (m.rss > rss) rss = m.rss;
      if (m.heapUsed > heap) heap = m.heapUsed;
    };
    sample();
    const timer = setInterval(sample, intervalMs);
    const t0 = nowNs();
    try {
      await body();
    } finally {
      clearInterval(timer);
    }
    durations.push(Number(nowNs() - t0) / 1e6);
    sample();
    rssPeak.push(rss);
    heapPeak.push(heap);
    gc();
    postGc.push(retainedBytes());
  }
  const slope = linearRegression(
    postGc.map((_, i) => i),
    postGc,
  );
  durations.sort((a, b) => a - b);
  const medianIterationMs = durations[Math.floor(durations.length / 2)]!;
  const perMinute = 60_000 / Math.max(medianIterationMs, 1e-6);
  return {
    rssPeakBytes: rssPeak,
    heapPeakBytes: heapPeak,
    postGcRetainedBytes: postGc,
    leakPerIteration: slope,
    leakBytesPerMinute: { slope: slope.slope * perMinute, lower: slope.lower * perMinute, upper: slope.upper * perMinute },
    medianIterationMs,
    callsPerIteration: calls,
  };
}
