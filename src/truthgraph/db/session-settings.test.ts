// Session knobs on a pool of 2 over the embedded engine, where every connection shares ONE backend
// session: concurrent searches asking for different knobs each get exactly theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVectorIndex } from '../search/indexes.ts';
import { clusteredVectors } from '../search/synthetic-vectors.ts';
import { searchMany, type SearchOptions } from '../search/vector-search.ts';
import type { Database } from './database.ts';
import { ingestEvidence } from './repositories/evidence.ts';
import { openEphemeralDatabase } from './testing.ts';

const vectors = clusteredVectors({ n: 620, clusters: 10, seed: 21 });
const queries = vectors.slice(600);
let db: Database;

beforeAll(async () => {
  db = await openEphemeralDatabase({ poolSize: 2 });
  await ingestEvidence(db, vectors.slice(0, 600).map((v, i) => ({ evidence: { id: `s${i}`, content: `passage ${i}` }, embedding: v })), { model: { id: 'm', hash: 'h' } });
  await buildVectorIndex(db, { kind: 'hnsw', m: 4, efConstruction: 8 });
});
afterAll(async () => db?.close());

describe('session settings on a shared PGlite session', () => {
  it('concurrent searches with different ef_search / iterative settings match their sequential results', async () => {
    // A sparse graph and tiny ef values, so the knobs visibly change the answers.
    const variants: SearchOptions[] = [
      { mode: 'hnsw', k: 10, modelId: 'm', efSearch: 10, iterativeScan: false },
      { mode: 'hnsw', k: 10, modelId: 'm', efSearch: 200 },
      { mode: 'hnsw', k: 10, modelId: 'm', efSearch: 12, iterativeScan: false },
      { mode: 'exact', k: 10, modelId: 'm' },
    ];
    const sequential: unknown[] = [];
    for (const v of variants) sequential.push(await searchMany(db, queries, v));
    const ids = (r: unknown) => (r as { evidenceId: string }[][]).map((hits) => hits.map((h) => h.evidenceId));
    expect(ids(sequential[0])).not.toEqual(ids(sequential[1]));
    const { value, stats } = await db.measure('concurrent', () => Promise.all([...variants, ...variants].map((v) => searchMany(db, queries, v))));
    expect(value).toEqual([...sequential, ...sequential]);
    // Serialised per session: no statement had to be re-run after a stale-settings guard.
    expect(stats.statements.filter((s) => s.sql.startsWith('WITH q')).reduce((n, s) => n + s.count, 0)).toBe(8);
  });
});
