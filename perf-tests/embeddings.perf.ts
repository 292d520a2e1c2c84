// Seed feature 2.1, embeddings: throughput (texts/s) of the embedding service by batch size x text
// length x variant, the process's peak RSS per batch size, and the service's overhead over the raw
// ORT session on the same padded token shapes (perf-tests/workloads/model-profile.ts). Attaches the
// batch-size recommendations to the run's reports (perf.attach).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../src/shared/paths.ts';
import { loadEmbedder, type Embedder } from '../src/truthgraph/embedding/embedder.ts';
import { measure, perf, record, type Budget, type MetricResult } from '../src/perf/suite/index.ts';
import { profileEmbeddings, profileTexts, type LengthClass } from './workloads/model-profile.ts';
import type { Variant } from '../src/truthgraph/models/spec.ts';
import { recommendBatches, renderGrid, type GridCell } from './support/batch-recommendation.ts';
import { peakRssDuring } from './support/process-memory.ts';
import { recordFixture, recordPack } from './support/run-context.ts';
import { EMBED_BATCHES, EMBED_ITEMS, EMBED_QUICK_SHORT_ITEMS, embedMetricName, embedTexts } from './workloads/embeddings-workload.ts';

const cacheDir = defaultCacheDir(process.env);
const VARIANTS: readonly Variant[] = ['fp32', 'int8'];
const BATCHES = perf.quick ? [32] : [...EMBED_BATCHES];
const LENGTHS: readonly LengthClass[] = perf.quick ? ['short'] : ['short', 'medium', 'long'];
/** Texts per timed call (the named workload's: `npx truthgraph perf profile embeddings` runs the same call; quick: fewer short texts). */
const ITEMS = perf.quick ? { ...EMBED_ITEMS, short: EMBED_QUICK_SHORT_ITEMS } : EMBED_ITEMS;
/** The embedder's default batch size: the targets apply to what users run. */
const DEFAULT_BATCH = 32;

const FLOOR = { min: 500, source: 'seed floor 2.1: > 500 texts/s' };
/** Our throughput goals on ~90-char texts at the default batch (advisory: reported, never gating). */
const TARGET = { fp32: 700, int8: 1500 } as const;
const MEMORY_FLOOR_MB = 500;
const OVERHEAD_TARGET_PCT = 10;
// The harness default (5%). Two-thread ORT on this shared 2-core VM swings 3-7% between passes
// (docs/platform-notes.md), which is why a change is judged in lockstep against its base
// (`--base`): paired samples resolve 5% where whole runs could not; the MDE column shows when a run
// could not.
const TOLERANCE = 0.05;
const TIMING = { warmupMs: 300, minSamples: 8, maxSamples: 30, maxTimeMs: 3_000, targetPrecision: 0.02 };
const QUICK_TIMING = { warmupMs: 200, minSamples: 6, maxSamples: 15, maxTimeMs: 1_500, targetPrecision: 0.03 };

const texts = Object.fromEntries(LENGTHS.map((l) => [l, profileTexts(l, ITEMS[l])])) as Record<LengthClass, string[]>;
const longTexts = profileTexts('long', ITEMS.long);
const grid: Array<GridCell & { metric: string }> = [];
const memory: Array<{ variant: Variant; batchSize: number; peakMb: number; aboveLoadedMb: number }> = [];
const overheads: Array<{ variant: Variant; overheadPct: number; efficiency: number; meanTokens: number }> = [];

/**
 * Short texts: our goal at the default batch; for fp32 at other batches the seed floor, reported
 * (on our 2-vCPU Xeon even the raw fp32 ORT session stays below it, so it cannot gate fp32).
 */
function shortTextTarget(variant: Variant, batchSize: number): Budget | undefined {
  if (batchSize === DEFAULT_BATCH) return { min: TARGET[variant], source: `ours: >= ${TARGET[variant]} texts/s ${variant} on ~90-char texts` };
  if (variant === 'fp32') return { min: FLOOR.min, source: `${FLOOR.source} (fp32: reported, the raw ORT session on this CPU is about as fast)` };
  return undefined;
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

beforeAll(() => {
  recordFixture('evidence_corpus.json');
});

afterAll(() => {
  if (grid.length === 0) return;
  const recs = recommendBatches(grid, TOLERANCE / 2);
  const notes = [
    `profile ${perf.quick ? `quick (batch 32, ${EMBED_QUICK_SHORT_ITEMS} short texts per call)` : 'full'}; texts from fixtures/truthgraph/evidence_corpus.json: short ~90 chars (cut at a word), medium as-is, long two passages joined`,
    'in-process ORT session, 2 intra-op threads (the embedder defaults users run); length-bucketed batches',
    `"within noise": batches within ${(TOLERANCE / 2) * 100}% of the best median; the smallest of them is the memory-friendly choice`,
    ...memory.map((m) => `peak RSS ${m.variant} b${m.batchSize} on long texts: ${m.peakMb} MB (${m.aboveLoadedMb} MB above the loaded model)`),
    ...overheads.map((o) => `service overhead vs raw ORT ${o.variant} b${DEFAULT_BATCH} short (~${o.meanTokens} tokens): ${o.overheadPct.toFixed(1)}%`),
  ];
  const markdown = renderGrid('Embeddings: batch-size recommendations', 'texts/s', grid, recs, notes);
  perf.attach('embeddings', 'batch-sizes', { unit: 'texts/s', grid, recommendations: recs, memory, overheads }, markdown);
});

for (const variant of VARIANTS) {
  describe(`embeddings ${variant}`, () => {
    for (const batchSize of BATCHES) {
      describe(`batch ${batchSize}`, () => {
        let embedder: Embedder;
        let loadedRss = 0;
        beforeAll(async () => {
          embedder = await loadEmbedder({ cacheDir, variant, batchSize });
          recordPack(embedder.pack);
          loadedRss = process.memoryUsage().rss;
        });
        afterAll(async () => embedder?.dispose());

        for (const length of LENGTHS) {
          it(`throughput on ${length} texts`, async () => {
            const input = texts[length];
            const name = embedMetricName(variant, batchSize, length);
            const result = await measure(name, embedTexts(embedder, input), {
              throughput: { items: input.length, unit: 'texts/s' },
              tolerance: TOLERANCE,
              ...TIMING,
              quick: QUICK_TIMING,
              // The seed's floor is stated for sentence-length texts: it gates the ~90-char class.
              // It binds the int8 path (what the pipeline runs by default, variant auto); on our
              // 2-vCPU Xeon even the raw fp32 ORT session stays below 500 texts/s (see the
              // overhead metric), so for fp32 the floor is checked and reported, not gated.
              ...(length === 'short' && variant === 'int8' && { budget: FLOOR }),
              ...(length === 'short' && { target: shortTextTarget(variant, batchSize) }),
            });
            grid.push({ variant, length, batchSize, itemsPerSec: result.decision.evidence.current, metric: name });
            if (length === 'short' && variant === 'int8') expect(result).toMeetBudget();
            expect(result).not.toRegress();
          });
        }

        it('peak RSS while embedding long texts', async () => {
          // Long texts make the largest shapes of the grid: ORT's arena grows to them and stays.
          const { peakBytes, exact } = await peakRssDuring(() => embedder.embed(longTexts));
          const result = record(`embed ${variant} b${batchSize} long peak rss`, mb(peakBytes), {
            unit: 'MB',
            direction: 'lower',
            kind: 'timing',
            tolerance: 0.1,
            budget: { max: MEMORY_FLOOR_MB, statistic: 'max', source: `seed floor 2.1: < ${MEMORY_FLOOR_MB} MB per batch (whole test process${exact ? '' : ', lifetime peak'})` },
          });
          memory.push({ variant, batchSize, peakMb: mb(peakBytes), aboveLoadedMb: mb(peakBytes - loadedRss) });
          expect(result).toMeetBudget();
          expect(result).not.toRegress();
        });
      });
    }

    it(`service overhead vs the raw ORT session (b${DEFAULT_BATCH}, short texts)`, async () => {
      // model-profile times the service end to end and the raw runner on the same padded batches,
      // alternating per repetition: each pair gives one overhead sample.
      const [row] = await profileEmbeddings({
        cacheDir,
        variants: [variant],
        batchSizes: [DEFAULT_BATCH],
        lengths: ['short'],
        workers: 0,
        threads: 2,
        items: ITEMS.short,
        repetitions: perf.quick ? 4 : 8,
      });
      // Service time over raw time on the same shapes (100% = no overhead); a ratio near 100 keeps
      // the harness's relative tolerance meaningful, where an overhead near 0% would not.
      const samples = row!.samples.map((svc, i) => (100 * row!.rawSamples[i]!) / svc);
      const result: MetricResult = record(`embed ${variant} b${DEFAULT_BATCH} short service time vs raw ORT`, samples, {
        unit: '% of raw',
        direction: 'lower',
        kind: 'timing',
        tolerance: 0.05,
        target: { max: 100 + OVERHEAD_TARGET_PCT, source: `ours: service overhead <= ${OVERHEAD_TARGET_PCT}% over raw ORT` },
      });
      overheads.push({ variant, overheadPct: result.decision.evidence.current - 100, efficiency: row!.efficiency, meanTokens: row!.meanTokens });
      expect(result).not.toRegress();
    });
  });
}

// The throughput targets are stated for our 2 cores: two worker threads with a 1-thread session each
// beat one 2-thread session (docs/platform-notes.md: up to +68% int8). Measured beside the in-process default, at
// the default batch on ~90-char texts, so the report shows what the opt-in pool buys.
describe('embeddings worker pool (workers 2 x 1 thread)', () => {
  for (const variant of VARIANTS) {
    it(`${variant} b${DEFAULT_BATCH} short texts`, async () => {
      const embedder = await loadEmbedder({ cacheDir, variant, batchSize: DEFAULT_BATCH, workers: 2, threads: 1 });
      try {
        recordPack(embedder.pack);
        const input = texts.short;
        const result = await measure(`embed ${variant} b${DEFAULT_BATCH} short workers=2`, () => embedder.embed(input), {
          throughput: { items: input.length, unit: 'texts/s' },
          tolerance: TOLERANCE,
          ...TIMING,
          quick: QUICK_TIMING,
          ...(variant === 'int8' && { budget: FLOOR }),
          target: { min: TARGET[variant], source: `ours: >= ${TARGET[variant]} texts/s ${variant} on ~90-char texts (2 workers)` },
        });
        if (variant === 'int8') expect(result).toMeetBudget();
        expect(result).not.toRegress();
      } finally {
        await embedder.dispose();
      }
    });
  }
});
