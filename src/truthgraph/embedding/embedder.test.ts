import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASET_DIR } from '../../shared/paths.ts';
import { TEST_CACHE_DIR } from '../models/testing/packs.ts';
import { loadEmbedder, type Embedder } from './embedder.ts';
import { cosine } from './pooling.ts';

let fp32: Embedder;
let int8: Embedder;
beforeAll(async () => {
  fp32 = await loadEmbedder({ cacheDir: TEST_CACHE_DIR, variant: 'fp32', batchSize: 8, threads: 1 });
  int8 = await loadEmbedder({ cacheDir: TEST_CACHE_DIR, variant: 'int8', batchSize: 8, workers: 2 });
});
afterAll(async () => {
  await fp32?.dispose();
  await int8?.dispose();
});

const json = (file: string) => JSON.parse(readFileSync(path.join(DATASET_DIR, file), 'utf8'));
const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('embedder', () => {
  it('returns one unit-norm Float32Array(384) per text, in input order, and says which pack', async () => {
    const texts = ['Water boils at 100 degrees Celsius at sea level', 'The Eiffel Tower was completed in 1889', 'x'];
    const v = await fp32.embed(texts);
    expect(v).toHaveLength(3);
    for (const x of v) {
      expect(x).toBeInstanceOf(Float32Array);
      expect(x.length).toBe(384);
      expect(norm(x)).toBeCloseTo(1, 5);
    }
    const [single] = await fp32.embed([texts[1]!]);
    expect(maxDiff(single!, v[1]!)).toBeLessThan(1e-5);
    expect(fp32.pack).toMatchObject({ name: 'minilm-l6-h384', kind: 'embedder', synthetic: true, variant: 'fp32' });
    expect(fp32.pack.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await fp32.embed([])).toEqual([]);
  });

  it('gives the same vector (within 1e-5) whatever the batch size, bucket or position', async () => {
    const target = 'Global average temperatures have risen approximately 1.1 degrees Celsius';
    const others = json('sample_evidence.json').evidence.slice(0, 20).map((e: { content: string }) => e.content);
    const [alone] = await fp32.embed([target]);
    for (const batchSize of [1, 3, 16]) {
      const e = await loadEmbedder({ cacheDir: TEST_CACHE_DIR, variant: 'fp32', batchSize, threads: 1 });
      try {
        const mixed = await e.embed([...others.slice(0, 7), target, ...others.slice(7)]);
        expect(maxDiff(mixed[7]!, alone!)).toBeLessThan(1e-5);
      } finally {
        await e.dispose();
      }
    }
  });

  it('int8 (worker pool) stays close to fp32: cosine >= 0.99 on corpus texts', async () => {
    const texts = json('sample_evidence.json').evidence.slice(0, 24).map((e: { content: string }) => e.content);
    const a = await fp32.embed(texts);
    const b = await int8.embed(texts);
    const cos = a.map((v, i) => cosine(v, b[i]!));
    // Measured: min ~0.999 (per-row uint8 embeddings, int8 per-tensor MatMul weights).
    expect(Math.min(...cos)).toBeGreaterThan(0.99);
  });

  it("keeps lexical similarity: a claim's linked evidence ranks in its top 5 for most claims", async () => {
    const claims = json('test_claims.json').claims as Array<{ text: string; evidence_ids?: string[] }>;
    const evidence = json('sample_evidence.json').evidence as Array<{ id: string; content: string }>;
    const ev = await fp32.embed(evidence.map((e) => e.content));
    const cv = await fp32.embed(claims.map((c) => c.text));
    let hits = 0;
    let total = 0;
    claims.forEach((c, i) => {
      const linked = (c.evidence_ids ?? []).filter((id) => evidence.some((e) => e.id === id));
      if (linked.length === 0) return;
      total++;
      const top5 = evidence.map((e, j) => ({ id: e.id, s: cosine(cv[i]!, ev[j]!) })).sort((x, y) => y.s - x.s).slice(0, 5).map((r) => r.id);
      if (linked.some((id) => top5.includes(id))) hits++;
    });
    // Measured: 25 of 25 claims (fp32 and int8). Asserted with a little slack for generator tweaks.
    expect(total).toBe(25);
    expect(hits / total).toBeGreaterThanOrEqual(0.9);
  });

  it('handles empty, whitespace, 100k-character, emoji/RTL/CJK texts with defined results', async () => {
    const special = json('edge_cases/special_characters.json').claims.map((c: { text: string }) => c.text);
    const texts = ['', '   \n\t', 'a'.repeat(100_000), 'word '.repeat(20_000), '🐠🐚 😀', 'مرحبا بالعالم', '世界你好', ...special];
    const v = await fp32.embed(texts);
    expect(v).toHaveLength(texts.length);
    for (const x of v) {
      expect(x.every(Number.isFinite)).toBe(true);
      expect(norm(x)).toBeCloseTo(1, 4);
    }
    expect(maxDiff(v[0]!, v[1]!)).toBeLessThan(1e-6); // both are just [CLS] [SEP]
  });

  it('rejects non-string values with a clear error', async () => {
    await expect(fp32.embed(['ok', 42 as unknown as string])).rejects.toThrow(/texts\[1\] must be a string, got number/);
    await expect(fp32.embed([null as unknown as string])).rejects.toThrow(/got null/);
    await expect(fp32.embed('text' as unknown as string[])).rejects.toThrow(/array of strings/);
  });

  it('refuses the NLI pack with an error naming the right kind', async () => {
    await expect(loadEmbedder({ cacheDir: TEST_CACHE_DIR, pack: 'nli-l6-h768', variant: 'int8' })).rejects.toThrow(/is an nli pack, but an embedder pack is needed/);
  });

  it('validates options once, up front', async () => {
    await expect(loadEmbedder({ cacheDir: TEST_CACHE_DIR, batchSize: 0 })).rejects.toThrow();
  });
});
