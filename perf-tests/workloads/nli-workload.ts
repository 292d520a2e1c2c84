// The NLI suite's workload: one classify() call on a fixed set of pairs, by variant, batch size and
// pair length (perf-tests/nli.perf.ts measures exactly this call per throughput metric).
import { defaultCacheDir } from '../../src/shared/paths.ts';
import type { Variant } from '../../src/truthgraph/models/spec.ts';
import { loadNli, type NliModel, type NliPair } from '../../src/truthgraph/nli/nli.ts';
import { LENGTH_CLASSES, profilePairs, type LengthClass } from './model-profile.ts';
import type { NamedWorkload } from './named-workload.ts';

export const NLI_VARIANTS: readonly Variant[] = ['fp32', 'int8'];
export const NLI_BATCHES = [1, 4, 8, 16, 32] as const;
/** Pairs per timed call: one full batch at b32, several at smaller batches. */
export const NLI_ITEMS = 32;

export const nliMetricName = (variant: Variant, batchSize: number, length: LengthClass): string => `nli ${variant} b${batchSize} ${length}`;

/** The timed call of an NLI throughput metric. */
export function classifyPairs(nli: NliModel, pairs: readonly NliPair[]): () => Promise<unknown> {
  return () => nli.classify(pairs);
}

export function nliWorkload(variant: Variant, batchSize: number, length: LengthClass): NamedWorkload {
  return {
    suite: 'nli',
    metric: nliMetricName(variant, batchSize, length),
    description: `classify ${NLI_ITEMS} ${length} pairs, ${variant}, batch ${batchSize}, in-process ORT session`,
    async open() {
      const nli = await loadNli({ cacheDir: defaultCacheDir(process.env), variant, batchSize });
      const pairs = profilePairs(length, NLI_ITEMS);
      return { iteration: classifyPairs(nli, pairs), itemsPerIteration: pairs.length, unit: 'pairs', close: () => nli.dispose() };
    },
  };
}

/** Every throughput metric of the full profile (the default first: int8 b16 short). */
export function nliWorkloads(): NamedWorkload[] {
  const all = NLI_VARIANTS.flatMap((v) => NLI_BATCHES.flatMap((b) => LENGTH_CLASSES.map((l) => nliWorkload(v, b, l))));
  const first = nliMetricName('int8', 16, 'short');
  return [...all.filter((w) => w.metric === first), ...all.filter((w) => w.metric !== first)];
}
