// Seed feature 2.6: database query shapes. Our batch repositories (src/truthgraph/db/repositories) against the
// naive one-query-per-item implementation (perf-tests/support/naive-repositories.ts, the N+1
// anti-pattern), side by side on the same embedded database in one run: round trips, statements,
// duplicate statements (exact, from db.measure) and latency (timing) for evidence fetch x20, NLI
// insert x20, embedding upsert x100 and verification detail reads.
// Floor (seed): -30% latency vs naive (speedup >= 1/0.7) and no N+1. Target (ours, advisory):
// >= 10x faster; round trips constant in batch size (asserted exactly for two sizes); zero duplicates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, loadSeedPassages } from '../src/truthgraph/corpus/generate.ts';
import type { Database } from '../src/truthgraph/db/database.ts';
import type { OperationStats } from '../src/truthgraph/db/instrumentation.ts';
import { openEphemeralDatabase } from '../src/truthgraph/db/testing.ts';
import { upsertEmbeddings, type EmbeddingRow } from '../src/truthgraph/db/repositories/embeddings.ts';
import { getEvidenceByIds, ingestEvidence } from '../src/truthgraph/db/repositories/evidence.ts';
import { getNliResultsForClaims, insertNliResults, type NliInput } from '../src/truthgraph/db/repositories/nli.ts';
import { getVerificationsForClaims, storeVerifications, type VerificationInput } from '../src/truthgraph/db/repositories/verifications.ts';
import { measure, perf, record, type MetricResult } from '../src/perf/suite/index.ts';
import { clusteredVectors } from '../src/truthgraph/search/synthetic-vectors.ts';
import { median } from '../src/perf/stats/descriptive.ts';
import {
  naiveGetEvidenceByIds,
  naiveInsertNliResults,
  naiveUpsertEmbeddings,
  naiveVerificationDetails,
} from './support/naive-repositories.ts';
import { markdownTable } from './support/markdown-table.ts';
import { recordDatabase } from './support/run-context.ts';

const SUITE = 'db-queries';
const CORPUS = 500;
const MODEL = { id: 'db-queries-synthetic-vectors', hash: 'clustered-seed-7' };
/** Claims with stored verifications (5 NLI rows each) for the detail reads. */
const DETAIL_CLAIMS = 20;
const NLI_PER_CLAIM = 5;
const TIMING = { quick: { minSamples: 8, maxSamples: 15, maxTimeMs: 1_500 }, maxTimeMs: 4_000, minSamples: 15, maxSamples: 60 };
/** Database latencies: at most 10% (the harness default is 5% for CPU-bound work). */
const DB_TOLERANCE = 0.1;

let db: Database;
let evidenceIds: string[];
let vectors: Float32Array[];
let claimIds: number[];
let nliClaimId: number;
const rows: Array<Record<string, string | number>> = [];

const nliRow = (evidenceId: string, i: number): NliInput => ({
  evidenceId,
  label: (['entailment', 'neutral', 'contradiction'] as const)[i % 3]!,
  entailment: 0.6,
  neutral: 0.3,
  contradiction: 0.1,
  modelId: 'db-queries-nli',
});

/** Our verification detail read: verifications, their NLI rows and the evidence, 3 statements for any N. */
async function verificationDetails(ids: readonly number[]) {
  const [verifications, nli] = await Promise.all([getVerificationsForClaims(db, ids), getNliResultsForClaims(db, ids)]);
  const evidence = await getEvidenceByIds(db, [...new Set(nli.map((n) => n.evidenceId))]);
  return { verifications, nli, evidence };
}

interface Shape {
  name: string;
  ours: (n: number) => Promise<unknown>;
  naive: (n: number) => Promise<unknown>;
  /** The batch size of the named operation, and a second size for the constant-round-trip check. */
  n: number;
  n2: number;
  /** Round trips of our implementation by design, for any batch size (the no-N+1 budget). */
  roundTrips: number;
}

const SHAPES: Shape[] = [
  {
    name: 'evidence fetch x20',
    n: 20,
    n2: 100,
    roundTrips: 1,
    ours: (n) => getEvidenceByIds(db, evidenceIds.slice(0, n)),
    naive: (n) => naiveGetEvidenceByIds(db, evidenceIds.slice(0, n)),
  },
  {
    name: 'NLI insert x20',
    n: 20,
    n2: 100,
    roundTrips: 1,
    ours: (n) => insertNliResults(db, nliClaimId, evidenceIds.slice(0, n).map(nliRow)),
    naive: (n) => naiveInsertNliResults(db, nliClaimId, evidenceIds.slice(0, n).map(nliRow)),
  },
  {
    name: 'embedding upsert x100',
    n: 100,
    n2: 500,
    roundTrips: 1,
    ours: (n) => upsertEmbeddings(db, 'evidence', MODEL, embeddingRows(n)),
    naive: (n) => naiveUpsertEmbeddings(db, 'evidence', MODEL, embeddingRows(n)),
  },
  {
    name: `verification detail read x${DETAIL_CLAIMS}`,
    n: DETAIL_CLAIMS,
    n2: 5,
    roundTrips: 3,
    ours: (n) => verificationDetails(claimIds.slice(0, n)),
    naive: (n) => naiveVerificationDetails(db, claimIds.slice(0, n)),
  },
];

function embeddingRows(n: number): EmbeddingRow[] {
  // Rotate the vectors so every upsert really rewrites its rows.
  return evidenceIds.slice(0, n).map((id, i) => ({ entityId: id, vector: vectors[(i + 1) % vectors.length]! }));
}

beforeAll(async () => {
  db = await openEphemeralDatabase();
  const corpus = generateCorpus(loadSeedPassages(), CORPUS, 42);
  vectors = clusteredVectors({ n: CORPUS, seed: 7 });
  const report = await ingestEvidence(
    db,
    corpus.items.map((p, i) => ({ evidence: { id: p.id, content: p.content, source: p.source, url: p.url, category: p.category }, embedding: vectors[i]! })),
    { model: MODEL },
  );
  expect(report.failed).toEqual([]);
  evidenceIds = corpus.items.map((p) => p.id);
  const inputs: VerificationInput[] = Array.from({ length: DETAIL_CLAIMS + 1 }, (_, c) => ({
    claim: { text: `db-queries claim ${c}` },
    verdict: 'SUPPORTED',
    confidence: 0.7,
    scores: { entailment: 0.7, neutral: 0.2, contradiction: 0.1 },
    counts: { evidence: NLI_PER_CLAIM, supporting: NLI_PER_CLAIM, refuting: 0, neutral: 0 },
    pipelineVersion: 'db-queries',
    retrievalMethod: 'exact',
    timings: {},
    nli: evidenceIds.slice(c * NLI_PER_CLAIM, (c + 1) * NLI_PER_CLAIM).map(nliRow),
  }));
  const stored = await storeVerifications(db, inputs);
  claimIds = stored.slice(0, DETAIL_CLAIMS).map((s) => s.claimId);
  nliClaimId = stored[DETAIL_CLAIMS]!.claimId;
  recordDatabase(db.engine);
  perf.context.addDataset({ name: `generated corpus ${CORPUS} (seed 42) + clustered vectors (seed 7)`, hash: `n${CORPUS}-s42-v7` });
});

afterAll(async () => {
  if (rows.length > 0) {
    const table = markdownTable(
      ['operation', 'impl', 'round trips', 'statements', 'duplicate statements', 'median ms', 'speedup vs naive'],
      rows.map((r) => [r.operation!, r.impl!, r.roundTrips!, r.statements!, r.duplicates!, r.medianMs!, r.speedup!]),
    );
    const markdown = `## Batch repositories vs naive N+1 (${db?.engine.engine ?? '?'})\n\n${table}\n`;
    perf.attach(SUITE, 'query-shapes', { rows }, markdown);
  }
  await db?.close();
});

async function stats(name: string, fn: () => Promise<unknown>): Promise<OperationStats> {
  return (await db.measure(name, fn)).stats;
}
const statementCount = (s: OperationStats): number => s.statements.reduce((a, x) => a + x.count, 0);
const duplicateCount = (s: OperationStats): number => s.repeated.reduce((a, x) => a + x.count - 1, 0);

describe('db queries: batch repositories vs naive N+1', () => {
  for (const shape of SHAPES) {
    it(shape.name, async () => {
      // Exact query shapes, from the instrumentation.
      const ours = await stats(`ours ${shape.name}`, () => shape.ours(shape.n));
      const ours2 = await stats(`ours ${shape.name} (n=${shape.n2})`, () => shape.ours(shape.n2));
      const naive = await stats(`naive ${shape.name}`, () => shape.naive(shape.n));

      // Exact metrics first, judged by the harness (a broken shape is a BUDGET-FAIL, exit 1):
      // round trips equal to the design constant at two batch sizes (constant in batch size) and
      // zero statements repeated inside the operation (no N+1).
      const exact = (metric: string, value: number, max?: number, source = 'seed 2.6: no N+1'): MetricResult =>
        record(`${shape.name}: ${metric}`, value, { unit: 'count', direction: 'lower', ...(max !== undefined && { budget: { max, source } }) });
      const constant = `ours: ${shape.roundTrips} round trip(s) whatever the batch size`;
      const shapeMetrics = [
        exact('ours round trips', ours.roundTrips, shape.roundTrips, constant),
        exact(`ours round trips at n=${shape.n2}`, ours2.roundTrips, shape.roundTrips, constant),
        exact('ours duplicate statements', duplicateCount(ours), 0),
        exact(`ours duplicate statements at n=${shape.n2}`, duplicateCount(ours2), 0),
      ];
      exact('ours statements', statementCount(ours));
      exact('naive round trips', naive.roundTrips);
      exact('naive duplicate statements', duplicateCount(naive));
      expect(shapeMetrics).toMeetBudget();
      expect(ours2.roundTrips, `round trips at n=${shape.n2} vs n=${shape.n}`).toBe(ours.roundTrips);
      // The naive reference really is N+1 (otherwise the comparison means nothing).
      expect(naive.roundTrips).toBeGreaterThanOrEqual(shape.n);

      // Latency, side by side in the same run on the same data. Database latencies: 10% (wall clock
      // through the embedded server's socket moves more between samples than CPU-bound work).
      const oursT = await measure(`${shape.name}: ours latency`, () => shape.ours(shape.n), { ...TIMING, iterationsPerSample: 1, tolerance: DB_TOLERANCE });
      const naiveT = await measure(`${shape.name}: naive latency`, () => shape.naive(shape.n), { ...TIMING, iterationsPerSample: 1, tolerance: DB_TOLERANCE });
      const naiveMedian = median(naiveT.samples);
      // Speedup samples: naive median / each of our samples (a distribution, judged statistically).
      const speedup = record(`${shape.name}: speedup vs naive`, oursT.samples.map((ms) => naiveMedian / ms), {
        unit: 'x',
        direction: 'higher',
        kind: 'timing',
        // Judged on its budget only: regressions are judged on the two latencies it is made of. The
        // speedup of one run is a ratio to one naive median, so between runs it swings with machine
        // load (measured 27x vs 50x on the same code); as a baseline comparison it meant nothing.
        judge: 'budget-only',
        budget: { min: 1 / 0.7, statistic: 'median', source: 'seed floor 2.6: -30% latency vs naive' },
        target: { min: 10, source: 'ours: >= 10x faster than naive' },
      });
      expect(speedup).toMeetBudget();
      expect([oursT, naiveT, speedup]).not.toRegress();

      const ms = (r: MetricResult): number => Number(median(r.samples).toPrecision(3));
      rows.push(
        { operation: shape.name, impl: 'ours', roundTrips: ours.roundTrips, statements: statementCount(ours), duplicates: duplicateCount(ours), medianMs: ms(oursT), speedup: Number(median(speedup.samples).toPrecision(3)) },
        { operation: shape.name, impl: 'naive (N+1)', roundTrips: naive.roundTrips, statements: statementCount(naive), duplicates: duplicateCount(naive), medianMs: ms(naiveT), speedup: 1 },
      );
    });
  }
});
