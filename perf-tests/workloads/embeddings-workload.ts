// The embeddings suite's workload: one embed() call on a fixed set of texts, by variant, batch size
// and text length (perf-tests/embeddings.perf.ts measures exactly this call per metric).
import { defaultCacheDir } from '../../src/shared/paths.ts';
import { loadEmbedder, type Embedder } from '../../src/truthgraph/embedding/embedder.ts';
import type { Variant } from '../../src/truthgraph/models/spec.ts';
import { LENGTH_CLASSES, profileTexts, type LengthClass } from './model-profile.ts';
import type { NamedWorkload } from './named-workload.ts';

export const EMBED_VARIANTS: readonly Variant[] = ['fp32', 'int8'];
export const EMBED_BATCHES = [8, 16, 32, 64, 128] as const;
/** Texts per timed call: enough for several batches at b128, short enough for ~10 samples in 3 s. */
export const EMBED_ITEMS: Record<LengthClass, number> = { short: 256, medium: 192, long: 128 };
/**
 * Short texts per timed call in the quick profile (two b32 batches): in A/B mode the pairs of one
 * round share a time cap, and a 256-text fp32 call (~0.5 s) left 3-5 pairs per round.
 */
export const EMBED_QUICK_SHORT_ITEMS = 64;

export const embedMetricName = (variant: Variant, batchSize: number, length: LengthClass): string => `embed ${variant} b${batchSize} ${length}`;

/** The timed call of an embeddings throughput metric. */
export function embedTexts(embedder: Embedder, texts: readonly string[]): () => Promise<Float32Array[]> {
  return () => embedder.embed(texts);
}

export function embeddingsWorkload(variant: Variant, batchSize: number, length: LengthClass): NamedWorkload {
  return {
    suite: 'embeddings',
    metric: embedMetricName(variant, batchSize, length),
    description: `embed ${EMBED_ITEMS[length]} ${length} texts, ${variant}, batch ${batchSize}, in-process ORT session (2 threads)`,
    async open() {
      const embedder = await loadEmbedder({ cacheDir: defaultCacheDir(process.env), variant, batchSize });
      const texts = profileTexts(length, EMBED_ITEMS[length]);
      return { iteration: embedTexts(embedder, texts), itemsPerIteration: texts.length, unit: 'texts', close: () => embedder.dispose() };
    },
  };
}

/** Every throughput metric of the full profile (the default first: int8 b32 short). */
export function embeddingsWorkloads(): NamedWorkload[] {
  const all = EMBED_VARIANTS.flatMap((v) => EMBED_BATCHES.flatMap((b) => LENGTH_CLASSES.map((l) => embeddingsWorkload(v, b, l))));
  const first = embedMetricName('int8', 32, 'short');
  return [...all.filter((w) => w.metric === first), ...all.filter((w) => w.metric !== first)];
}
