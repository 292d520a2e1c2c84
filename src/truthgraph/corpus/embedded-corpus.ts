// A generated corpus with its text embeddings, cached on disk: embedding 50k passages takes minutes,
// so perf suites and benches build it once per (corpus content, embedder pack) and reload it in ms.
// Cache files live under <cacheDir>/corpora (git-ignored): <name>.f32 holds n x dim little-endian
// float32 rows, written atomically (temp + rename), validated by size on load.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateCorpus, loadSeedPassages, type Corpus, type SeedPassage } from './generate.ts';

/** The part of an Embedder this needs (src/truthgraph/embedding's Embedder fits). */
export interface CorpusEmbedder {
  readonly pack: { id: string; variant: string; hash: string };
  readonly dimension: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface EmbeddedCorpus {
  corpus: Corpus;
  /** One vector per corpus item, same order. */
  vectors: Float32Array[];
  /** sha256 (16 hex) over the corpus content, pack id/variant/hash and dimension. */
  key: string;
  file: string;
  fromCache: boolean;
  /** Time spent embedding (0 when loaded from cache). */
  embedMs: number;
}

export interface EmbeddedCorpusOptions {
  /** Root of generated state; files go to <cacheDir>/corpora. */
  cacheDir: string;
  seed?: number;
  seeds?: readonly SeedPassage[];
  /** Texts per embed() call (progress granularity). */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Take the vectors from the first `size` rows of this larger corpus (loaded or built and cached).
   * The generator is a stream, so corpus(n) is the first n passages of corpus(m > n): a run that
   * needs several sizes embeds the largest once instead of every size. The key differs from a
   * standalone build (int8 embeddings depend slightly on batch composition).
   */
  supersetSize?: number;
}

export function embeddedCorpusKey(corpus: Corpus, embedder: CorpusEmbedder): string {
  const h = createHash('sha256');
  h.update(`${embedder.pack.id}\0${embedder.pack.variant}\0${embedder.pack.hash}\0${embedder.dimension}\0`);
  for (const item of corpus.items) h.update(`${item.id}\0${item.content}\0`);
  return h.digest('hex').slice(0, 16);
}

function readVectors(file: string, n: number, dim: number): Float32Array[] | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.byteLength !== n * dim * 4) return undefined; // truncated or foreign: rebuild
  // Copy into an aligned buffer (readFileSync's may be pooled at an odd offset).
  const all = new Float32Array(n * dim);
  new Uint8Array(all.buffer).set(buf);
  return Array.from({ length: n }, (_, i) => all.subarray(i * dim, (i + 1) * dim));
}

function writeVectors(file: string, vectors: readonly Float32Array[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const v of vectors) fs.writeSync(fd, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Generates the corpus (deterministic, fast) and loads its embeddings from cache or computes and caches them. */
export async function loadOrBuildEmbeddedCorpus(
  size: number,
  embedder: CorpusEmbedder,
  options: EmbeddedCorpusOptions,
): Promise<EmbeddedCorpus> {
  const seed = options.seed ?? 42;
  const seeds = options.seeds ?? loadSeedPassages();
  const corpus = generateCorpus(seeds, size, seed);
  if (options.supersetSize !== undefined && options.supersetSize > size) {
    const { supersetSize, ...rest } = options;
    const whole = await loadOrBuildEmbeddedCorpus(supersetSize, embedder, { ...rest, seeds, seed });
    // The prefix property is checked, not assumed: a generator change falls back to a standalone build.
    if (corpus.items.every((item, i) => whole.corpus.items[i]!.id === item.id && whole.corpus.items[i]!.content === item.content)) {
      const key = createHash('sha256').update(`${whole.key}:prefix:${size}`).digest('hex').slice(0, 16);
      return { corpus, vectors: whole.vectors.slice(0, size), key, file: whole.file, fromCache: whole.fromCache, embedMs: whole.embedMs };
    }
  }
  const key = embeddedCorpusKey(corpus, embedder);
  const file = path.join(options.cacheDir, 'corpora', `evidence_${size}_s${seed}_${key}.f32`);
  const cached = readVectors(file, corpus.items.length, embedder.dimension);
  if (cached) return { corpus, vectors: cached, key, file, fromCache: true, embedMs: 0 };
  const chunkSize = options.chunkSize ?? 1000;
  const texts = corpus.items.map((i) => i.content);
  const vectors: Float32Array[] = [];
  const started = performance.now();
  for (let start = 0; start < texts.length; start += chunkSize) {
    vectors.push(...(await embedder.embed(texts.slice(start, start + chunkSize))));
    options.onProgress?.(vectors.length, texts.length);
  }
  const embedMs = performance.now() - started;
  if (vectors.some((v) => v.length !== embedder.dimension)) {
    throw new Error(`embedder returned vectors of another dimension than ${embedder.dimension}`);
  }
  writeVectors(file, vectors);
  return { corpus, vectors, key, file, fromCache: false, embedMs };
}
