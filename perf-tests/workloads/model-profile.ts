// Reusable throughput/memory measurement of the embedding and NLI services (used by
// `truthgraph profile` and by the perf suites). For each case it times the service end to end and
// the raw runner on exactly the same padded token shapes, so their ratio is the service overhead
// (tokenising, bucketing, pooling). Measurement only: rendering lives with the CLI command.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATASET_DIR } from '../../src/shared/paths.ts';
import { loadEmbedder } from '../../src/truthgraph/embedding/embedder.ts';
import type { Variant } from '../../src/truthgraph/models/spec.ts';
import { loadNli, type NliPair } from '../../src/truthgraph/nli/nli.ts';
import { lengthBuckets, padBatch, type Encoded } from '../../src/truthgraph/tokenize/tokenizer.ts';
import { createRunner, type FeedTensor, type Runner } from '../../src/truthgraph/inference/runner.ts';

export type LengthClass = 'short' | 'medium' | 'long';
export const LENGTH_CLASSES: readonly LengthClass[] = ['short', 'medium', 'long'];

export interface ProfileCase {
  variant: Variant;
  batchSize: number;
  length: LengthClass;
}

export interface ProfileRow extends ProfileCase {
  service: 'embeddings' | 'nli';
  workers: number;
  threads: number;
  items: number;
  meanChars: number;
  meanTokens: number;
  /** Median items/s over the repetitions, end to end through the service. */
  itemsPerSec: number;
  /** Median items/s of the raw runner on the same padded batches. */
  rawItemsPerSec: number;
  /** itemsPerSec / rawItemsPerSec. */
  efficiency: number;
  samples: number[];
  rawSamples: number[];
  rssMb: number;
  peakRssMb: number;
  packId: string;
  synthetic: boolean;
}

export interface ProfileOptions {
  cacheDir: string;
  variants: readonly Variant[];
  batchSizes: readonly number[];
  lengths: readonly LengthClass[];
  workers: number;
  threads: number;
  /** Items per repetition. */
  items: number;
  repetitions: number;
  onRow?: (row: ProfileRow) => void;
}

function corpusTexts(): string[] {
  const items = JSON.parse(readFileSync(path.join(DATASET_DIR, 'evidence_corpus.json'), 'utf8')) as Array<{ content: string }>;
  return items.map((e) => e.content);
}

function claimTexts(): string[] {
  const file = JSON.parse(readFileSync(path.join(DATASET_DIR, 'test_claims.json'), 'utf8')) as { claims: Array<{ text: string }> };
  return file.claims.map((c) => c.text);
}

/** Cuts at the last word boundary before `max` characters. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const at = text.lastIndexOf(' ', max);
  return text.slice(0, at > max / 2 ? at : max);
}

/** Corpus texts by length class: short ~90 chars (cut), medium as-is (~130), long two joined (~260). */
export function profileTexts(length: LengthClass, count: number): string[] {
  const corpus = corpusTexts();
  const pick = (i: number) => corpus[i % corpus.length]!;
  return Array.from({ length: count }, (_, i) =>
    length === 'short' ? cut(pick(i), 90) : length === 'medium' ? pick(i) : `${pick(i)} ${pick(i + 7)}`,
  );
}

export function profilePairs(length: LengthClass, count: number): NliPair[] {
  const claims = claimTexts();
  return profileTexts(length, count).map((premise, i) => ({ premise, hypothesis: claims[i % claims.length]! }));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Items/s of the raw runner over the padded batches the service would form. */
async function rawThroughput(runner: Runner, encoded: Encoded[], batchSize: number, maxBatchTokens: number, padId: number): Promise<number> {
  const batches = lengthBuckets(encoded.map((e) => e.ids.length), batchSize, maxBatchTokens).map((rows) => padBatch(rows.map((i) => encoded[i]!), padId));
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const b = batches[next++]!;
      const dims = [b.size, b.seqLen];
      // Fresh copies: the pool transfers (detaches) the buffers it sends.
      const feeds: Record<string, FeedTensor> = {
        input_ids: { data: b.inputIds.slice(), dims },
        attention_mask: { data: b.attentionMask.slice(), dims },
        token_type_ids: { data: b.tokenTypeIds.slice(), dims },
      };
      await runner.run(feeds);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, runner.parallelism * 2) }, worker));
  return encoded.length / ((performance.now() - started) / 1000);
}

const mb = (bytes: number) => Math.round(bytes / 1e6);
const peakRss = () => Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);

async function profileService(
  service: 'embeddings' | 'nli',
  o: ProfileOptions,
  open: (variant: Variant, batchSize: number) => Promise<{
    run: (n: LengthClass) => Promise<{ encoded: Encoded[]; seconds: number; chars: number }>;
    modelPath: string;
    padId: number;
    maxBatchTokens: number;
    packId: string;
    synthetic: boolean;
    dispose: () => Promise<void>;
  }>,
): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  for (const variant of o.variants) {
    for (const batchSize of o.batchSizes) {
      const svc = await open(variant, batchSize);
      const raw = await createRunner(svc.modelPath, { workers: o.workers, threads: o.threads });
      try {
        for (const length of o.lengths) {
          await svc.run(length); // warm-up: arena growth, worker JIT
          const samples: number[] = [];
          const rawSamples: number[] = [];
          let encoded: Encoded[] = [];
          let chars = 0;
          for (let r = 0; r < o.repetitions; r++) {
            const res = await svc.run(length);
            encoded = res.encoded;
            chars = res.chars;
            samples.push(o.items / res.seconds);
            rawSamples.push(await rawThroughput(raw, encoded, batchSize, svc.maxBatchTokens, svc.padId));
          }
          const itemsPerSec = median(samples);
          const rawItemsPerSec = median(rawSamples);
          const row: ProfileRow = {
            service, variant, batchSize, length, workers: o.workers, threads: o.threads, items: o.items,
            meanChars: Math.round(chars / o.items),
            meanTokens: Math.round(encoded.reduce((s, e) => s + e.ids.length, 0) / Math.max(1, encoded.length)),
            itemsPerSec, rawItemsPerSec, efficiency: itemsPerSec / rawItemsPerSec, samples, rawSamples,
            rssMb: mb(process.memoryUsage().rss), peakRssMb: peakRss(), packId: svc.packId, synthetic: svc.synthetic,
          };
          rows.push(row);
          o.onRow?.(row);
        }
      } finally {
        await raw.dispose();
        await svc.dispose();
      }
    }
  }
  return rows;
}

export function profileEmbeddings(o: ProfileOptions & { pack?: string }): Promise<ProfileRow[]> {
  return profileService('embeddings', o, async (variant, batchSize) => {
    const e = await loadEmbedder({ cacheDir: o.cacheDir, variant, batchSize, workers: o.workers, threads: o.threads, ...(o.pack ? { pack: o.pack } : {}) });
    return {
      modelPath: path.join(e.pack.dir, e.pack.modelFile),
      padId: 0,
      maxBatchTokens: e.options.maxBatchTokens,
      packId: e.pack.id,
      synthetic: e.pack.synthetic,
      dispose: () => e.dispose(),
      run: async (length) => {
        const texts = profileTexts(length, o.items);
        const started = performance.now();
        await e.embed(texts);
        const seconds = (performance.now() - started) / 1000;
        return { encoded: e.encode(texts), seconds, chars: texts.reduce((s, t) => s + t.length, 0) };
      },
    };
  });
}

export function profileNli(o: ProfileOptions & { pack?: string }): Promise<ProfileRow[]> {
  return profileService('nli', o, async (variant, batchSize) => {
    const m = await loadNli({ cacheDir: o.cacheDir, variant, batchSize, workers: o.workers, threads: o.threads, ...(o.pack ? { pack: o.pack } : {}) });
    return {
      modelPath: path.join(m.pack.dir, m.pack.modelFile),
      padId: 0,
      maxBatchTokens: m.options.maxBatchTokens,
      packId: m.pack.id,
      synthetic: m.pack.synthetic,
      dispose: () => m.dispose(),
      run: async (length) => {
        const pairs = profilePairs(length, o.items);
        const started = performance.now();
        await m.classify(pairs);
        const seconds = (performance.now() - started) / 1000;
        return { encoded: m.encode(pairs), seconds, chars: pairs.reduce((s, p) => s + p.premise.length + p.hypothesis.length, 0) };
      },
    };
  });
}
