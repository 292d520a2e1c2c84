// Timing measurement: warm-up, batching of fast functions so each sample is long enough for the
// clock, repeated samples on the monotonic clock, adaptive stopping (CI tight enough, sample cap
// or time cap), an empty-function baseline and an overhead estimate.
import os from 'node:os';
import { bootstrapMedianCi, median } from '../stats/index.ts';
import { nowNs, timerResolutionNs } from './clock.ts';

export type Workload = () => unknown;

export interface TimingOptions {
  /** Warm-up duration before sampling (default 200 ms, at least 2 calls). */
  warmupMs?: number;
  minSamples?: number;
  maxSamples?: number;
  /** Time cap of the sampling phase (default 10 s). */
  maxTimeMs?: number;
  /** Stop once the 95% CI half-width of the median is within this fraction (default 0.01). */
  targetPrecision?: number;
  /**
   * Sample for at least this long before the precision target may stop sampling (default 1 s),
   * so that a baseline or a run is spread over time rather than taken inside one burst of load.
   */
  minTimeMs?: number;
  /** Batch calls so that one sample lasts at least this long (default 10 ms). */
  minSampleMs?: number;
  /** Fix the calls per sample (1 gives a per-call latency distribution). */
  iterationsPerSample?: number;
  /**
   * Which clock the samples use. `wall`: elapsed monotonic time (process.hrtime.bigint).
   * `cpu`: CPU time the process consumed during the sample (process.cpuUsage), which does not
   * count time the process was preempted by other processes: on an oversubscribed machine it is
   * stable where wall time swings 2-4x. `auto` (default): cpu for synchronous workloads (pure
   * CPU work), wall for async ones (they wait on I/O, other processes or worker threads).
   */
  clock?: 'auto' | 'wall' | 'cpu';
}

export type Clock = 'wall' | 'cpu';

export type StopReason = 'precision' | 'max-samples' | 'time-cap' | 'paired';

export interface TimingResult {
  /** ns per call on `clock`, one value per sample. */
  samplesNs: number[];
  clock: Clock;
  /** Wall-clock ns per call, one value per sample (whatever `clock` is). */
  wallNs: number[];
  /** Process CPU ns per call, one value per sample (whatever `clock` is). */
  cpuNs: number[];
  /** Median of CPU time / wall time per sample: ~1 for uncontended sync work, lower when preempted. */
  cpuShare: number;
  iterationsPerSample: number;
  stoppedBy: StopReason;
  timerResolutionNs: number;
  /** ns per call of an empty function timed the same way. */
  emptyNsPerCall: number;
  /** Fraction of a sample's timed region spent in the harness loop rather than the work. */
  timedOverhead: number;
  /** Fraction of wall time of the sampling phase spent outside timed regions (checks, bookkeeping). */
  wallOverhead: number;
  warnings: string[];
}

const DEFAULTS = { warmupMs: 200, minSamples: 20, maxSamples: 100, maxTimeMs: 10_000, targetPrecision: 0.01, minSampleMs: 10, minTimeMs: 1_000 };

interface BatchTime {
  wallNs: number;
  cpuNs: number;
}

/**
 * Times `iterations` calls in one timed region; awaits only when the workload is async. The CPU
 * reading brackets the wall reading (~1 us outside the timed region).
 */
async function timeBatch(fn: Workload, iterations: number, isAsync: boolean): Promise<BatchTime> {
  const c0 = process.cpuUsage();
  const t0 = nowNs();
  if (isAsync) for (let i = 0; i < iterations; i++) await fn();
  else for (let i = 0; i < iterations; i++) fn();
  const wallNs = Number(nowNs() - t0);
  const c = process.cpuUsage(c0);
  return { wallNs, cpuNs: (c.user + c.system) * 1000 };
}

const noop = (): void => {};

/** A stateful sampler, so a comparison can ask for more samples of the same warmed-up workload. */
export class TimingSampler {
  private readonly options: typeof DEFAULTS & Pick<TimingOptions, 'iterationsPerSample' | 'clock'>;
  private isAsync = false;
  private iterations = 1;
  private resolution = 0;
  private emptyNsPerCall = 0;
  private readonly samples: number[] = [];
  private readonly wall: number[] = [];
  private readonly cpu: number[] = [];
  private readonly shares: number[] = [];
  private clock: Clock = 'wall';
  private timedNs = 0;
  private wallNs = 0;
  private stoppedBy: StopReason = 'max-samples';
  private prepared = false;

  constructor(
    private readonly fn: Workload,
    options: TimingOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /**
   * Warm-up, batch size and the empty-function baseline. `aligned` fixes the warm-up calls and
   * the calls per sample (A/B mode: the other side's counts, so both sides make the same calls and
   * a workload that cycles through inputs compares the same input in each pair).
   */
  async prepare(aligned?: { warmupCalls?: number; iterations?: number }): Promise<{ warmupCalls: number; iterations: number }> {
    const { warmupMs, minSampleMs } = this.options;
    this.resolution = timerResolutionNs();
    const first = this.fn();
    this.isAsync = typeof (first as { then?: unknown } | undefined)?.then === 'function';
    if (this.isAsync) await first;
    let calls = 1;
    const t0 = nowNs();
    const deadline = t0 + BigInt(Math.round(warmupMs * 1e6));
    let spent = 0n;
    const more = (): boolean => (aligned?.warmupCalls !== undefined ? calls < aligned.warmupCalls : calls < 2 || nowNs() < deadline);
    while (more()) {
      const s = nowNs();
      if (this.isAsync) await this.fn();
      else this.fn();
      spent += nowNs() - s;
      calls++;
    }
    const perCall = calls > 1 ? Number(spent) / (calls - 1) : 1;
    this.iterations = aligned?.iterations ?? this.options.iterationsPerSample ?? Math.max(1, Math.ceil((minSampleMs * 1e6) / Math.max(perCall, 1)));
    // Empty-function baseline: the loop and clock cost the harness adds to every sample.
    const empties: number[] = [];
    for (let i = 0; i < 5; i++) empties.push((await timeBatch(noop, this.iterations, this.isAsync)).wallNs / this.iterations);
    const clock = this.options.clock ?? 'auto';
    this.clock = clock === 'auto' ? (this.isAsync ? 'wall' : 'cpu') : clock;
    this.emptyNsPerCall = median(empties);
    this.prepared = true;
    return { warmupCalls: calls, iterations: this.iterations };
  }

  /** One sample (A/B mode: the conductor decides when); returns the batch's wall and CPU ns. */
  async takeSample(): Promise<{ wallNs: number; cpuNs: number; iterations: number; clock: Clock }> {
    if (!this.prepared) await this.prepare();
    const t = await timeBatch(this.fn, this.iterations, this.isAsync);
    this.samples.push((this.clock === 'cpu' ? t.cpuNs : t.wallNs) / this.iterations);
    this.wall.push(t.wallNs / this.iterations);
    this.cpu.push(t.cpuNs / this.iterations);
    this.shares.push(t.wallNs > 0 ? t.cpuNs / t.wallNs : 1);
    this.timedNs += t.wallNs;
    this.wallNs += t.wallNs;
    this.stoppedBy = 'paired';
    return { ...t, iterations: this.iterations, clock: this.clock };
  }

  /**
   * Take samples until `minSamples` more are taken and the precision target is met, or the
   * sample / time caps are hit. Call again to extend (re-sampling keeps earlier samples).
   */
  async collect(overrides: Partial<Pick<TimingOptions, 'minSamples' | 'maxSamples' | 'maxTimeMs' | 'targetPrecision' | 'minTimeMs'>> = {}): Promise<TimingResult> {
    if (!this.prepared) await this.prepare();
    const { minSamples, maxSamples, maxTimeMs, targetPrecision, minTimeMs } = { ...this.options, ...overrides };
    const start = this.samples.length;
    const phaseStart = nowNs();
    const earliestStop = phaseStart + BigInt(Math.round(minTimeMs * 1e6));
    const deadline = phaseStart + BigInt(Math.round(maxTimeMs * 1e6));
    let timedThisPhase = 0;
    this.stoppedBy = 'max-samples';
    while (this.samples.length - start < maxSamples) {
      const t = await timeBatch(this.fn, this.iterations, this.isAsync);
      timedThisPhase += t.wallNs;
      this.samples.push((this.clock === 'cpu' ? t.cpuNs : t.wallNs) / this.iterations);
      this.wall.push(t.wallNs / this.iterations);
      this.cpu.push(t.cpuNs / this.iterations);
      this.shares.push(t.wallNs > 0 ? t.cpuNs / t.wallNs : 1);
      const taken = this.samples.length - start;
      if (taken >= minSamples && taken % 5 === 0 && nowNs() >= earliestStop && this.precisionReached(targetPrecision)) {
        this.stoppedBy = 'precision';
        break;
      }
      if (nowNs() >= deadline && taken >= Math.min(minSamples, 5)) {
        this.stoppedBy = 'time-cap';
        break;
      }
    }
    this.timedNs += timedThisPhase;
    this.wallNs += Number(nowNs() - phaseStart);
    return this.result();
  }

  /** The clock in use (`auto` resolved after the first call). */
  resolvedClock(): Clock {
    return this.clock;
  }

  private precisionReached(target: number): boolean {
    const ci = bootstrapMedianCi(this.samples, { resamples: 200, seed: this.samples.length });
    return (ci.upper - ci.lower) / 2 <= target * Math.abs(ci.estimate);
  }

  result(): TimingResult {
    const wallMed = median(this.wall);
    const cpuShare = median(this.shares);
    const warnings: string[] = [];
    const sampleNs = wallMed * this.iterations;
    if (this.clock === 'wall' && !this.isAsync && cpuShare < 0.8) {
      warnings.push(`contended: the process ran ${(cpuShare * 100).toFixed(0)}% of the wall time (other processes); prefer clock 'cpu' for CPU-bound work`);
    }
    const load = os.loadavg()[0]!;
    const cpus = os.cpus().length;
    if (this.clock === 'wall' && load > cpus) {
      warnings.push(`machine oversubscribed: load average ${load.toFixed(1)} on ${cpus} CPUs; wall-clock figures are inflated`);
    }
    if (wallMed < 10 * this.emptyNsPerCall) {
      warnings.push(`within 10x of an empty function (${wallMed.toFixed(1)} vs ${this.emptyNsPerCall.toFixed(1)} ns/call): likely optimised out`);
    }
    if (sampleNs < 100 * this.resolution) {
      warnings.push(`sample of ${sampleNs.toFixed(0)} ns is within 100x of the timer resolution (${this.resolution} ns)`);
    }
    return {
      samplesNs: [...this.samples],
      clock: this.clock,
      wallNs: [...this.wall],
      cpuNs: [...this.cpu],
      cpuShare,
      iterationsPerSample: this.iterations,
      stoppedBy: this.stoppedBy,
      timerResolutionNs: this.resolution,
      emptyNsPerCall: this.emptyNsPerCall,
      timedOverhead: wallMed > 0 ? this.emptyNsPerCall / wallMed : Number.NaN,
      wallOverhead: this.wallNs > 0 ? Math.max(0, this.wallNs - this.timedNs) / this.wallNs : 0,
      warnings,
    };
  }
}

export async function measureTiming(fn: Workload, options: TimingOptions = {}): Promise<TimingResult> {
  return new TimingSampler(fn, options).collect();
}
