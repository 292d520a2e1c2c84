// Deterministic (seeded) unit vectors for DB tests and perf suites: clustered like text embeddings,
// since uniform random vectors are the worst case for ANN recall (docs/platform-notes.md).
import { normalDeviate, seededRng } from '../../perf/stats/rng.ts';

/** mulberry32, the generator the statistics use too: seeded test data and corpora. */
const rng = seededRng;

export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i]! *= s;
  return v;
}

export interface ClusteredOptions {
  n: number;
  dim?: number;
  clusters?: number;
  /** Noise scale around each centre (0.5 ~ neighbours at cosine ~0.8). */
  spread?: number;
  seed?: number;
}

export function clusteredVectors(options: ClusteredOptions): Float32Array[] {
  const { n, dim = 384, clusters = 50, spread = 0.5, seed = 1 } = options;
  const next = rng(seed);
  const centres = Array.from({ length: clusters }, () => normalise(Float32Array.from({ length: dim }, () => normalDeviate(next))));
  const noise = spread / Math.sqrt(dim);
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(next() * clusters)]!;
    return normalise(Float32Array.from(c, (x) => x + noise * normalDeviate(next)));
  });
}

/** Exact cosine top-k in TypeScript (ties by id), the reference for search tests and recall. */
export function bruteForceTopK(
  query: Float32Array,
  items: readonly { id: string; vector: Float32Array }[],
  k: number,
): { id: string; similarity: number }[] {
  let qn = 0;
  for (const x of query) qn += x * x;
  qn = Math.sqrt(qn);
  return items
    .map(({ id, vector }) => {
      let dot = 0;
      let vn = 0;
      for (let i = 0; i < vector.length; i++) {
        dot += query[i]! * vector[i]!;
        vn += vector[i]! * vector[i]!;
      }
      return { id, similarity: dot / (qn * Math.sqrt(vn)) };
    })
    .sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}
