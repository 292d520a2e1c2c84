// The pipeline suite's bench and workloads: embedded PGlite (or the run's server) with the fixture
// evidence ingested, int8 packs, the pipeline with the claim cache off; one iteration verifies one
// claim (`claim latency`) or a batch of claims (`batch throughput (N claims)`), the calls
// perf-tests/pipeline.perf.ts times.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATASET_DIR, defaultCacheDir } from '../../src/shared/paths.ts';
import type { Database } from '../../src/truthgraph/db/database.ts';
import { openEphemeralDatabase } from '../../src/truthgraph/db/testing.ts';
import { loadEmbedder, type Embedder } from '../../src/truthgraph/embedding/embedder.ts';
import { loadNli, type NliModel } from '../../src/truthgraph/nli/nli.ts';
import { loadEdgeCaseDataset, loadRealWorldDataset, loadSampleDataset, type Dataset } from '../../src/truthgraph/pipeline/datasets.ts';
import { loadDatasetEvidence } from '../../src/truthgraph/pipeline/demo.ts';
import { createPipeline, type Pipeline } from '../../src/truthgraph/pipeline/runtime.ts';
import type { VerificationResult } from '../../src/truthgraph/pipeline/types.ts';
import type { NamedWorkload } from './named-workload.ts';

export const PIPELINE_EDGE_SETS = ['adversarial_examples', 'ambiguous_evidence', 'contradictory_evidence', 'insufficient_evidence', 'short_claims', 'special_characters'];
/** Claims per throughput batch: full profile and quick profile. */
export const PIPELINE_BATCHES = [100, 16] as const;

export interface PipelineBench {
  db: Database;
  embedder: Embedder;
  nli: NliModel;
  pipeline: Pipeline;
  /** test_claims + real_world_claims, in file order. */
  sampleClaims: string[];
  /** Every distinct claim text of the fixtures (sample, real world, edge cases). */
  uniqueClaims: string[];
  /** Evidence documents that failed to ingest (expected: none). */
  failedEvidence: unknown[];
  close(): Promise<void>;
}

export async function openPipelineBench(): Promise<PipelineBench> {
  const cacheDir = defaultCacheDir(process.env);
  const [db, embedder, nli, sample, realWorld, ...edges] = await Promise.all([
    openEphemeralDatabase(),
    loadEmbedder({ cacheDir, variant: 'int8' }),
    loadNli({ cacheDir, variant: 'int8' }),
    loadSampleDataset(),
    loadRealWorldDataset(),
    ...PIPELINE_EDGE_SETS.map((name) => loadEdgeCaseDataset(name)),
  ]);
  const datasets: Dataset[] = [sample, realWorld, ...edges];
  const report = await loadDatasetEvidence(db, embedder, datasets);
  const pipeline = createPipeline({ db, embedder, nli }, { cacheSize: 0 });
  await pipeline.requireEvidence();
  const sampleClaims = [...sample.claims, ...realWorld.claims].map((c) => c.text);
  const { claims: edgeClaims } = JSON.parse(readFileSync(path.join(DATASET_DIR, 'edge_case_claims.json'), 'utf8')) as { claims: Array<{ text: string }> };
  const uniqueClaims = [...new Set([...sampleClaims, ...edgeClaims.map((c) => c.text), ...edges.flatMap((d) => d.claims.map((c) => c.text))])];
  const close = async (): Promise<void> => {
    await Promise.allSettled([db.close(), embedder.dispose(), nli.dispose()]);
  };
  return { db, embedder, nli, pipeline, sampleClaims, uniqueClaims, failedEvidence: report.failed, close };
}

/** The timed call of `claim latency`: the next sample claim, round robin. */
export function verifyNextClaim(pipeline: Pipeline, claims: readonly string[]): () => Promise<VerificationResult> {
  let next = 0;
  return () => pipeline.verifier.verifyClaim(claims[next++ % claims.length]!);
}

/** The timed call of `batch throughput (N claims)`. */
export function verifyClaimBatch(pipeline: Pipeline, claims: readonly string[]): () => Promise<VerificationResult[]> {
  return () => pipeline.verifier.verifyClaims(claims);
}

export const batchMetricName = (claims: number): string => `batch throughput (${claims} claims)`;

export function pipelineWorkloads(): NamedWorkload[] {
  const batch = (n: number): NamedWorkload => ({
    suite: 'pipeline',
    metric: batchMetricName(n),
    description: `verifyClaims on ${n} distinct fixture claims (int8 packs, k 10, claim cache off)`,
    async open() {
      const bench = await openPipelineBench();
      return { iteration: verifyClaimBatch(bench.pipeline, bench.uniqueClaims.slice(0, n)), itemsPerIteration: n, unit: 'claims', close: bench.close };
    },
  });
  return [
    batch(PIPELINE_BATCHES[0]),
    batch(PIPELINE_BATCHES[1]),
    {
      suite: 'pipeline',
      metric: 'claim latency',
      description: 'verifyClaim on the sample claims in turn (int8 packs, k 10, claim cache off)',
      async open() {
        const bench = await openPipelineBench();
        return { iteration: verifyNextClaim(bench.pipeline, bench.sampleClaims), itemsPerIteration: 1, unit: 'claims', close: bench.close };
      },
    },
  ];
}
