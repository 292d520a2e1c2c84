// How close the pipeline gets to what its stages allow, measured in one process with the two sides
// interleaved (A B B A), so host drift cancels in each paired ratio:
// - batch: the pipeline on a batch of claims vs its NLI stage alone on the very (evidence, claim)
//   pairs the pipeline classified, in the same NLI calls (one per pipeline batch), back to back.
//   NLI is most of the work, so "NLI alone" is the NLI-bound ceiling of the pipeline's throughput;
// - per claim: one claim's latency vs the sum of its stages each run alone on the same inputs
//   (embed the claim, retrieve its top k, classify its pairs, aggregate, store its result).
import { aggregate, type Judgement } from '../../src/truthgraph/aggregation/index.ts';
import type { Pipeline } from '../../src/truthgraph/pipeline/runtime.ts';
import type { NliPair, VerificationRecord, VerificationResult } from '../../src/truthgraph/pipeline/types.ts';

/** The pairs each pipeline batch sent to NLI: claims in chunks of `batchSize`, duplicates judged once. */
export function pairsByBatch(results: readonly VerificationResult[], batchSize: number): NliPair[][] {
  const batches: NliPair[][] = [];
  for (let i = 0; i < results.length; i += batchSize) {
    const seen = new Set<string>();
    const pairs: NliPair[] = [];
    for (const r of results.slice(i, i + batchSize)) {
      if (seen.has(r.claim)) continue;
      seen.add(r.claim);
      for (const ev of r.evidence) pairs.push({ premise: ev.content, hypothesis: r.claim });
    }
    batches.push(pairs);
  }
  return batches;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export interface PairedSamples {
  /** Wall ms of side A and side B per round. */
  a: number[];
  b: number[];
}

/** `rounds` rounds of A B, every other round B A (`bFirst` flips the first): one time of each side per round. */
export async function alternate(a: () => Promise<unknown>, b: () => Promise<unknown>, rounds: number, bFirst = false): Promise<PairedSamples> {
  const out: PairedSamples = { a: [], b: [] };
  for (let r = 0; r < rounds; r++) {
    if ((r % 2 === 0) !== bFirst) {
      out.a.push(await timed(a));
      out.b.push(await timed(b));
    } else {
      out.b.push(await timed(b));
      out.a.push(await timed(a));
    }
  }
  return out;
}

/** Batch throughput as a fraction of the NLI-bound ceiling, one sample per round (1 = NLI never waited). */
export async function batchVsNliCeiling(
  pipeline: Pipeline,
  claims: readonly string[],
  rounds: number,
  /** The pipeline side (default: verifyClaims on `claims`); callers may wrap it, e.g. to count round trips. */
  runPipeline: () => Promise<unknown> = () => pipeline.verifier.verifyClaims(claims),
): Promise<{ fractions: number[]; pipelineMs: number[]; nliAloneMs: number[]; pairs: number }> {
  const { nli } = pipeline.verifier.deps;
  const results = await pipeline.verifier.verifyClaims(claims);
  const batches = pairsByBatch(results, pipeline.verifier.options.batchSize);
  const nliAlone = async () => {
    for (const pairs of batches) if (pairs.length > 0) await nli.classify(pairs);
  };
  const s = await alternate(runPipeline, nliAlone, rounds);
  return { fractions: s.b.map((n, i) => n / s.a[i]!), pipelineMs: s.a, nliAloneMs: s.b, pairs: batches.reduce((x, p) => x + p.length, 0) };
}

/** One claim's stages, each on its own, on the inputs the pipeline gave them. */
async function stagesAlone(pipeline: Pipeline, claim: string, previous: VerificationResult): Promise<void> {
  const o = pipeline.verifier.options;
  const { embedder, nli } = pipeline.verifier.deps;
  const [vector] = await embedder.embed([claim]);
  const [hits] = await pipeline.store.search({ vectors: [vector!], texts: [claim], k: o.k, minSimilarity: o.minSimilarity, mode: o.mode });
  const predictions = await nli.classify(hits!.map((ev) => ({ premise: ev.content, hypothesis: claim })));
  const judgements: Judgement[] = hits!.map((ev, j) => ({ evidenceId: ev.id, similarity: ev.similarity, probabilities: predictions[j]!.probabilities }));
  const agg = aggregate(judgements, o.strategy, o.aggregation);
  if (!o.store) return;
  const record: VerificationRecord = {
    claimText: claim,
    verdict: agg.verdict,
    confidence: agg.confidence,
    scores: agg.scores,
    evidence: hits!.map((ev, j) => ({ evidenceId: ev.id, prediction: predictions[j]! })),
    nliModelId: previous.packs.nli.name,
    pipelineVersion: o.pipelineVersion,
    retrievalMethod: o.mode,
    timings: previous.timings,
  };
  await pipeline.store.storeVerifications([record]);
}

/** Per claim: pipeline latency / sum of the stages alone (1 = no overhead), one sample per claim. */
export async function claimVsStagesAlone(
  pipeline: Pipeline,
  claims: readonly string[],
): Promise<{ ratios: number[]; pipelineMs: number[]; stagesMs: number[] }> {
  const out = { ratios: [] as number[], pipelineMs: [] as number[], stagesMs: [] as number[] };
  for (let i = 0; i < claims.length; i++) {
    const claim = claims[i]!;
    const previous = await pipeline.verifier.verifyClaim(claim); // warms this claim's shapes on both sides
    const s = await alternate(() => pipeline.verifier.verifyClaim(claim), () => stagesAlone(pipeline, claim, previous), 1, i % 2 === 1);
    const [p, a] = [s.a[0]!, s.b[0]!];
    out.pipelineMs.push(p);
    out.stagesMs.push(a);
    out.ratios.push(p / a);
  }
  return out;
}
