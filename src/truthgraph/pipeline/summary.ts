// A batch run in numbers: counts per verdict, throughput, latency percentiles, stage totals. Pure.
import { percentiles } from '../../perf/stats/index.ts';
import type { Verdict } from '../aggregation/index.ts';
import type { PackUse, StageTimings, VerificationResult } from './types.ts';

export interface RunSummary {
  claims: number;
  verdicts: Record<Verdict, number>;
  conflicts: number;
  truncated: number;
  /** Claims per second over the wall time of the whole run. */
  throughput: number;
  wallMs: number;
  /** Per-claim latency = wall time of the batch the claim was in (what a caller waited). */
  latencyMs: { p50: number; p95: number; max: number };
  /** Sum of each stage over distinct batches (with concurrency > 1 batches overlap, so this can exceed wallMs). */
  stageMs: StageTimings;
  batches: number;
  embeddingCacheHits: number;
  engine: string;
  packs: { embedder: PackUse; nli: PackUse } | null;
  synthetic: boolean;
}

export function summariseRun(results: readonly VerificationResult[], wallMs: number): RunSummary {
  const verdicts: Record<Verdict, number> = { SUPPORTED: 0, REFUTED: 0, INSUFFICIENT: 0 };
  const stageMs: StageTimings = { embed: 0, retrieve: 0, nli: 0, aggregate: 0, store: 0, total: 0 };
  const batches = new Set<StageTimings>();
  for (const r of results) {
    verdicts[r.verdict] += 1;
    batches.add(r.timings); // one timings object per batch
  }
  for (const t of batches) for (const key of Object.keys(stageMs) as (keyof StageTimings)[]) stageMs[key] += t[key];
  const latencies = results.map((r) => r.timings.total);
  const [p50, p95] = latencies.length > 0 ? percentiles(latencies, [50, 95]) : [0, 0];
  const first = results[0];
  return {
    claims: results.length,
    verdicts,
    conflicts: results.filter((r) => r.conflict).length,
    truncated: results.filter((r) => r.truncated).length,
    throughput: wallMs > 0 ? results.length / (wallMs / 1000) : 0,
    wallMs,
    latencyMs: { p50: p50 ?? 0, p95: p95 ?? 0, max: latencies.length > 0 ? Math.max(...latencies) : 0 },
    stageMs,
    batches: batches.size,
    embeddingCacheHits: results.filter((r) => r.embeddingCacheHit).length,
    engine: first?.engine ?? 'unknown',
    packs: first?.packs ?? null,
    synthetic: results.some((r) => r.synthetic),
  };
}
