// A bounded LRU cache of claim embeddings, keyed by the embedder pack's hash and the normalised text,
// so a claim seen twice (or twice in one batch) is embedded once, and a pack change never reuses vectors.

export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  size: number;
  capacity: number;
}

export class EmbeddingCache {
  readonly capacity: number;
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recent.
  private readonly entries = new Map<string, Float32Array>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`cache capacity must be an integer >= 0, got ${capacity}`);
    this.capacity = capacity;
  }

  static key(packHash: string, normalisedText: string): string {
    return `${packHash}\u0000${normalisedText}`;
  }

  get(packHash: string, normalisedText: string): Float32Array | undefined {
    const key = EmbeddingCache.key(packHash, normalisedText);
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(packHash: string, normalisedText: string, embedding: Float32Array): void {
    if (this.capacity === 0) return;
    const key = EmbeddingCache.key(packHash, normalisedText);
    this.entries.delete(key);
    this.entries.set(key, embedding);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictions += 1;
    }
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, size: this.entries.size, capacity: this.capacity };
  }

  clear(): void {
    this.entries.clear();
  }
}
