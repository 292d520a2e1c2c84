// Verification options: resolved once (defaults <- caller overrides), validated, then passed down whole.
import { z } from 'zod';
import { DEFAULT_AGGREGATION_OPTIONS, STRATEGY_NAMES } from '../aggregation/index.ts';
import type { AggregationOptions, StrategyName } from '../aggregation/index.ts';
import { UserError } from '../../shared/errors.ts';
import { RETRIEVAL_MODES } from './types.ts';
import type { RetrievalMode } from './types.ts';

export const PIPELINE_VERSION = 'truthgraph-ts/1';

const aggregationSchema = z.object({
  verdictThreshold: z.number().min(0).max(1),
  strongProbability: z.number().min(0).max(1),
  filterSimilarity: z.number().min(-1).max(1),
  filterProbability: z.number().min(0).max(1),
});

const optionsSchema = z.object({
  k: z.number().int().min(1).max(1000),
  minSimilarity: z.number().min(-1).max(1),
  mode: z.enum(RETRIEVAL_MODES as [RetrievalMode, ...RetrievalMode[]]),
  strategy: z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]]),
  aggregation: aggregationSchema,
  /** Claims per pipeline batch (one embed call, one search, one NLI call, one transaction each). */
  batchSize: z.number().int().min(1).max(4096),
  /** Batches in flight at once (a batch in NLI can overlap the next one's retrieval). */
  concurrency: z.number().int().min(1).max(64),
  /** Calls allowed to wait for a slot before new ones are rejected (back-pressure). */
  maxQueued: z.number().int().min(0),
  /** Longer claims are truncated (at a word boundary when possible) and still verified. */
  maxClaimChars: z.number().int().min(16),
  /** Entries of the claim-embedding LRU cache; 0 disables it. */
  cacheSize: z.number().int().min(0),
  /** Write claims, NLI rows and verification results (one transaction per batch). */
  store: z.boolean(),
  /**
   * Identity of a batch run (see run-key.ts): stored results carry it with each claim's index, and a
   * rerun of an interrupted run stores only what is missing. null: every verification is stored.
   */
  runKey: z.string().min(1).nullable(),
  pipelineVersion: z.string().min(1),
});

export type VerifyOptions = Readonly<Omit<z.infer<typeof optionsSchema>, 'aggregation'> & { aggregation: AggregationOptions }>;

export type VerifyOptionsInput = Partial<Omit<VerifyOptions, 'aggregation'>> & { aggregation?: Partial<AggregationOptions> };

export const DEFAULT_VERIFY_OPTIONS: VerifyOptions = Object.freeze({
  k: 10,
  minSimilarity: 0,
  mode: 'exact',
  strategy: 'weighted',
  aggregation: DEFAULT_AGGREGATION_OPTIONS,
  batchSize: 32,
  concurrency: 2,
  maxQueued: 64,
  maxClaimChars: 2000,
  cacheSize: 4096,
  store: true,
  runKey: null,
  pipelineVersion: PIPELINE_VERSION,
});

/** Defaults <- overrides, validated; a bad value is a UserError naming the option. */
export function resolveVerifyOptions(input: VerifyOptionsInput = {}, base: VerifyOptions = DEFAULT_VERIFY_OPTIONS): VerifyOptions {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const merged = { ...base, ...defined, aggregation: { ...base.aggregation, ...(input.aggregation ?? {}) } };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`invalid verify option ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      fix: `allowed: mode ${RETRIEVAL_MODES.join('|')}, strategy ${STRATEGY_NAMES.join('|')}, k 1..1000, min similarity -1..1`,
    });
  }
  return Object.freeze(parsed.data);
}
