import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CORPUS_ATTRIBUTION, generateCorpus, loadSeedPassages } from './generate.ts';

const seeds = loadSeedPassages();

describe('generateCorpus', () => {
  it('is deterministic for (size, seed) and differs for another seed', () => {
    const hash = (s: number) => createHash('sha256').update(JSON.stringify(generateCorpus(seeds, 1000, s))).digest('hex');
    expect(hash(42)).toBe(hash(42));
    expect(hash(42)).not.toBe(hash(7));
  });

  it('keeps the 250 seeds first, then distinct generated passages with attribution and provenance', () => {
    const corpus = generateCorpus(seeds, 1000);
    expect(corpus.attribution).toBe(CORPUS_ATTRIBUTION);
    expect(corpus.items).toHaveLength(1000);
    expect(corpus.items.slice(0, 250).map((i) => i.id)).toEqual(seeds.map((s) => s.id));
    expect(new Set(corpus.items.map((i) => i.id)).size).toBe(1000);
    expect(new Set(corpus.items.map((i) => i.content)).size).toBe(1000);
    const seedIds = new Set(seeds.map((s) => s.id));
    for (const item of corpus.items.slice(250)) {
      expect(item.generated).toBe(true);
      expect(item.derivedFrom.every((id) => seedIds.has(id))).toBe(true);
      expect(item.content.length).toBeGreaterThan(40);
    }
    expect(new Set(corpus.items.map((i) => i.category))).toEqual(new Set(seeds.map((s) => s.category)));
  });

  it('a smaller size is a prefix of the seeds', () => {
    expect(generateCorpus(seeds, 3).items.map((i) => i.id)).toEqual(seeds.slice(0, 3).map((s) => s.id));
  });
});
