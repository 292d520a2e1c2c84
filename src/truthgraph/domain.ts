// The product's shared vocabulary, in one place: what a verdict is, the NLI label names, a
// (premise, hypothesis) pair and a claim as users submit it. Every layer (NLI, aggregation,
// repositories, pipeline) imports these rather than declaring its own copy.

export const VERDICTS = ['SUPPORTED', 'REFUTED', 'INSUFFICIENT'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * NLI labels by name. Probabilities are always keyed by these names, never by position: the
 * original system mapped probability indexes to the wrong labels; a model's order comes from
 * its config.json `id2label`.
 */
export const NLI_LABELS = ['entailment', 'neutral', 'contradiction'] as const;
export type NliLabel = (typeof NLI_LABELS)[number];

/** One cross-encoder input: premise = the evidence text, hypothesis = the claim text. */
export interface NliPair {
  premise: string;
  hypothesis: string;
}

/** A claim as submitted: its text and, optionally, the caller's id for it. */
export interface ClaimInput {
  text: string;
  externalId?: string;
}
