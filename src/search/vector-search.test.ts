// Search against real PGlite: exact == brute force (same order), ANN recall on clustered vectors,
// the cosine index is actually used, hybrid fusion, constant round trips for any k.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { explainAnalyze } from '../db/explain.ts';
import { ingestEvidence } from '../db/repositories/evidence.ts';
import { openEphemeralDatabase } from '../db/testing.ts';
import { hybridSearch } from './hybrid.ts';
import { buildVectorIndex, listVectorIndexes } from './indexes.ts';
import { meanRecallAtK } from './recall.ts';
import { bruteForceTopK, clusteredVectors } from './synthetic-vectors.ts';
import { searchMany, searchParams, searchSetup, searchSql } from './vector-search.ts';

const N = 2000;
const MODEL = { id: 'test-model', hash: 'h1' };
let db: Database;
const vectors = clusteredVectors({ n: N + 20, clusters: 40, seed: 11 });
const items = vectors.slice(0, N).map((vector, i) => ({ id: `ev${String(i).padStart(5, '0')}`, vector }));
const queries = vectors.slice(N);

beforeAll(async () => {
  db = await openEphemeralDatabase();
  const report = await ingestEvidence(
    db,
    items.map((it, i) => ({ evidence: { id: it.id, content: `passage ${i} about topic ${i % 40}`, category: 'science' }, embedding: it.vector })),
    { model: MODEL, chunkSize: 500 },
  );
  expect(report).toMatchObject({ written: N, embeddings: N, failed: [], chunks: 4 });
});
afterAll(async () => db?.close());

describe('exact search', () => {
  it('returns the brute-force cosine neighbours in the same order, similarity = 1 - distance', async () => {
    const hits = await searchMany(db, queries, { mode: 'exact', k: 10, modelId: MODEL.id });
    expect(hits).toHaveLength(queries.length);
    queries.forEach((q, i) => {
      const expected = bruteForceTopK(q, items, 10);
      expect(hits[i]!.map((h) => h.evidenceId)).toEqual(expected.map((e) => e.id));
      hits[i]!.forEach((h, j) => expect(h.similarity).toBeCloseTo(expected[j]!.similarity, 5));
    });
  });

  it('applies the minimum similarity after the top-k', async () => {
    const all = (await searchMany(db, [queries[0]!], { mode: 'exact', k: 10, modelId: MODEL.id }))[0]!;
    const threshold = all[4]!.similarity;
    const cut = (await searchMany(db, [queries[0]!], { mode: 'exact', k: 10, modelId: MODEL.id, minSimilarity: threshold }))[0]!;
    expect(cut.map((h) => h.evidenceId)).toEqual(all.filter((h) => h.similarity >= threshold).map((h) => h.evidenceId));
  });

  it('takes the same number of round trips for k = 5 and k = 50, and reports no N+1', async () => {
    const five = await db.measure('k5', () => searchMany(db, queries.slice(0, 5), { mode: 'exact', k: 5, modelId: MODEL.id }));
    const fifty = await db.measure('k50', () => searchMany(db, queries.slice(0, 5), { mode: 'exact', k: 50, modelId: MODEL.id }));
    expect(five.value.map((h) => h.length)).toEqual([5, 5, 5, 5, 5]);
    expect(fifty.value.map((h) => h.length)).toEqual([50, 50, 50, 50, 50]);
    expect(five.stats.roundTrips).toBe(3); // BEGIN+SET LOCAL, the search, COMMIT
    expect(fifty.stats.roundTrips).toBe(five.stats.roundTrips);
    expect(fifty.stats.repeated).toEqual([]);
  });

  it('rejects bad query vectors before sending anything', async () => {
    await expect(searchMany(db, [new Float32Array(10)], { mode: 'exact', k: 5, modelId: MODEL.id })).rejects.toThrow(/expected 384 dimensions, got 10/);
    const nan = Float32Array.from(queries[0]!);
    nan[3] = Number.NaN;
    await expect(searchMany(db, [nan], { mode: 'exact', k: 5, modelId: MODEL.id })).rejects.toThrow(/component 3 is NaN/);
    expect(await searchMany(db, [], { mode: 'exact', k: 5, modelId: MODEL.id })).toEqual([]);
  });
});

describe('approximate search', () => {
  it('IVFFlat (lists 40, probes 4) uses the cosine index and keeps recall@10 >= 0.95', async () => {
    const built = await buildVectorIndex(db, { kind: 'ivfflat', lists: 40 });
    expect(built).toMatchObject({ name: 'embeddings_embedding_ivfflat_idx', rows: N });
    expect(built.sizeBytes).toBeGreaterThan(0);
    const options = { mode: 'ivfflat', k: 10, modelId: MODEL.id, probes: 4 } as const;
    const plan = await explainAnalyze(db, searchSql('ivfflat'), searchParams([queries[0]!], options), { setup: searchSetup(options) });
    expect(plan.indexesUsed).toContain('embeddings_embedding_ivfflat_idx');
    const exact = queries.map((q) => bruteForceTopK(q, items, 10).map((e) => e.id));
    const approx = (await searchMany(db, queries, options)).map((hits) => hits.map((h) => h.evidenceId));
    // Measured 1.0 on this seed; clustered data is the realistic case (random vectors are far lower).
    expect(meanRecallAtK(exact, approx, 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('HNSW (m 16, ef_construction 64, ef_search 40) uses the index and keeps recall@10 >= 0.95; exact mode does not', async () => {
    await buildVectorIndex(db, { kind: 'hnsw', m: 16, efConstruction: 64 });
    expect((await listVectorIndexes(db)).map((i) => i.kind)).toEqual(['hnsw']);
    const options = { mode: 'hnsw', k: 10, modelId: MODEL.id, efSearch: 40 } as const;
    const plan = await explainAnalyze(db, searchSql('hnsw'), searchParams(queries.slice(0, 3), options), { setup: searchSetup(options) });
    expect(plan.indexesUsed).toContain('embeddings_embedding_hnsw_idx');
    const exactOptions = { ...options, mode: 'exact' } as const;
    const exactPlan = await explainAnalyze(db, searchSql('exact'), searchParams([queries[0]!], exactOptions), { setup: searchSetup(exactOptions) });
    expect(exactPlan.indexesUsed).not.toContain('embeddings_embedding_hnsw_idx');
    const exact = queries.map((q) => bruteForceTopK(q, items, 10).map((e) => e.id));
    const approx = (await searchMany(db, queries, options)).map((hits) => hits.map((h) => h.evidenceId));
    expect(meanRecallAtK(exact, approx, 10)).toBeGreaterThanOrEqual(0.95);
    // k above ef_search still returns k hits (ef_search is raised to k).
    const wide = await searchMany(db, [queries[0]!], { ...options, k: 60 });
    expect(wide[0]).toHaveLength(60);
  });
});

describe('hybrid search', () => {
  it('fuses the vector and full-text lists in one statement', async () => {
    await ingestEvidence(db, [
      { evidence: { id: 'txt-volcano', content: 'Volcanic eruptions release sulfur dioxide into the stratosphere.' } },
      { evidence: { id: 'txt-volcano-2', content: 'A volcanic eruption can cool the climate for years, and the largest eruptions cool it for a decade.' } },
    ]);
    const q = queries[0]!;
    const nearest = bruteForceTopK(q, items, 3).map((e) => e.id);
    const { value: hits, stats } = await db.measure('hybrid', () =>
      hybridSearch(db, 'volcanic eruption', q, { k: 5, modelId: MODEL.id, candidates: 10 }),
    );
    expect(stats.roundTrips).toBe(3);
    // Both passages contain 'volcan' and 'erupt'; the denser match ranks first (ts_rank_cd).
    const text = hits.filter((h) => h.textRank !== null).sort((a, b) => a.textRank! - b.textRank!).map((h) => h.evidenceId);
    expect(text).toEqual(['txt-volcano', 'txt-volcano-2']);
    // Equal weights: rank r in either list scores 1/(60 + r); equal scores tie-break by id ('ev' < 'txt').
    expect(hits.map((h) => h.evidenceId)).toEqual([nearest[0], text[0], nearest[1], text[1], nearest[2]]);
    expect(hits[0]!.score).toBeCloseTo(1 / 61, 12);
    // Text weight 2: both text hits (2/61, 2/62) beat the best vector hit (1/61).
    const weighted = await hybridSearch(db, 'volcanic eruption', q, { k: 3, modelId: MODEL.id, candidates: 10, textWeight: 2 });
    expect(weighted.map((h) => h.evidenceId)).toEqual([text[0], text[1], nearest[0]]);
  });
});
