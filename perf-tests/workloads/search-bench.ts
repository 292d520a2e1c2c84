// Reusable measurement helpers for the perf suites: search latency samples (one query per sample,
// as a user would issue it) with recall against exact search, and timed evidence ingest.
import type { Database } from '../../src/truthgraph/db/database.ts';
import { ingestEvidence, type IngestItem, type IngestReport } from '../../src/truthgraph/db/repositories/evidence.ts';
import { quantile } from '../../src/perf/stats/descriptive.ts';
import { meanRecallAtK } from '../../src/truthgraph/search/recall.ts';
import { searchMany, type SearchOptions } from '../../src/truthgraph/search/vector-search.ts';

export interface SearchBench {
  mode: SearchOptions['mode'];
  k: number;
  /** Wall time per query in ms, in run order (raw samples are the contract). */
  samplesMs: number[];
  p50Ms: number;
  p95Ms: number;
  /** Mean recall@k against exact search over the same queries. */
  recallAtK: number;
  roundTripsPerQuery: number;
}

export async function benchSearch(
  db: Database,
  queries: readonly Float32Array[],
  options: SearchOptions,
  bench: { warmup?: number; exactIds?: readonly (readonly string[])[] } = {},
): Promise<SearchBench> {
  const warmup = bench.warmup ?? Math.min(10, queries.length);
  for (let i = 0; i < warmup; i++) await searchMany(db, [queries[i % queries.length]!], options);
  const exactIds = bench.exactIds ?? (await searchMany(db, queries, { ...options, mode: 'exact' })).map((hits) => hits.map((h) => h.evidenceId));
  const samplesMs: number[] = [];
  const found: string[][] = [];
  let roundTrips = 0;
  for (const q of queries) {
    const t = performance.now();
    const { value, stats } = await db.measure('bench-search', () => searchMany(db, [q], options));
    samplesMs.push(performance.now() - t);
    roundTrips += stats.roundTrips;
    found.push(value[0]!.map((h) => h.evidenceId));
  }
  return {
    mode: options.mode,
    k: options.k,
    samplesMs,
    p50Ms: quantile(samplesMs, 0.5),
    p95Ms: quantile(samplesMs, 0.95),
    recallAtK: meanRecallAtK(exactIds, found, options.k),
    roundTripsPerQuery: roundTrips / queries.length,
  };
}

export async function benchIngest(
  db: Database,
  items: readonly IngestItem[],
  options: Parameters<typeof ingestEvidence>[2],
): Promise<{ report: IngestReport; ms: number; rowsPerSecond: number }> {
  const t = performance.now();
  const report = await ingestEvidence(db, items, options);
  const ms = performance.now() - t;
  return { report, ms, rowsPerSecond: (report.written / ms) * 1000 };
}
