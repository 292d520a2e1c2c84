// Seed feature 2.4: the verification pipeline end to end (claim -> embed -> retrieve -> NLI ->
// aggregate -> store) on the real code path: synthetic int8 packs (verdicts measure cost, not truth)
// and embedded PGlite with the fixture evidence ingested. Measures per-claim latency with its stage
// breakdown on the sample claims (test_claims + real_world_claims), throughput for a batch of 100
// unique claims, and query round trips per claim (exact, independent of k). Attaches the bottleneck
// table (share of each stage) to the run's reports (perf.attach).
// Floor (seed): < 60 s per claim. Targets (ours, advisory): p95 < 150 ms per claim; >= 15 claims/s.
// Pipeline options are the defaults users run (k 10, exact retrieval, batch 32, concurrency 2), with
// the claim-embedding cache off so repeated samples do the full work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/truthgraph/db/database.ts';
import type { Embedder } from '../src/truthgraph/embedding/embedder.ts';
import { measure, perf, record } from '../src/perf/suite/index.ts';
import type { NliModel } from '../src/truthgraph/nli/nli.ts';
import type { Pipeline } from '../src/truthgraph/pipeline/runtime.ts';
import type { StageTimings } from '../src/truthgraph/pipeline/types.ts';
import { mean, quantile } from '../src/perf/stats/descriptive.ts';
import { markdownTable } from './support/markdown-table.ts';
import { recordDatabase, recordFixture, recordPack } from './support/run-context.ts';
import { batchVsNliCeiling, claimVsStagesAlone } from './workloads/pipeline-ceiling.ts';
import { batchMetricName, openPipelineBench, PIPELINE_BATCHES, PIPELINE_EDGE_SETS, verifyClaimBatch, verifyNextClaim, type PipelineBench } from './workloads/pipeline-workload.ts';

const SUITE = 'pipeline';
const STAGES = ['embed', 'retrieve', 'nli', 'aggregate', 'store'] as const;
/** Claims per throughput batch (quick: 16, two samples: a smoke check of the batch path). */
const BATCH = perf.quick ? PIPELINE_BATCHES[1] : PIPELINE_BATCHES[0];
/** Stage timings must add up to the total within this bound (the rest is result assembly). */
const COVERAGE_BOUND = 0.05;
const EDGE_SETS = PIPELINE_EDGE_SETS;

let bench: PipelineBench | undefined;
let db: Database;
let embedder: Embedder;
let nli: NliModel;
let pipeline: Pipeline;
let sampleClaims: string[];
let batchClaims: string[];
/** Round trips of one verification of one claim (set by the round-trip test). */
let roundTripsPerClaim: number | undefined;
const perClaim: StageTimings[] = [];
const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

beforeAll(async () => {
  // The bench of the named workloads (`npx truthgraph perf profile pipeline` opens the same).
  bench = await openPipelineBench();
  ({ db, embedder, nli, pipeline, sampleClaims } = bench);
  expect(bench.failedEvidence).toEqual([]);
  const unique = bench.uniqueClaims;
  expect(unique.length).toBeGreaterThanOrEqual(BATCH);
  batchClaims = unique.slice(0, BATCH);

  recordPack(embedder.pack);
  recordPack(nli.pack);
  recordDatabase(db.engine);
  for (const f of ['test_claims.json', 'sample_evidence.json', 'real_world_claims.json', 'real_world_evidence.json', 'edge_case_claims.json', ...EDGE_SETS.map((n) => `edge_cases/${n}.json`)]) {
    recordFixture(f);
  }
});

afterAll(async () => {
  if (perClaim.length > 0) writeBottlenecks();
  await bench?.close();
});

function writeBottlenecks(): void {
  const total = mean(perClaim.map((t) => t.total));
  const rows = STAGES.map((s) => {
    const xs = perClaim.map((t) => t[s]);
    return { stage: s, meanMs: round(mean(xs)), p50Ms: round(quantile(xs, 0.5)), p95Ms: round(quantile(xs, 0.95)), share: round(mean(xs) / total, 3) };
  });
  const other = total - STAGES.reduce((a, s) => a + mean(perClaim.map((t) => t[s])), 0);
  const ranked = [...rows].sort((a, b) => b.share - a.share);
  const synthetic = embedder.pack.synthetic || nli.pack.synthetic ? ' (synthetic packs: cost, not truth)' : '';
  const markdown = [
    `# Pipeline bottlenecks per claim (${perClaim.length} single-claim verifications; ${embedder.pack.id} + ${nli.pack.id} ${nli.pack.variant}${synthetic}; ${db.engine.engine} ${db.engine.postgresVersion})`,
    markdownTable(
      ['stage', 'mean ms', 'p50 ms', 'p95 ms', 'share of total'],
      [...ranked.map((r) => [r.stage, r.meanMs, r.p50Ms, r.p95Ms, `${round(r.share * 100)}%`]), ['(unattributed)', round(other), '', '', `${round((other / total) * 100)}%`], ['total', round(total), round(quantile(perClaim.map((t) => t.total), 0.5)), round(quantile(perClaim.map((t) => t.total), 0.95)), '100%']],
    ),
    `Bottleneck: **${ranked[0]!.stage}** (${round(ranked[0]!.share * 100)}% of the per-claim time).`,
  ].join('\n\n');
  perf.attach(SUITE, 'bottlenecks', { claims: perClaim.length, stages: rows, unattributedMs: other, totalMeanMs: total }, `${markdown}\n`);
}

describe('pipeline end to end', () => {
  it('latency per claim with stage breakdown', async () => {
    const verifyNext = verifyNextClaim(pipeline, sampleClaims);
    const result = await measure(
      'claim latency',
      async () => {
        const r = await verifyNext();
        perClaim.push(r.timings);
      },
      {
        iterationsPerSample: 1,
        warmupMs: 500,
        minSamples: sampleClaims.length,
        maxSamples: 2 * sampleClaims.length,
        maxTimeMs: 20_000,
        tolerance: 0.1,
        quick: { warmupMs: 200, minSamples: 12, maxSamples: 12, maxTimeMs: 3_000 },
        budget: { max: 60_000, statistic: 'p95', source: 'seed floor 2.4: < 60 s per claim' },
        target: { max: 150, statistic: 'p95', source: 'ours: p95 < 150 ms per claim' },
      },
    );
    expect(result).toMeetBudget();
    expect(result).not.toRegress();

    // Stage breakdown: one timing metric per stage, from the same verifications.
    // Stages are the breakdown (the bottleneck table); the claim latency above is the gated total.
    // Judged against the baseline they were false alarms: the ~6 ms store stage moved +21% between
    // two A/A full runs (wall clock on the embedded server, shared host).
    const stages = STAGES.map((s) => record(`claim stage ${s}`, perClaim.map((t) => t[s]), { unit: 'ms', direction: 'lower', kind: 'timing', judge: 'budget-only' }));
    expect(stages).not.toRegress();

    // The stages add up to the total within the stated bound (exact-ish: the gap is result assembly).
    const coverage = perClaim.map((t) => STAGES.reduce((a, s) => a + t[s], 0) / t.total);
    for (const c of coverage) expect(c).toBeLessThanOrEqual(1 + 1e-9);
    const sumStages = perClaim.reduce((a, t) => a + STAGES.reduce((b, s) => b + t[s], 0), 0);
    const sumTotal = perClaim.reduce((a, t) => a + t.total, 0);
    expect(sumStages / sumTotal).toBeGreaterThanOrEqual(1 - COVERAGE_BOUND);
    const covered = record('claim stages / total', coverage, {
      unit: 'ratio',
      direction: 'higher',
      kind: 'timing',
      tolerance: COVERAGE_BOUND,
      budget: { min: 1 - COVERAGE_BOUND, statistic: 'median', source: `stage timings add up to the total within ${COVERAGE_BOUND * 100}%` },
    });
    expect(covered).toMeetBudget();
  });

  it('query round trips per claim are fixed, independent of k', async () => {
    const claim = sampleClaims[0]!;
    const at = async (k: number) => (await db.measure(`verify k=${k}`, () => pipeline.verifier.verifyClaim(claim, { k }))).stats;
    await at(10); // settle per-connection session settings
    const [k5, k10, k20] = [await at(5), await at(10), await at(20)];
    // Recorded and judged by the harness first (a change is a BUDGET-FAIL / REGRESSED, exit 1).
    const design = { max: 2, source: 'ours: one search statement + one store statement per batch, whatever k' };
    const rt = record('round trips per claim', k10.roundTrips, { unit: 'count', direction: 'lower', budget: design });
    const rtK5 = record('round trips per claim at k=5', k5.roundTrips, { unit: 'count', direction: 'lower', budget: design });
    const rtK20 = record('round trips per claim at k=20', k20.roundTrips, { unit: 'count', direction: 'lower', budget: design });
    const statements = record('statements per claim', k10.statements.length, { unit: 'count', direction: 'lower' });
    const dupes = record('duplicate statements per claim', k10.repeated.length, { unit: 'count', direction: 'lower', budget: { max: 0, source: 'no N+1' } });
    expect([rt, rtK5, rtK20, dupes]).toMeetBudget();
    expect([rt, rtK5, rtK20, statements, dupes]).not.toRegress();
    expect(k5.roundTrips).toBe(k10.roundTrips);
    expect(k20.roundTrips).toBe(k10.roundTrips);
    roundTripsPerClaim = k10.roundTrips;
  });

  it(`batch throughput (${BATCH} claims) and its share of the NLI-bound ceiling`, async () => {
    // Paired rounds: the pipeline on the batch, then its NLI stage alone on the same pairs in the same
    // calls (every other round the other way round), so each ratio compares two runs seconds apart,
    // whatever the host does. Every pipeline call is instrumented (negligible cost): the round trips
    // of a batch come from the same runs.
    const batchRoundTrips: number[] = [];
    const verifyBatch = async (): Promise<void> => {
      const { stats } = await db.measure('verify batch', verifyClaimBatch(pipeline, batchClaims));
      batchRoundTrips.push(stats.roundTrips);
    };
    const r = await batchVsNliCeiling(pipeline, batchClaims, perf.quick ? 2 : 4, verifyBatch);
    const result = record(batchMetricName(BATCH), r.pipelineMs.map((ms) => (BATCH * 1000) / ms), {
      unit: 'claims/s',
      direction: 'higher',
      kind: 'timing',
      tolerance: 0.1,
      budget: { min: 1 / 60, statistic: 'median', source: 'seed floor 2.4: < 60 s per claim' },
      target: { min: 15, source: 'ours: >= 15 claims/s in batches' },
    });
    const share = record(`batch of ${BATCH}: share of the NLI-bound ceiling`, r.fractions, {
      unit: 'ratio',
      direction: 'higher',
      kind: 'timing',
      tolerance: 0.1,
      target: { min: 0.9, source: `ours: batch throughput >= 0.9 of its NLI stage alone on the same ${r.pairs} pairs` },
    });
    expect(result).toMeetBudget();
    expect([result, share]).not.toRegress();

    // Round trips per batch: one search + one store per pipeline batch, exactly, in every run.
    const pipelineBatches = Math.ceil(BATCH / pipeline.verifier.options.batchSize);
    expect(new Set(batchRoundTrips).size).toBe(1);
    if (roundTripsPerClaim !== undefined) expect(batchRoundTrips[0]).toBe(pipelineBatches * roundTripsPerClaim);
    const rt = record(`round trips per batch of ${BATCH} (${pipelineBatches} pipeline batches)`, batchRoundTrips[0]!, { unit: 'count', direction: 'lower' });
    expect(rt).not.toRegress();
  });

  it('claim latency vs the sum of its stages run alone', async () => {
    const r = await claimVsStagesAlone(pipeline, perf.quick ? sampleClaims.slice(0, 8) : sampleClaims);
    const result = record('claim latency / sum of its stages alone', r.ratios, {
      unit: 'ratio',
      direction: 'lower',
      kind: 'timing',
      tolerance: 0.1,
      target: { max: 1.1, source: 'ours: a claim costs <= 1.1x its stages run alone (embed, retrieve, NLI, aggregate, store)' },
    });
    expect(result).not.toRegress();
  });
});
