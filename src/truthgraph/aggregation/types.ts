// The vocabulary of verdict aggregation: NLI probabilities per evidence in, a verdict out.
// Labels are named, never positional: the original system mapped probability indexes to the wrong labels.

import type { Verdict } from '../domain.ts';

export { VERDICTS, type NliLabel, type Verdict } from '../domain.ts';

/** Softmax output of the NLI model for (premise = evidence, hypothesis = claim), by label name. */
export interface NliProbabilities {
  entailment: number;
  neutral: number;
  contradiction: number;
}

/** One retrieved evidence item as the aggregation sees it. */
export interface Judgement {
  evidenceId: string;
  /** Cosine similarity of the claim and evidence embeddings (1 = identical). */
  similarity: number;
  probabilities: NliProbabilities;
}

export type VerdictScores = Record<Verdict, number>;

export interface Aggregation {
  verdict: Verdict;
  /** 0..1; 0 when there is no evidence. */
  confidence: number;
  /** Per-label scores of the strategy (they sum to 1 unless there is no evidence: then all 0). */
  scores: VerdictScores;
  /** True when strong support and strong refutation are both present. */
  conflict: boolean;
  /** How many judgements the strategy actually counted (after its filters). */
  counted: number;
}

export type StrategyName = 'weighted' | 'majority' | 'threshold' | 'consensus';
export const STRATEGY_NAMES: readonly StrategyName[] = ['weighted', 'majority', 'threshold', 'consensus'];

export interface AggregationOptions {
  /** The winning SUPPORTED/REFUTED score must reach this, else INSUFFICIENT (weighted, threshold). */
  verdictThreshold: number;
  /** A judgement whose entailment (contradiction) probability reaches this is strong support (refutation). */
  strongProbability: number;
  /** threshold strategy: drop evidence below this retrieval similarity ... */
  filterSimilarity: number;
  /** ... and evidence whose top NLI probability is below this. */
  filterProbability: number;
}

export const DEFAULT_AGGREGATION_OPTIONS: AggregationOptions = Object.freeze({
  verdictThreshold: 0.5,
  strongProbability: 0.6,
  filterSimilarity: 0.3,
  filterProbability: 0.6,
});

export type Strategy = (judgements: readonly Judgement[], options: AggregationOptions) => Aggregation;
