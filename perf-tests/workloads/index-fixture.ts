// An ANN index over a loaded corpus, built once per machine: on an engine that can dump its data dir
// (embedded PGlite started by this process) the database with the index is saved as a tarball under
// <cacheDir>/db-dumps, keyed by everything that determines its content (corpus embeddings, model id,
// index parameters, engine and pgvector versions, schema migrations), and later runs restore it into
// a second database in seconds instead of rebuilding (HNSW at 50k: 34-190 s on PGlite). Engines that
// cannot dump (a URL, a container) build in place, where the build is fast (~6 s native at 50k).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../src/truthgraph/db/database.ts';
import { loadMigrations } from '../../src/truthgraph/db/migrations.ts';
import { openEphemeralDatabase } from '../../src/truthgraph/db/testing.ts';
import { buildVectorIndex, listVectorIndexes, type IndexSpec } from '../../src/truthgraph/search/indexes.ts';
import type { Progress } from '../../src/perf/progress/channel.ts';

export interface IndexFixture {
  /** The database to search: `db` itself, or a restored copy (closed by `close`). */
  db: Database;
  source: 'built' | 'restored';
  /** Wall ms of the build (built) or of the restore (restored). */
  ms: number;
  sizeBytes: number;
  dumpFile?: string;
  close(): Promise<void>;
}

export interface IndexFixtureKey {
  /** Hash of the corpus content and its embeddings (EmbeddedCorpus.key). */
  corpusKey: string;
  modelId: string;
  rows: number;
}

const describe = (spec: IndexSpec) => (spec.kind === 'hnsw' ? `hnsw-m${spec.m}-efc${spec.efConstruction}` : `ivfflat-l${spec.lists}`);

export function indexDumpFile(cacheDir: string, db: Database, spec: IndexSpec, key: IndexFixtureKey): string {
  const e = db.engine;
  const schema = loadMigrations().map((m) => `${m.version}:${m.checksum}`).join(',');
  const hash = createHash('sha256')
    .update(JSON.stringify({ spec, key, engine: e.engine, postgres: e.postgresVersion, pgvector: e.pgvectorVersion, schema }))
    .digest('hex')
    .slice(0, 16);
  return path.join(cacheDir, 'db-dumps', `${describe(spec)}-${key.rows}-${hash}.tar`);
}

/** `db` holds exactly the corpus of `key` (and no other ANN index worth keeping). */
export async function indexFixture(db: Database, spec: IndexSpec, key: IndexFixtureKey, cacheDir: string, progress: Progress): Promise<IndexFixture> {
  const label = `${key.rows.toLocaleString('en-US')} passages: ${describe(spec)}`;
  const file = db.canDumpDataDir ? indexDumpFile(cacheDir, db, spec, key) : undefined;
  if (file && fs.existsSync(file)) {
    const started = performance.now();
    const restored = await progress.step(`${label}: restoring the cached index (${file})`, () => openEphemeralDatabase({ loadDump: file }));
    const ms = performance.now() - started;
    const [info] = (await listVectorIndexes(restored)).filter((i) => i.kind === spec.kind);
    const { rows } = await restored.query<{ n: string }>('SELECT count(*) AS n FROM embeddings WHERE model_id = $1', [key.modelId]);
    if (info && Number(rows[0]!.n) === key.rows) {
      return { db: restored, source: 'restored', ms, sizeBytes: info.sizeBytes, dumpFile: file, close: () => restored.close() };
    }
    // A dump that does not hold what its key promises is rebuilt, never trusted.
    await restored.close();
    fs.rmSync(file, { force: true });
  }
  const built = await progress.step(`${label}: building${file ? ' (once per machine, then cached)' : ''}`, () => buildVectorIndex(db, spec));
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await progress.step(`${label}: saving the index to ${file}`, () => db.dumpDataDir(file));
  }
  return { db, source: 'built', ms: built.buildMs, sizeBytes: built.sizeBytes, ...(file && { dumpFile: file }), close: async () => {} };
}
