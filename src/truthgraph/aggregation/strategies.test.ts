import { describe, expect, it } from 'vitest';
import { aggregate, DEFAULT_AGGREGATION_OPTIONS, STRATEGY_NAMES, topLabel } from './index.ts';
import type { Judgement, NliProbabilities, StrategyName, Verdict } from './index.ts';

const E: NliProbabilities = { entailment: 0.9, neutral: 0.05, contradiction: 0.05 };
const C: NliProbabilities = { entailment: 0.05, neutral: 0.05, contradiction: 0.9 };
const N: NliProbabilities = { entailment: 0.1, neutral: 0.8, contradiction: 0.1 };
const WEAK_E: NliProbabilities = { entailment: 0.45, neutral: 0.35, contradiction: 0.2 };

function j(probabilities: NliProbabilities, similarity = 0.8, id = 'ev'): Judgement {
  return { evidenceId: id, similarity, probabilities };
}

interface Case {
  name: string;
  strategy: StrategyName;
  judgements: Judgement[];
  verdict: Verdict;
  confidence?: number;
  conflict?: boolean;
}

const cases: Case[] = [
  // weighted
  { name: 'one entailing evidence', strategy: 'weighted', judgements: [j(E)], verdict: 'SUPPORTED', confidence: 0.9, conflict: false },
  { name: 'one contradicting evidence', strategy: 'weighted', judgements: [j(C)], verdict: 'REFUTED', confidence: 0.9, conflict: false },
  { name: 'neutral only', strategy: 'weighted', judgements: [j(N), j(N)], verdict: 'INSUFFICIENT', confidence: 0.8 },
  { name: 'weak support below threshold', strategy: 'weighted', judgements: [j(WEAK_E)], verdict: 'INSUFFICIENT', confidence: 0.35 },
  // similarity decides: the contradiction is far more similar than the support
  { name: 'similar refutation outweighs dissimilar support', strategy: 'weighted', judgements: [j(E, 0.1), j(C, 0.9)], verdict: 'REFUTED', conflict: true },
  { name: 'similar support outweighs dissimilar refutation', strategy: 'weighted', judgements: [j(E, 0.9), j(C, 0.1)], verdict: 'SUPPORTED', conflict: true },
  { name: 'equal support and refutation', strategy: 'weighted', judgements: [j(E), j(C)], verdict: 'INSUFFICIENT', conflict: true },
  { name: 'non-positive similarities fall back to plain mean', strategy: 'weighted', judgements: [j(C, -0.2), j(C, 0)], verdict: 'REFUTED', confidence: 0.9 },
  // majority
  { name: 'majority support', strategy: 'majority', judgements: [j(E), j(E), j(C)], verdict: 'SUPPORTED', confidence: 2 / 3, conflict: true },
  { name: 'majority refute', strategy: 'majority', judgements: [j(C), j(C), j(N)], verdict: 'REFUTED', confidence: 2 / 3 },
  { name: 'majority tie support/refute', strategy: 'majority', judgements: [j(E), j(C)], verdict: 'INSUFFICIENT', confidence: 0 },
  { name: 'majority neutral plurality', strategy: 'majority', judgements: [j(N), j(N), j(E)], verdict: 'INSUFFICIENT', confidence: 2 / 3 },
  { name: 'majority ignores similarity', strategy: 'majority', judgements: [j(E, 0.1), j(E, 0.1), j(C, 0.99)], verdict: 'SUPPORTED' },
  // threshold-filtered
  { name: 'threshold drops dissimilar evidence', strategy: 'threshold', judgements: [j(E, 0.1), j(C, 0.9)], verdict: 'REFUTED', confidence: 0.9, conflict: false },
  { name: 'threshold drops unconfident evidence', strategy: 'threshold', judgements: [j(WEAK_E, 0.9), j(C, 0.5)], verdict: 'REFUTED', confidence: 0.9 },
  { name: 'threshold leaves nothing', strategy: 'threshold', judgements: [j(E, 0.1), j(WEAK_E, 0.9)], verdict: 'INSUFFICIENT', confidence: 0 },
  // strict consensus
  { name: 'consensus of support', strategy: 'consensus', judgements: [j(E), j(E), j(N)], verdict: 'SUPPORTED', confidence: 0.9, conflict: false },
  { name: 'consensus of refutation', strategy: 'consensus', judgements: [j(C), j(C)], verdict: 'REFUTED', confidence: 0.9 },
  { name: 'one dissent breaks consensus', strategy: 'consensus', judgements: [j(E), j(E), j(E), j(C)], verdict: 'INSUFFICIENT', conflict: true },
  { name: 'only neutral: no consensus', strategy: 'consensus', judgements: [j(N)], verdict: 'INSUFFICIENT', confidence: 0.8 },
];

describe('aggregation strategies', () => {
  it.each(cases)('$strategy: $name -> $verdict', (c) => {
    const result = aggregate(c.judgements, c.strategy, DEFAULT_AGGREGATION_OPTIONS);
    expect(result.verdict).toBe(c.verdict);
    if (c.confidence !== undefined) expect(result.confidence).toBeCloseTo(c.confidence, 9);
    if (c.conflict !== undefined) expect(result.conflict).toBe(c.conflict);
    const sum = result.scores.SUPPORTED + result.scores.REFUTED + result.scores.INSUFFICIENT;
    if (result.counted > 0) expect(sum).toBeCloseTo(1, 9);
  });

  it.each(STRATEGY_NAMES)('%s: no evidence -> INSUFFICIENT with confidence 0 and zero scores', (strategy) => {
    expect(aggregate([], strategy)).toEqual({
      verdict: 'INSUFFICIENT',
      confidence: 0,
      scores: { SUPPORTED: 0, REFUTED: 0, INSUFFICIENT: 0 },
      conflict: false,
      counted: 0,
    });
  });

  it.each(STRATEGY_NAMES)('%s: contradiction maps to REFUTED and entailment to SUPPORTED, never swapped', (strategy) => {
    expect(aggregate([j(C, 0.9)], strategy).verdict).toBe('REFUTED');
    expect(aggregate([j(E, 0.9)], strategy).verdict).toBe('SUPPORTED');
    expect(aggregate([j(C, 0.9)], strategy).scores.REFUTED).toBeGreaterThan(0.5);
  });

  it('weighted scores are the similarity-weighted mean of the probabilities', () => {
    const r = aggregate([j(E, 0.75), j(C, 0.25)], 'weighted');
    expect(r.scores.SUPPORTED).toBeCloseTo(0.75 * 0.9 + 0.25 * 0.05, 9);
    expect(r.scores.REFUTED).toBeCloseTo(0.75 * 0.05 + 0.25 * 0.9, 9);
    expect(r.scores.INSUFFICIENT).toBeCloseTo(0.05, 9);
  });

  it('topLabel ties resolve toward neutral', () => {
    expect(topLabel({ entailment: 0.4, neutral: 0.4, contradiction: 0.2 })).toBe('neutral');
    expect(topLabel({ entailment: 0.2, neutral: 0.2, contradiction: 0.6 })).toBe('contradiction');
  });
});
