// Verdict aggregation strategies: pure functions from per-evidence NLI judgements to one verdict.
// Mapping, stated once: entailment -> SUPPORTED, contradiction -> REFUTED, neutral -> INSUFFICIENT.
import type {
  Aggregation,
  AggregationOptions,
  Judgement,
  NliLabel,
  NliProbabilities,
  Strategy,
  StrategyName,
  Verdict,
  VerdictScores,
} from './types.ts';
import { DEFAULT_AGGREGATION_OPTIONS } from './types.ts';

export const LABEL_TO_VERDICT: Readonly<Record<NliLabel, Verdict>> = Object.freeze({
  entailment: 'SUPPORTED',
  contradiction: 'REFUTED',
  neutral: 'INSUFFICIENT',
});

const ZERO_SCORES: VerdictScores = Object.freeze({ SUPPORTED: 0, REFUTED: 0, INSUFFICIENT: 0 });

function noEvidence(): Aggregation {
  return { verdict: 'INSUFFICIENT', confidence: 0, scores: { ...ZERO_SCORES }, conflict: false, counted: 0 };
}

/** The label with the highest probability; ties resolve toward neutral, then entailment. */
export function topLabel(p: NliProbabilities): NliLabel {
  if (p.neutral >= p.entailment && p.neutral >= p.contradiction) return 'neutral';
  return p.entailment >= p.contradiction ? 'entailment' : 'contradiction';
}

function toScores(p: NliProbabilities): VerdictScores {
  return { SUPPORTED: p.entailment, REFUTED: p.contradiction, INSUFFICIENT: p.neutral };
}

/** Strong support and strong refutation both present among the judgements. */
export function hasConflict(judgements: readonly Judgement[], options: AggregationOptions): boolean {
  const strong = options.strongProbability;
  return (
    judgements.some((j) => j.probabilities.entailment >= strong) &&
    judgements.some((j) => j.probabilities.contradiction >= strong)
  );
}

/** Similarity-weighted mean of the probabilities (weights clamp at 0; all-zero weights -> plain mean). */
function weightedMean(judgements: readonly Judgement[]): NliProbabilities {
  let total = 0;
  for (const j of judgements) total += Math.max(0, j.similarity);
  const uniform = total <= 0;
  const sum: NliProbabilities = { entailment: 0, neutral: 0, contradiction: 0 };
  for (const j of judgements) {
    const w = uniform ? 1 : Math.max(0, j.similarity);
    sum.entailment += w * j.probabilities.entailment;
    sum.neutral += w * j.probabilities.neutral;
    sum.contradiction += w * j.probabilities.contradiction;
  }
  const denominator = uniform ? judgements.length : total;
  const norm = sum.entailment + sum.neutral + sum.contradiction;
  // Renormalise so scores sum to 1 even if a model's probabilities are slightly off.
  const scale = norm > 0 ? 1 / norm : 1 / denominator;
  return { entailment: sum.entailment * scale, neutral: sum.neutral * scale, contradiction: sum.contradiction * scale };
}

/** SUPPORTED or REFUTED when the larger of the two scores reaches the threshold, else INSUFFICIENT. */
function decideByThreshold(scores: VerdictScores, threshold: number): { verdict: Verdict; confidence: number } {
  const winner: Verdict = scores.SUPPORTED >= scores.REFUTED ? 'SUPPORTED' : 'REFUTED';
  if (scores[winner] >= threshold) {
    return { verdict: winner, confidence: scores[winner] };
  }
  return { verdict: 'INSUFFICIENT', confidence: scores.INSUFFICIENT };
}

/** Per-evidence probabilities weighted by retrieval similarity. */
export const weighted: Strategy = (judgements, options) => {
  if (judgements.length === 0) return noEvidence();
  const scores = toScores(weightedMean(judgements));
  return {
    ...decideByThreshold(scores, options.verdictThreshold),
    scores,
    conflict: hasConflict(judgements, options),
    counted: judgements.length,
  };
};

/** One vote per evidence (its top label); plurality wins; a SUPPORTED/REFUTED tie is INSUFFICIENT. */
export const majority: Strategy = (judgements, options) => {
  if (judgements.length === 0) return noEvidence();
  const votes: VerdictScores = { SUPPORTED: 0, REFUTED: 0, INSUFFICIENT: 0 };
  for (const j of judgements) votes[LABEL_TO_VERDICT[topLabel(j.probabilities)]] += 1;
  const n = judgements.length;
  const scores: VerdictScores = { SUPPORTED: votes.SUPPORTED / n, REFUTED: votes.REFUTED / n, INSUFFICIENT: votes.INSUFFICIENT / n };
  let verdict: Verdict = 'INSUFFICIENT';
  const best = Math.max(votes.SUPPORTED, votes.REFUTED);
  if (votes.SUPPORTED !== votes.REFUTED && best > votes.INSUFFICIENT) {
    verdict = votes.SUPPORTED > votes.REFUTED ? 'SUPPORTED' : 'REFUTED';
  }
  return { verdict, confidence: scores[verdict], scores, conflict: hasConflict(judgements, options), counted: n };
};

/** Weighted, but only over evidence that is similar enough and whose NLI call is confident enough. */
export const threshold: Strategy = (judgements, options) => {
  const kept = judgements.filter((j) => {
    const p = j.probabilities;
    return j.similarity >= options.filterSimilarity && Math.max(p.entailment, p.neutral, p.contradiction) >= options.filterProbability;
  });
  // Conflict, like the scores, is judged over the evidence the strategy counts.
  if (kept.length === 0) return noEvidence();
  return weighted(kept, options);
};

/**
 * Every non-neutral evidence must point the same way: then that verdict, with the mean probability
 * of its label as confidence; any disagreement (or only neutral evidence) is INSUFFICIENT.
 */
export const consensus: Strategy = (judgements, options) => {
  if (judgements.length === 0) return noEvidence();
  const labels = judgements.map((j) => topLabel(j.probabilities));
  const decisive = new Set(labels.filter((l) => l !== 'neutral'));
  const mean = weightedMean(judgements.map((j) => ({ ...j, similarity: 1 })));
  const scores = toScores(mean);
  const conflict = hasConflict(judgements, options) || decisive.size > 1;
  if (decisive.size !== 1) {
    return { verdict: 'INSUFFICIENT', confidence: scores.INSUFFICIENT, scores, conflict, counted: judgements.length };
  }
  const [label] = [...decisive] as [NliLabel];
  const agreeing = judgements.filter((_, i) => labels[i] === label);
  const confidence = agreeing.reduce((s, j) => s + j.probabilities[label], 0) / agreeing.length;
  return { verdict: LABEL_TO_VERDICT[label], confidence, scores, conflict, counted: judgements.length };
};

export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = Object.freeze({ weighted, majority, threshold, consensus });

export function aggregate(
  judgements: readonly Judgement[],
  strategy: StrategyName = 'weighted',
  options: AggregationOptions = DEFAULT_AGGREGATION_OPTIONS,
): Aggregation {
  return STRATEGIES[strategy](judgements, options);
}
