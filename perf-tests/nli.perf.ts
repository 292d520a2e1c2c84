// Seed feature 2.2, NLI: throughput (pairs/s) of the NLI service by batch size x pair length x
// variant, and label agreement of every batched / int8 / length-bucketed path with the reference
// path (fp32, batch 1) on a fixed mixed-length pair set. Attaches the batch-size recommendations to
// the run's reports (perf.attach). Labels come from a synthetic pack unless a real one
// is configured: agreement then measures consistency of the optimised paths, not accuracy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../src/shared/paths.ts';
import { measure, perf, record } from '../src/perf/suite/index.ts';
import { profilePairs, type LengthClass } from './workloads/model-profile.ts';
import type { Variant } from '../src/truthgraph/models/spec.ts';
import { loadNli, type NliModel, type NliPair } from '../src/truthgraph/nli/nli.ts';
import { recommendBatches, renderGrid, type GridCell } from './support/batch-recommendation.ts';
import { packLabel, recordFixture, recordPack } from './support/run-context.ts';
import { classifyPairs, NLI_BATCHES, NLI_ITEMS, nliMetricName } from './workloads/nli-workload.ts';

const cacheDir = defaultCacheDir(process.env);
const VARIANTS: readonly Variant[] = ['fp32', 'int8'];
const BATCHES = perf.quick ? [16] : [...NLI_BATCHES];
const LENGTHS: readonly LengthClass[] = perf.quick ? ['short'] : ['short', 'medium', 'long'];
/** The NLI service's default batch size (what the pipeline runs). */
const DEFAULT_BATCH = 16;
/** Pairs per timed call (the named workload's: `npx truthgraph perf profile nli` runs the same call). */
const ITEMS = NLI_ITEMS;

const FLOOR = { min: 2, source: 'seed floor 2.2: > 2 pairs/s' };
const INT8_TARGET = 150;
// int8 dynamic quantisation picks one activation scale per padded batch, so its labels depend a
// little on the batch (the model engineer measured 23/24 agreeing on fixture pairs). Stated bound:
// at least 90% of the reference labels; a lower agreement fails the run.
const INT8_MIN_AGREEMENT = 90;
/** The harness default (5%): resolvable in lockstep against the base (`--base`); the MDE column says when not. */
const TOLERANCE = 0.05;
const TIMING = { warmupMs: 300, minSamples: 5, maxSamples: 20, maxTimeMs: 2_000, targetPrecision: 0.03 };
const QUICK_TIMING = { warmupMs: 200, minSamples: 5, maxSamples: 12, maxTimeMs: 1_500, targetPrecision: 0.04 };

/** Mixed lengths in one call, so batched paths form length buckets of differing padded widths. */
function agreementPairs(n: number): NliPair[] {
  const per = Math.ceil(n / 3);
  const all = [...profilePairs('short', per), ...profilePairs('medium', per), ...profilePairs('long', per)];
  // Interleave deterministically so input order is not already sorted by length.
  return all.map((p, i) => ({ p, k: (i * 7919) % all.length })).sort((a, b) => a.k - b.k).map((x) => x.p).slice(0, n);
}

const pairsByLength = Object.fromEntries(LENGTHS.map((l) => [l, profilePairs(l, ITEMS)])) as Record<LengthClass, NliPair[]>;
const agreementSet = agreementPairs(perf.quick ? 24 : 60);
let referenceLabels: string[] = [];
let referenceProbabilities: Array<Record<string, number>> = [];
let synthetic = true;
const grid: GridCell[] = [];
const agreement: Array<{ path: string; agree: number; total: number; percent: number; meanProbabilityDrift: number }> = [];

beforeAll(async () => {
  recordFixture('evidence_corpus.json');
  recordFixture('test_claims.json');
  const reference = await loadNli({ cacheDir, variant: 'fp32', batchSize: 1 });
  try {
    recordPack(reference.pack);
    synthetic = reference.pack.synthetic;
    const preds = await reference.classify(agreementSet);
    referenceLabels = preds.map((p) => p.label);
    referenceProbabilities = preds.map((p) => p.probabilities);
  } finally {
    await reference.dispose();
  }
});

afterAll(() => {
  if (grid.length === 0) return;
  const recs = recommendBatches(grid, TOLERANCE / 2);
  const notes = [
    `profile ${perf.quick ? `quick (batch ${DEFAULT_BATCH}, short pairs only)` : 'full'}; premises from fixtures/truthgraph/evidence_corpus.json (short ~90 chars, medium as-is, long two joined), hypotheses from test_claims.json`,
    'in-process ORT session, 2 intra-op threads (the NLI defaults users run); length-bucketed batches',
    `"within noise": batches within ${(TOLERANCE / 2) * 100}% of the best median`,
  ];
  const agreementMd = [
    `## Label agreement with the reference path (fp32, batch 1)${synthetic ? ' — synthetic pack' : ''}`,
    '',
    `${agreementSet.length} mixed-length pairs. fp32 must agree 100%; int8 must agree >= ${INT8_MIN_AGREEMENT}% (stated bound).`,
    '',
    '| path | agree | % | mean |Δp| |',
    '|---|---:|---:|---:|',
    ...agreement.map((a) => `| ${a.path} | ${a.agree}/${a.total} | ${a.percent.toFixed(1)} | ${a.meanProbabilityDrift.toExponential(2)} |`),
  ].join('\n');
  const md = renderGrid('NLI: batch-size recommendations', 'pairs/s', grid, recs, notes) + `\n${agreementMd}\n`;
  perf.attach('nli', 'batch-sizes', { unit: 'pairs/s', synthetic, grid, recommendations: recs, agreement }, md);
});

for (const variant of VARIANTS) {
  describe(`nli ${variant}`, () => {
    // Agreement paths: every batch size of the grid plus int8 batch 1 (fp32 batch 1 is the reference).
    const agreementBatches = [...new Set([...BATCHES, 1])].filter((b) => variant === 'int8' || b !== 1);
    for (const batchSize of [...new Set([...BATCHES, ...agreementBatches])].sort((a, b) => a - b)) {
      describe(`batch ${batchSize}`, () => {
        let nli: NliModel;
        beforeAll(async () => {
          nli = await loadNli({ cacheDir, variant, batchSize });
          recordPack(nli.pack);
        });
        afterAll(async () => nli?.dispose());

        if (agreementBatches.includes(batchSize)) {
          it('labels agree with the reference path (fp32, batch 1)', async () => {
            const preds = await nli.classify(agreementSet);
            const agree = preds.filter((p, i) => p.label === referenceLabels[i]).length;
            const percent = (100 * agree) / preds.length;
            const absDiff = (p: (typeof preds)[number], i: number) =>
              nli.labels.reduce((t, l) => t + Math.abs(p.probabilities[l]! - referenceProbabilities[i]![l]!), 0);
            const drift = preds.reduce((s, p, i) => s + absDiff(p, i), 0) / (preds.length * nli.labels.length);
            const path = `${variant} b${batchSize}${batchSize > 1 ? " bucketed" : ""}`;
            agreement.push({ path, agree, total: preds.length, percent, meanProbabilityDrift: drift });
            const name = `nli ${path} label agreement vs fp32 b1${synthetic ? ' (synthetic pack)' : ''}`;
            const result = record(name, Math.round(percent * 100) / 100, {
              unit: '%',
              direction: 'higher',
              budget:
                variant === 'fp32'
                  ? { min: 100, source: 'ours: fp32 batched vs unbatched labels 100% equal' }
                  : { min: INT8_MIN_AGREEMENT, source: `ours: int8 agreement budget >= ${INT8_MIN_AGREEMENT}% (dynamic quantisation is not batch-invariant)` },
            });
            expect(result).toMeetBudget();
            expect(result).not.toRegress();
          });
        }

        if (!BATCHES.includes(batchSize)) return;
        for (const length of LENGTHS) {
          it(`throughput on ${length} pairs`, async () => {
            const input = pairsByLength[length];
            const name = nliMetricName(variant, batchSize, length);
            const result = await measure(name, classifyPairs(nli, input), {
              throughput: { items: input.length, unit: 'pairs/s' },
              tolerance: TOLERANCE,
              ...TIMING,
              quick: QUICK_TIMING,
              budget: FLOOR,
              ...(variant === 'int8' && batchSize === DEFAULT_BATCH && {
                target: { min: INT8_TARGET, source: `ours: >= ${INT8_TARGET} pairs/s int8 (${packLabel(nli.pack)})` },
              }),
            });
            grid.push({ variant, length, batchSize, itemsPerSec: result.decision.evidence.current });
            expect(result).toMeetBudget();
            expect(result).not.toRegress();
          });
        }
      });
    }
  });
}
