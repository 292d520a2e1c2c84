// The memory suite's bench and workload: both int8 packs, the pipeline on embedded PGlite (or the
// run's server) with the sample + real-world evidence, and a verify cycle (verifyClaims on the same
// 8 claims), the call perf-tests/memory.perf.ts repeats for its steady RSS, leak slope and memlab
// snapshots.
import { defaultCacheDir } from '../../src/shared/paths.ts';
import type { Database } from '../../src/truthgraph/db/database.ts';
import { openEphemeralDatabase } from '../../src/truthgraph/db/testing.ts';
import { loadEmbedder, type Embedder } from '../../src/truthgraph/embedding/embedder.ts';
import { loadNli, type NliModel } from '../../src/truthgraph/nli/nli.ts';
import { loadRealWorldDataset, loadSampleDataset } from '../../src/truthgraph/pipeline/datasets.ts';
import { loadDatasetEvidence } from '../../src/truthgraph/pipeline/demo.ts';
import { createPipeline, type Pipeline } from '../../src/truthgraph/pipeline/runtime.ts';
import type { VerificationResult } from '../../src/truthgraph/pipeline/types.ts';
import type { NamedWorkload } from './named-workload.ts';

/** int8 packs: the throughput configuration (fp32 weights would add ~100 MB and 3x the time). */
export const MEMORY_VARIANT = 'int8';
/** Claims per verify cycle of the leak measurement (the same claims every cycle: a warm cache). */
export const CYCLE_CLAIMS = 8;

export interface MemoryBench {
  db: Database;
  embedder: Embedder;
  nli: NliModel;
  pipeline: Pipeline;
  /** `n` distinct claims from the fixture claim files (repeats get a numbered suffix). */
  claims(n: number): string[];
  evidenceCount: number;
  failedEvidence: unknown[];
  close(): Promise<void>;
}

/** n distinct claims from the fixture claim texts; repeats get a numbered suffix to stay distinct. */
export function claimSet(texts: readonly string[], n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i < texts.length ? texts[i]! : `${texts[i % texts.length]!} (case ${Math.floor(i / texts.length)})`));
}

export async function openMemoryBench(): Promise<MemoryBench> {
  const cacheDir = defaultCacheDir(process.env);
  const [sample, realWorld] = await Promise.all([loadSampleDataset(), loadRealWorldDataset()]);
  const [db, embedder, nli] = await Promise.all([
    openEphemeralDatabase(),
    loadEmbedder({ cacheDir, variant: MEMORY_VARIANT }),
    loadNli({ cacheDir, variant: MEMORY_VARIANT }),
  ]);
  const ingest = await loadDatasetEvidence(db, embedder, [sample, realWorld]);
  const pipeline = createPipeline({ db, embedder, nli });
  const texts = [...sample.claims, ...realWorld.claims].map((c) => c.text);
  return {
    db,
    embedder,
    nli,
    pipeline,
    claims: (n) => claimSet(texts, n),
    evidenceCount: sample.evidence.length + realWorld.evidence.length,
    failedEvidence: ingest.failed,
    close: async () => {
      await Promise.allSettled([db.close(), embedder.dispose(), nli.dispose()]);
    },
  };
}

/** The repeated call of the `verify cycle` metrics. */
export function verifyCycle(pipeline: Pipeline, claims: readonly string[]): () => Promise<VerificationResult[]> {
  return () => pipeline.verifier.verifyClaims(claims);
}

export function memoryWorkloads(): NamedWorkload[] {
  return [
    {
      suite: 'memory',
      metric: 'verify cycle',
      description: `a verify cycle: verifyClaims on the same ${CYCLE_CLAIMS} claims (${MEMORY_VARIANT} packs, claim cache on)`,
      async open() {
        const bench = await openMemoryBench();
        return { iteration: verifyCycle(bench.pipeline, bench.claims(CYCLE_CLAIMS)), itemsPerIteration: CYCLE_CLAIMS, unit: 'claims', close: bench.close };
      },
    },
  ];
}
