// Fixture dump/restore of the embedded engine: a loaded, indexed database comes back from its
// tarball with rows, embeddings and the ANN index intact, and searches the same.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVectorIndex, listVectorIndexes } from '../search/indexes.ts';
import { clusteredVectors } from '../search/synthetic-vectors.ts';
import { searchMany } from '../search/vector-search.ts';
import type { Database } from './database.ts';
import { countEmbeddings } from './repositories/embeddings.ts';
import { countEvidence, ingestEvidence } from './repositories/evidence.ts';
import { openEphemeralDatabase } from './testing.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-dump-'));
const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dumpDataDir / loadDump', () => {
  it('restores evidence, embeddings and the HNSW index from a dump of an in-memory engine', async () => {
    const model = { id: 'm', hash: 'h' };
    const vectors = clusteredVectors({ n: 305, seed: 9 });
    // Dumps are PGlite data dirs: this behaviour exists on the embedded engine only.
    const source = await openEphemeralDatabase({ engine: 'embedded' });
    opened.push(source);
    await ingestEvidence(source, vectors.slice(0, 300).map((v, i) => ({ evidence: { id: `d${i}`, content: `dumped passage ${i}` }, embedding: v })), { model });
    await buildVectorIndex(source, { kind: 'hnsw', m: 8, efConstruction: 32 });
    const options = { mode: 'hnsw', k: 5, modelId: model.id } as const;
    const before = await searchMany(source, vectors.slice(300), options);

    const file = path.join(dir, 'fixture.tar');
    const { bytes } = await source.dumpDataDir(file);
    expect(bytes).toBe(fs.statSync(file).size);
    expect(bytes).toBeGreaterThan(0);

    const restored = await openEphemeralDatabase({ loadDump: file });
    opened.push(restored);
    expect(await countEvidence(restored)).toBe(300);
    expect(await countEmbeddings(restored, 'evidence', model.id)).toBe(300);
    expect((await listVectorIndexes(restored)).map((i) => i.kind)).toEqual(['hnsw']);
    expect(await searchMany(restored, vectors.slice(300), options)).toEqual(before);
  });
});
