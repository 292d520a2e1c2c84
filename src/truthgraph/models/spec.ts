// Synthetic pack specifications: the real architectures and shapes of the models TruthGraph uses,
// so that a synthetic pack costs what the real one costs. The spec hash keys the cache folder.
import { createHash } from 'node:crypto';

/** Bumped whenever the generator's output changes for the same spec (invalidates cached packs). */
export const GENERATOR_VERSION = 3;

export type PackKind = 'embedder' | 'nli';
export type Variant = 'fp32' | 'int8';
/** `auto` picks int8 when the pack ships it (2.5x faster on our CPUs), else fp32. */
export type VariantChoice = Variant | 'auto';
export const VARIANTS: readonly Variant[] = ['fp32', 'int8'];
export const VARIANT_CHOICES: readonly VariantChoice[] = ['auto', 'fp32', 'int8'];
/**
 * The one variant default of ingest, demo, verify, search, embed, nli and the pipeline: vectors stored
 * by one command must be found by the next (int8: fp32 NLI cannot meet the latency targets on 2 cores).
 */
export const DEFAULT_VARIANT: VariantChoice = 'auto';

export interface BertSpec {
  name: string;
  kind: PackKind;
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPositions: number;
  typeVocab: number;
  layerNormEps: number;
  /** Seed of the weight PRNG. */
  seed: number;
  /** NLI only: id -> label, deliberately not alphabetical so label mapping is exercised. */
  id2label?: Record<string, string>;
}

const BASE = { vocabSize: 30522, layers: 6, heads: 12, maxPositions: 512, typeVocab: 2, layerNormEps: 1e-12 };

export const SYNTHETIC_SPECS: Readonly<Record<string, BertSpec>> = {
  'minilm-l6-h384': { ...BASE, name: 'minilm-l6-h384', kind: 'embedder', hidden: 384, ffn: 1536, seed: 384_001 },
  'nli-l6-h768': {
    ...BASE,
    name: 'nli-l6-h768',
    kind: 'nli',
    hidden: 768,
    ffn: 3072,
    seed: 768_001,
    id2label: { '0': 'contradiction', '1': 'entailment', '2': 'neutral' },
  },
};

export const DEFAULT_EMBEDDER_PACK = 'minilm-l6-h384';
export const DEFAULT_NLI_PACK = 'nli-l6-h768';

export function syntheticSpec(name: string): BertSpec | undefined {
  return Object.hasOwn(SYNTHETIC_SPECS, name) ? SYNTHETIC_SPECS[name] : undefined;
}

/** Hash of everything that determines a synthetic pack's bytes: spec, generator version, vocabulary. */
export function specHash(spec: BertSpec, vocabHash: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ spec, generator: GENERATOR_VERSION, vocab: vocabHash }))
    .digest('hex')
    .slice(0, 12);
}
