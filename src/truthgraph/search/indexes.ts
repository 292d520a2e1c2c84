// ANN index lifecycle on embeddings.embedding (vector_cosine_ops only): (re)build with parameters,
// report size and build time. One ANN index at a time, so a mode's knobs act on the index it names.
import type { Queryable } from '../db/queryable.ts';

export type IndexSpec =
  | { kind: 'ivfflat'; lists: number }
  | { kind: 'hnsw'; m: number; efConstruction: number };

export const DEFAULT_IVFFLAT: IndexSpec = { kind: 'ivfflat', lists: 100 };
export const DEFAULT_HNSW: IndexSpec = { kind: 'hnsw', m: 16, efConstruction: 64 };

export interface IndexInfo {
  name: string;
  kind: 'ivfflat' | 'hnsw';
  definition: string;
  sizeBytes: number;
}

export interface IndexBuildResult extends IndexInfo {
  spec: IndexSpec;
  buildMs: number;
  rows: number;
}

const NAME = { ivfflat: 'embeddings_embedding_ivfflat_idx', hnsw: 'embeddings_embedding_hnsw_idx' } as const;

function int(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

export function indexDdl(spec: IndexSpec): string {
  if (spec.kind === 'ivfflat') {
    return `CREATE INDEX ${NAME.ivfflat} ON embeddings USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${int('lists', spec.lists, 1)})`;
  }
  return `CREATE INDEX ${NAME.hnsw} ON embeddings USING hnsw (embedding vector_cosine_ops) WITH (m = ${int('m', spec.m, 2)}, ef_construction = ${int('efConstruction', spec.efConstruction, 4)})`;
}

export async function listVectorIndexes(db: Queryable): Promise<IndexInfo[]> {
  const { rows } = await db.query<{ name: string; definition: string; size: string }>(
    `SELECT indexname AS name, indexdef AS definition, pg_relation_size(format('%I', indexname)::regclass) AS size
       FROM pg_indexes WHERE tablename = 'embeddings' AND indexname = ANY($1::text[]) ORDER BY indexname`,
    [Object.values(NAME)],
  );
  return rows.map((r) => ({
    name: r.name,
    kind: r.name === NAME.hnsw ? 'hnsw' : 'ivfflat',
    definition: r.definition,
    sizeBytes: Number(r.size),
  }));
}

export async function dropVectorIndexes(db: Queryable): Promise<void> {
  await db.query(`DROP INDEX IF EXISTS ${NAME.ivfflat}; DROP INDEX IF EXISTS ${NAME.hnsw}`);
}

export interface IndexBuildOptions {
  /**
   * maintenance_work_mem for this build only (SET LOCAL in the DDL's implicit transaction); default
   * 256 MB. pgvector builds an HNSW graph in memory while it fits and falls back to a much slower
   * on-disk build when it does not: the 64 MB server default no longer fits around 40k x 384 dims.
   */
  maintenanceWorkMemMb?: number;
}

export const DEFAULT_BUILD_MEMORY_MB = 256;

/** Drops any ANN index and builds the one asked for; ANALYZE afterwards so the planner sees it. */
export async function buildVectorIndex(db: Queryable, spec: IndexSpec, options: IndexBuildOptions = {}): Promise<IndexBuildResult> {
  const ddl = indexDdl(spec);
  const memoryMb = int('maintenanceWorkMemMb', options.maintenanceWorkMemMb ?? DEFAULT_BUILD_MEMORY_MB, 1);
  await dropVectorIndexes(db);
  const started = performance.now();
  // One simple-protocol message = one implicit transaction: the SET LOCAL ends with the build.
  await db.query(`SET LOCAL maintenance_work_mem = '${memoryMb}MB'; ${ddl}`);
  const buildMs = performance.now() - started;
  await db.query('ANALYZE embeddings');
  const [info] = (await listVectorIndexes(db)).filter((i) => i.kind === spec.kind);
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM embeddings');
  return { ...info!, spec, buildMs, rows: Number(rows[0]!.n) };
}

/** Builds only if the current index differs from spec (compared on its definition). */
export async function ensureVectorIndex(db: Queryable, spec: IndexSpec, options: IndexBuildOptions = {}): Promise<IndexInfo & { built: boolean }> {
  const current = await listVectorIndexes(db);
  const match = current.find((i) => i.kind === spec.kind && sameParams(i.definition, spec));
  if (match && current.length === 1) return { ...match, built: false };
  return { ...(await buildVectorIndex(db, spec, options)), built: true };
}

function sameParams(definition: string, spec: IndexSpec): boolean {
  const d = definition.replace(/\s|'/g, '');
  return spec.kind === 'ivfflat'
    ? d.includes(`lists=${spec.lists})`)
    : d.includes(`m=${spec.m},`) && d.includes(`ef_construction=${spec.efConstruction})`);
}
