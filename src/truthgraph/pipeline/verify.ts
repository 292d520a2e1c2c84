// The verification pipeline: claims -> embeddings -> top-k evidence -> NLI -> verdict -> stored result.
// A batch is a batch: one embed call, one search call, one NLI call and one store transaction per batch,
// whatever its size; duplicate claims within a batch are embedded, retrieved and judged once.
// Consecutive batches overlap by stage: NLI (the bottleneck) takes one batch at a time, in order, while
// the next batch embeds and retrieves and the previous one stores (see `nliLane`).
import { performance } from 'node:perf_hooks';
import { aggregate } from '../aggregation/index.ts';
import type { Aggregation, Judgement } from '../aggregation/index.ts';
import { UserError, isUserError } from '../../shared/errors.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { Limiter } from './limiter.ts';
import { normaliseClaim } from './normalise.ts';
import { resolveVerifyOptions } from './options.ts';
import type { VerifyOptions, VerifyOptionsInput } from './options.ts';
import type {
  ClaimInput,
  EmbedderLike,
  EvidenceStoreLike,
  NliLike,
  NliPair,
  NliPrediction,
  RetrievedEvidence,
  StageTimings,
  StoredVerification,
  VerificationRecord,
  VerificationResult,
} from './types.ts';

export interface PipelineDeps {
  embedder: EmbedderLike;
  nli: NliLike;
  store: EvidenceStoreLike;
}

export interface BatchContext {
  deps: PipelineDeps;
  options: VerifyOptions;
  cache?: EmbeddingCache | undefined;
  /**
   * One NLI call at a time, first come first served. Without it two batches in flight interleave
   * their NLI sub-batches, finish together and leave the model idle while both store and the next two
   * embed and retrieve; with it batch n finishes NLI first, so batch n+1 runs NLI while batch n stores
   * and batch n+2 embeds and retrieves. The `nli` stage time counts from the lane's turn.
   */
  nliLane?: Limiter | undefined;
}

/** Wraps a failure of a stage that talks to the database into a UserError that says what to do. */
function databaseError(stage: string, error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const fix = isUserError(error) && error.fix ? error.fix : 'check that the database is running (DATABASE_URL, or the embedded PGlite server) and retry';
  return new UserError(`${stage} failed: ${message}`, {
    cause: error,
    fix: `${fix} (batches that finished before are stored; the failed batch stored nothing)`,
  });
}

/** Verifies one batch of claims (indexes are the callers' positions). */
export async function verifyBatch(claims: readonly (ClaimInput & { index: number })[], ctx: BatchContext): Promise<VerificationResult[]> {
  const { deps, options, cache } = ctx;
  const start = performance.now();

  // embed: normalise, dedupe, cache lookup, one embed call for the misses.
  const normalised = claims.map((c) => normaliseClaim(c.text, options.maxClaimChars));
  const uniqueTexts = [...new Set(normalised.map((n) => n.text))];
  const slot = new Map(uniqueTexts.map((t, i) => [t, i]));
  const packHash = deps.embedder.pack.hash;
  const vectors = new Array<Float32Array | undefined>(uniqueTexts.length);
  const cacheHit = new Array<boolean>(uniqueTexts.length).fill(false);
  const misses: number[] = [];
  uniqueTexts.forEach((text, i) => {
    const hit = cache?.get(packHash, text);
    if (hit) {
      vectors[i] = hit;
      cacheHit[i] = true;
    } else misses.push(i);
  });
  if (misses.length > 0) {
    const embedded = await deps.embedder.embed(misses.map((i) => uniqueTexts[i]!));
    if (embedded.length !== misses.length) throw new Error(`embedder returned ${embedded.length} vectors for ${misses.length} texts`);
    misses.forEach((i, j) => {
      vectors[i] = embedded[j]!;
      cache?.set(packHash, uniqueTexts[i]!, embedded[j]!);
    });
  }
  const tEmbed = performance.now();

  // retrieve: one search for all unique claims.
  let retrieved: RetrievedEvidence[][];
  try {
    retrieved = await deps.store.search({
      vectors: vectors as Float32Array[],
      texts: uniqueTexts,
      k: options.k,
      minSimilarity: options.minSimilarity,
      mode: options.mode,
    });
  } catch (error) {
    throw databaseError('evidence retrieval', error);
  }
  const tRetrieve = performance.now();

  // nli: premise = evidence, hypothesis = claim; one call for every pair of the batch.
  const pairs: NliPair[] = [];
  retrieved.forEach((hits, i) => {
    for (const ev of hits) pairs.push({ premise: ev.content, hypothesis: uniqueTexts[i]! });
  });
  let tNliStart = performance.now();
  const classify = () => {
    tNliStart = performance.now();
    return deps.nli.classify(pairs);
  };
  const predictions: NliPrediction[] = pairs.length === 0 ? [] : ctx.nliLane ? await ctx.nliLane.run(classify) : await classify();
  if (predictions.length !== pairs.length) throw new Error(`NLI returned ${predictions.length} predictions for ${pairs.length} pairs`);
  const tNli = performance.now();

  // aggregate: per unique claim.
  const perClaim: NliPrediction[][] = [];
  const aggregations: Aggregation[] = [];
  let offset = 0;
  retrieved.forEach((hits) => {
    const preds = predictions.slice(offset, offset + hits.length);
    offset += hits.length;
    perClaim.push(preds);
    const judgements: Judgement[] = hits.map((ev, j) => ({ evidenceId: ev.id, similarity: ev.similarity, probabilities: preds[j]!.probabilities }));
    aggregations.push(aggregate(judgements, options.strategy, options.aggregation));
  });
  const tAggregate = performance.now();

  // store: one transaction for the whole batch (every input claim, duplicates included, gets its row).
  const stageTimes = { embed: tEmbed - start, retrieve: tRetrieve - tEmbed, nli: tNli - tNliStart, aggregate: tAggregate - tNli };
  let stored: StoredVerification[] | null = null;
  if (options.store) {
    const records: VerificationRecord[] = claims.map((claim, c) => {
      const u = slot.get(normalised[c]!.text)!;
      const agg = aggregations[u]!;
      return {
        claimText: uniqueTexts[u]!,
        ...(claim.externalId === undefined ? {} : { externalId: claim.externalId }),
        verdict: agg.verdict,
        confidence: agg.confidence,
        scores: agg.scores,
        evidence: retrieved[u]!.map((ev, j) => ({ evidenceId: ev.id, prediction: perClaim[u]![j]! })),
        nliModelId: deps.nli.pack.name,
        pipelineVersion: options.pipelineVersion,
        retrievalMethod: options.mode,
        timings: stageTimes,
        ...(options.runKey === null ? {} : { run: { key: options.runKey, index: claim.index } }),
      };
    });
    try {
      stored = await deps.store.storeVerifications(records);
    } catch (error) {
      throw databaseError('storing verification results', error);
    }
  }
  // total is closed after the results are assembled, so stages <= total and the gap is real overhead.
  const timings: StageTimings = { ...stageTimes, store: performance.now() - tAggregate, total: 0 };

  const packs = { embedder: deps.embedder.pack, nli: deps.nli.pack };
  const results = claims.map((claim, c): VerificationResult => {
    const u = slot.get(normalised[c]!.text)!;
    const agg = aggregations[u]!;
    return {
      index: claim.index,
      ...(claim.externalId === undefined ? {} : { externalId: claim.externalId }),
      claim: uniqueTexts[u]!,
      truncated: normalised[c]!.truncated,
      verdict: agg.verdict,
      confidence: agg.confidence,
      scores: agg.scores,
      conflict: agg.conflict,
      strategy: options.strategy,
      evidence: retrieved[u]!.map((ev, j) => ({
        id: ev.id,
        content: ev.content,
        ...(ev.source === undefined ? {} : { source: ev.source }),
        similarity: ev.similarity,
        label: perClaim[u]![j]!.label,
        probabilities: perClaim[u]![j]!.probabilities,
      })),
      timings,
      batchSize: claims.length,
      embeddingCacheHit: cacheHit[u]!,
      stored: stored ? stored[c]! : null,
      packs,
      synthetic: packs.embedder.synthetic || packs.nli.synthetic,
      engine: deps.store.engine,
      mode: options.mode,
      k: options.k,
    };
  });
  timings.total = performance.now() - start;
  return results;
}

export interface BatchProgress {
  done: number;
  total: number;
  results: readonly VerificationResult[];
}

/**
 * The pipeline with its state: options resolved once, one embedding cache, one limiter bounding the
 * batches in flight. Callers that submit more than `concurrency + maxQueued` batches at once get a
 * BackpressureError; `verifyClaims` itself waits for capacity between batches instead.
 */
export class Verifier {
  readonly options: VerifyOptions;
  readonly cache: EmbeddingCache;
  readonly limiter: Limiter;
  private readonly nliLane = new Limiter({ concurrency: 1, maxQueued: Number.MAX_SAFE_INTEGER });

  constructor(
    readonly deps: PipelineDeps,
    options: VerifyOptionsInput | VerifyOptions = {},
  ) {
    this.options = resolveVerifyOptions(options);
    this.cache = new EmbeddingCache(this.options.cacheSize);
    this.limiter = new Limiter({ concurrency: this.options.concurrency, maxQueued: this.options.maxQueued });
  }

  private ctx(overrides?: VerifyOptionsInput): BatchContext {
    const options = overrides ? resolveVerifyOptions(overrides, this.options) : this.options;
    return { deps: this.deps, options, cache: this.cache, nliLane: this.nliLane };
  }

  async verifyClaim(claim: string | ClaimInput, overrides?: VerifyOptionsInput): Promise<VerificationResult> {
    const input = typeof claim === 'string' ? { text: claim } : claim;
    const ctx = this.ctx(overrides);
    const [result] = await this.limiter.run(() => verifyBatch([{ ...input, index: 0 }], ctx));
    return result!;
  }

  async verifyClaims(
    claims: readonly (string | ClaimInput)[],
    overrides?: VerifyOptionsInput,
    onProgress?: (progress: BatchProgress) => void,
  ): Promise<VerificationResult[]> {
    const ctx = this.ctx(overrides);
    const inputs = claims.map((c, index) => (typeof c === 'string' ? { text: c, index } : { ...c, index }));
    // Validate every claim before any work so a bad claim N fails fast, naming N.
    inputs.forEach((c) => {
      try {
        normaliseClaim(c.text, ctx.options.maxClaimChars);
      } catch (error) {
        if (isUserError(error)) throw new UserError(`claim ${c.index + 1}: ${error.message}`, { fix: error.fix ?? '' });
        throw error;
      }
    });
    const results = new Array<VerificationResult>(inputs.length);
    // At most `concurrency` of this call's batches in flight; the shared limiter's queue stays free for
    // other callers, and a huge input is fed batch by batch instead of being queued all at once.
    const inFlight = new Set<Promise<void>>();
    let done = 0;
    let failure: unknown;
    for (let i = 0; i < inputs.length; i += ctx.options.batchSize) {
      while (inFlight.size >= ctx.options.concurrency && failure === undefined) await Promise.race(inFlight);
      while (!this.limiter.hasCapacity() && failure === undefined) await this.limiter.whenReady();
      if (failure !== undefined) break;
      const chunk = inputs.slice(i, i + ctx.options.batchSize);
      // hasCapacity() was true in this same tick, so run() accepts the task (no BackpressureError).
      const task: Promise<void> = this.limiter.run(() => verifyBatch(chunk, ctx)).then(
        (batch) => {
          for (const r of batch) results[r.index] = r;
          done += batch.length;
          onProgress?.({ done, total: inputs.length, results: batch });
        },
        (error: unknown) => {
          failure ??= error;
        },
      );
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    return results;
  }
}

/** One-shot helpers for callers that do not keep a Verifier. */
export function verifyClaim(text: string, deps: PipelineDeps, options?: VerifyOptionsInput): Promise<VerificationResult> {
  return new Verifier(deps, options).verifyClaim(text);
}

export function verifyClaims(texts: readonly (string | ClaimInput)[], deps: PipelineDeps, options?: VerifyOptionsInput): Promise<VerificationResult[]> {
  return new Verifier(deps, options).verifyClaims(texts);
}
