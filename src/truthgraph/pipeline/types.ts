// What the pipeline needs from the model and database layers, as small interfaces, and what it returns.
// The real implementations (src/truthgraph/{embedding,nli,db,search}) are adapted to these in ./adapters.ts.
import type { Aggregation, NliLabel, NliProbabilities, StrategyName } from '../aggregation/index.ts';

export type RetrievalMode = 'exact' | 'ivfflat' | 'hnsw' | 'hybrid';
export const RETRIEVAL_MODES: readonly RetrievalMode[] = ['exact', 'ivfflat', 'hnsw', 'hybrid'];

/** Which model pack produced a result: verdicts from synthetic packs measure cost, not truth. */
export interface PackUse {
  name: string;
  /** Content hash of the pack (keys the embedding cache). */
  hash: string;
  variant: string;
  synthetic: boolean;
}

export interface EmbedderLike {
  readonly pack: PackUse;
  /** One call for the whole batch; returns L2-normalised vectors in input order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

import type { NliPair } from '../domain.ts';

export type { NliPair } from '../domain.ts';

export interface NliPrediction {
  probabilities: NliProbabilities;
  label: NliLabel;
}

export interface NliLike {
  readonly pack: PackUse;
  /** One call for all pairs (the service length-buckets internally); output in input order. */
  classify(pairs: readonly NliPair[]): Promise<NliPrediction[]>;
}

export interface RetrievedEvidence {
  id: string;
  content: string;
  similarity: number;
  source?: string | null;
}

export interface SearchRequest {
  vectors: readonly Float32Array[];
  /** The claim texts, for hybrid (full-text) retrieval. */
  texts: readonly string[];
  k: number;
  minSimilarity: number;
  mode: RetrievalMode;
}

/** One claim's verification as handed to the store (one transaction per batch). */
export interface VerificationRecord {
  claimText: string;
  externalId?: string;
  verdict: Aggregation['verdict'];
  confidence: number;
  scores: Aggregation['scores'];
  evidence: ReadonlyArray<{ evidenceId: string; prediction: NliPrediction }>;
  nliModelId: string;
  pipelineVersion: string;
  retrievalMethod: string;
  /** Stages before the store (the store's own time is unknown while it runs). */
  timings: Pick<StageTimings, 'embed' | 'retrieve' | 'nli' | 'aggregate'>;
  /** Part of a batch run (options.runKey): a claim index already stored for the run is not stored again. */
  run?: { key: string; index: number };
}

export interface StoredVerification {
  claimId: string;
  verificationId: string;
}

export interface EvidenceStoreLike {
  /** Human-readable engine and versions, e.g. "pglite 0.5.14 (postgres 18.6, pgvector 0.8.7)". */
  readonly engine: string;
  /** Top-k per query vector, in as few round trips as the engine allows. */
  search(request: SearchRequest): Promise<RetrievedEvidence[][]>;
  /** Stores claims, NLI rows and verification results in ONE transaction; ids in input order. */
  storeVerifications(records: readonly VerificationRecord[]): Promise<StoredVerification[]>;
}

export interface StageTimings {
  embed: number;
  retrieve: number;
  nli: number;
  aggregate: number;
  store: number;
  /** Wall time of the whole call, measured independently of the stages. */
  total: number;
}

export interface EvidenceUse {
  id: string;
  content: string;
  source?: string | null;
  similarity: number;
  label: NliLabel;
  probabilities: NliProbabilities;
}

export interface VerificationResult {
  /** Position of the claim in the caller's input. */
  index: number;
  externalId?: string;
  /** The claim as verified: normalised and possibly truncated. */
  claim: string;
  truncated: boolean;
  verdict: Aggregation['verdict'];
  confidence: number;
  scores: Aggregation['scores'];
  conflict: boolean;
  strategy: StrategyName;
  evidence: EvidenceUse[];
  /** Stage timings of the batch this claim was processed in (a single claim is a batch of 1). */
  timings: StageTimings;
  batchSize: number;
  embeddingCacheHit: boolean;
  stored: StoredVerification | null;
  packs: { embedder: PackUse; nli: PackUse };
  synthetic: boolean;
  engine: string;
  mode: RetrievalMode;
  k: number;
}

export type { ClaimInput } from '../domain.ts';
