// Glue from the real model and database layers to the pipeline's small interfaces.
// The NLI adapter is where label names become the pipeline's typed probabilities: by NAME, never index.
import { describeEngine, type Database } from '../db/database.ts';
import { storeVerifications, type VerificationInput } from '../db/repositories/verifications.ts';
import { hybridSearch } from '../search/hybrid.ts';
import { searchMany } from '../search/vector-search.ts';
import type { Embedder } from '../embedding/embedder.ts';
import type { NliModel } from '../nli/nli.ts';
import type { PackInfo } from '../models/pack.ts';
import type { NliLabel, NliProbabilities } from '../aggregation/index.ts';
import type {
  EmbedderLike,
  EvidenceStoreLike,
  NliLike,
  NliPair,
  NliPrediction,
  PackUse,
  RetrievedEvidence,
  SearchRequest,
  StoredVerification,
  VerificationRecord,
} from './types.ts';

export function packUse(info: PackInfo): PackUse {
  return { name: info.id, hash: info.hash, variant: info.variant, synthetic: info.synthetic };
}

export function embedderAdapter(embedder: Embedder): EmbedderLike {
  return { pack: packUse(embedder.pack), embed: (texts) => embedder.embed(texts) };
}

const LABELS: readonly NliLabel[] = ['entailment', 'neutral', 'contradiction'];

/** Maps a model's label-name probabilities onto the three NLI labels; a missing label is an error. */
export function toNliPrediction(probabilities: Record<string, number>, packId: string): NliPrediction {
  const p = {} as NliProbabilities;
  for (const label of LABELS) {
    const value = probabilities[label];
    if (value === undefined) {
      throw new Error(`NLI pack ${packId} has no "${label}" label (labels: ${Object.keys(probabilities).join(', ')})`);
    }
    p[label] = value;
  }
  let label: NliLabel = 'entailment';
  for (const l of LABELS) if (p[l] > p[label]) label = l;
  return { probabilities: p, label };
}

export function nliAdapter(nli: NliModel): NliLike {
  const missing = LABELS.filter((l) => !nli.labels.includes(l));
  if (missing.length > 0) {
    throw new Error(`NLI pack ${nli.pack.id} lacks label(s) ${missing.join(', ')} (has ${nli.labels.join(', ')})`);
  }
  return {
    pack: packUse(nli.pack),
    classify: async (pairs: readonly NliPair[]) => (await nli.classify(pairs)).map((r) => toNliPrediction(r.probabilities, nli.pack.id)),
  };
}

function toVerificationInput(r: VerificationRecord): VerificationInput {
  const counts = { evidence: r.evidence.length, supporting: 0, refuting: 0, neutral: 0 };
  for (const e of r.evidence) {
    if (e.prediction.label === 'entailment') counts.supporting += 1;
    else if (e.prediction.label === 'contradiction') counts.refuting += 1;
    else counts.neutral += 1;
  }
  return {
    // External ids are not written to claims.external_id: it is UNIQUE, so re-verifying a file would fail.
    claim: { text: r.claimText },
    verdict: r.verdict,
    confidence: r.confidence,
    scores: { entailment: r.scores.SUPPORTED, neutral: r.scores.INSUFFICIENT, contradiction: r.scores.REFUTED },
    counts,
    pipelineVersion: r.pipelineVersion,
    retrievalMethod: r.retrievalMethod,
    timings: { ...r.timings },
    ...(r.run ? { run: r.run } : {}),
    nli: r.evidence.map((e) => ({
      evidenceId: e.evidenceId,
      label: e.prediction.label,
      entailment: e.prediction.probabilities.entailment,
      neutral: e.prediction.probabilities.neutral,
      contradiction: e.prediction.probabilities.contradiction,
      modelId: r.nliModelId,
    })),
  };
}

/**
 * The evidence store over a Database: one multi-query search statement per batch (hybrid: one per
 * claim, the hybrid query takes one text), one atomic store statement per batch.
 */
export class DbEvidenceStore implements EvidenceStoreLike {
  readonly engine: string;

  constructor(
    readonly db: Database,
    /** Embeddings are stored per embedder pack: search only this pack's vectors. */
    readonly embeddingModelId: string,
  ) {
    this.engine = describeEngine(db.engine);
  }

  async search(request: SearchRequest): Promise<RetrievedEvidence[][]> {
    if (request.mode === 'hybrid') {
      const out: RetrievedEvidence[][] = [];
      for (let i = 0; i < request.vectors.length; i++) {
        const hits = await hybridSearch(this.db, request.texts[i]!, request.vectors[i]!, { k: request.k, modelId: this.embeddingModelId });
        out.push(
          hits
            .filter((h) => h.similarity === null || h.similarity >= request.minSimilarity)
            // Text-only hits have no cosine similarity: they count with similarity 0 (no weight in `weighted`).
            .map((h) => ({ id: h.evidenceId, content: h.content, source: h.source, similarity: h.similarity ?? 0 })),
        );
      }
      return out;
    }
    const hits = await searchMany(this.db, request.vectors, {
      mode: request.mode,
      k: request.k,
      modelId: this.embeddingModelId,
      minSimilarity: request.minSimilarity,
    });
    return hits.map((list) => list.map((h) => ({ id: h.evidenceId, content: h.content, source: h.source, similarity: h.similarity })));
  }

  async storeVerifications(records: readonly VerificationRecord[]): Promise<StoredVerification[]> {
    const stored = await storeVerifications(this.db, records.map(toVerificationInput));
    return stored.map((s) => ({ claimId: String(s.claimId), verificationId: String(s.verificationId) }));
  }
}
