// Evidence ingest and reads. Ingest is chunked: one multi-row INSERT ... SELECT FROM unnest per chunk,
// one transaction per chunk (evidence + embeddings together); a failing chunk is retried row by row
// so the report names each bad row and why (a lost database stops the ingest instead: no row is bad).
// Rows are upserted by id, so rerunning an interrupted ingest duplicates nothing.
import { UserError } from '../../../shared/errors.ts';
import type { Queryable, TransactionRunner } from '../queryable.ts';
import { vectorProblem, type VectorLike } from '../vector.ts';
import { EMBEDDING_UPSERT_SQL, embeddingUpsertParams, type ModelRef } from './embeddings.ts';

export interface EvidenceInput {
  id: string;
  content: string;
  source?: string | null;
  url?: string | null;
  category?: string | null;
  metadata?: Record<string, unknown>;
}

export interface Evidence {
  id: string;
  content: string;
  source: string | null;
  url: string | null;
  category: string | null;
  metadata: Record<string, unknown>;
}

export interface IngestItem {
  evidence: EvidenceInput;
  /** Optional embedding stored with the evidence in the same transaction. */
  embedding?: VectorLike;
}

export interface RowFailure {
  /** Position in the input. */
  index: number;
  id: string | undefined;
  reason: string;
}

export interface IngestReport {
  /** Rows written (inserted or updated). */
  written: number;
  embeddings: number;
  failed: RowFailure[];
  chunks: number;
  /** Bulk mode only: the indexes dropped for the load and rebuilt once after it. */
  rebuiltIndexes?: { name: string; rebuildMs: number }[];
}

export interface IngestOptions {
  chunkSize?: number;
  /** Required when items carry embeddings. */
  model?: ModelRef;
  onChunk?: (done: number, total: number) => void;
  /**
   * Bulk load: drop the full-text GIN index and any ANN index on embeddings for the load, and rebuild
   * each once at the end from its own definition (maintenance_work_mem raised for the builds). Chunks
   * keep their own transactions and failure reports. Worth it when the load is large against the
   * table: GIN upkeep grows with the index (~4x the insert cost at 50k rows) and every HNSW insert
   * walks the graph. Meanwhile other sessions search without those indexes (slower, same results).
   */
  bulk?: boolean;
}

/** Secondary indexes a bulk load defers: rebuilt in full, they cost less than maintained per row. */
const DEFERRABLE_INDEXES_SQL = `
SELECT indexname AS name, indexdef AS definition FROM pg_indexes
 WHERE schemaname = current_schema()
   AND ((tablename = 'evidence' AND indexdef ~* 'USING gin')
     OR (tablename = 'embeddings' AND indexdef ~* 'USING (hnsw|ivfflat)'))
 ORDER BY indexname`;

const BULK_BUILD_MEMORY = '256MB';

const INSERT_SQL = `
INSERT INTO evidence (id, content, source, url, category, metadata)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content, source = EXCLUDED.source, url = EXCLUDED.url,
  category = EXCLUDED.category, metadata = EXCLUDED.metadata`;

interface Prepared {
  index: number;
  item: IngestItem;
  vector: VectorLike | undefined;
}

function validate(item: IngestItem, index: number, seen: Set<string>, hasModel: boolean): RowFailure | undefined {
  const e = item.evidence as Partial<EvidenceInput> | undefined;
  const id = typeof e?.id === 'string' ? e.id : undefined;
  const fail = (reason: string): RowFailure => ({ index, id, reason });
  if (!id) return fail('missing or non-string id');
  if (typeof e?.content !== 'string' || e.content.trim() === '') return fail('missing or empty content');
  for (const [field, value] of Object.entries({ id, content: e.content, source: e.source, url: e.url, category: e.category })) {
    if (value != null && typeof value !== 'string') return fail(`${field} must be a string`);
    if (typeof value === 'string' && value.includes('\u0000')) return fail(`${field} contains a NUL character`);
  }
  if (seen.has(id)) return fail(`duplicate id "${id}" in this batch`);
  if (item.embedding !== undefined) {
    if (!hasModel) return fail('embedding given without a model');
    const problem = vectorProblem(item.embedding);
    if (problem) return fail(`embedding: ${problem}`);
  }
  return undefined;
}

async function writeChunk(tx: Queryable, rows: readonly Prepared[], model: ModelRef | undefined): Promise<number> {
  const col = <T>(f: (p: Prepared) => T) => rows.map(f);
  await tx.query(INSERT_SQL, [
    col((p) => p.item.evidence.id),
    col((p) => p.item.evidence.content),
    col((p) => p.item.evidence.source ?? null),
    col((p) => p.item.evidence.url ?? null),
    col((p) => p.item.evidence.category ?? null),
    col((p) => JSON.stringify(p.item.evidence.metadata ?? {})),
  ]);
  const withVectors = rows.filter((p) => p.vector !== undefined);
  if (withVectors.length > 0 && model) {
    await tx.query(
      EMBEDDING_UPSERT_SQL,
      embeddingUpsertParams('evidence', model, withVectors.map((p) => p.item.evidence.id), withVectors.map((p) => p.vector!)),
    );
  }
  return withVectors.length;
}

export async function ingestEvidence(
  db: TransactionRunner,
  items: readonly IngestItem[],
  options: IngestOptions = {},
): Promise<IngestReport> {
  const chunkSize = options.chunkSize ?? 1000;
  const report: IngestReport = { written: 0, embeddings: 0, failed: [], chunks: 0 };
  const seen = new Set<string>();
  const valid: Prepared[] = [];
  items.forEach((item, index) => {
    const failure = validate(item, index, seen, options.model !== undefined);
    if (failure) return void report.failed.push(failure);
    seen.add(item.evidence.id);
    valid.push({ index, item, vector: item.embedding });
  });
  if (valid.length === 0 || !options.bulk) {
    await writeChunks(db, valid, chunkSize, report, options);
  } else {
    const deferred = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ name: string; definition: string }>(DEFERRABLE_INDEXES_SQL);
      for (const r of rows) await tx.query(`DROP INDEX IF EXISTS ${quoteIdent(r.name)}`);
      return rows;
    });
    report.rebuiltIndexes = [];
    try {
      await writeChunks(db, valid, chunkSize, report, options);
    } finally {
      // Rebuilt even when the load failed part-way, so the schema is never left without them.
      for (const index of deferred) {
        const started = performance.now();
        await db.transaction((tx) => tx.query(`SET LOCAL maintenance_work_mem = '${BULK_BUILD_MEMORY}'; ${index.definition}`));
        report.rebuiltIndexes.push({ name: index.name, rebuildMs: performance.now() - started });
      }
      if (deferred.length > 0) await db.transaction((tx) => tx.query('ANALYZE evidence; ANALYZE embeddings'));
    }
  }
  report.failed.sort((a, b) => a.index - b.index);
  return report;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function writeChunks(
  db: TransactionRunner,
  valid: readonly Prepared[],
  chunkSize: number,
  report: IngestReport,
  options: IngestOptions,
): Promise<void> {
  for (let start = 0; start < valid.length; start += chunkSize) {
    const chunk = valid.slice(start, start + chunkSize);
    report.chunks++;
    try {
      report.embeddings += await db.transaction((tx) => writeChunk(tx, chunk, options.model));
      report.written += chunk.length;
    } catch (chunkError) {
      // The database layer raises UserError for a lost or unreachable server: no row is to blame,
      // and retrying row by row would only report every row as failed.
      if (chunkError instanceof UserError) throw chunkError;
      if (chunk.length === 1) {
        report.failed.push({ index: chunk[0]!.index, id: chunk[0]!.item.evidence.id, reason: (chunkError as Error).message });
      } else {
        // Find the bad rows: each row on its own, so good rows of a failed chunk still land.
        for (const row of chunk) {
          try {
            report.embeddings += await db.transaction((tx) => writeChunk(tx, [row], options.model));
            report.written++;
          } catch (rowError) {
            if (rowError instanceof UserError) throw rowError;
            report.failed.push({ index: row.index, id: row.item.evidence.id, reason: (rowError as Error).message });
          }
        }
      }
    }
    options.onChunk?.(Math.min(start + chunkSize, valid.length), valid.length);
  }
}

const SELECT_COLUMNS = 'e.id, e.content, e.source, e.url, e.category, e.metadata';

/** Fetches many by id in one round trip; result follows the order of `ids`, missing ids skipped. */
export async function getEvidenceByIds(db: Queryable, ids: readonly string[]): Promise<Evidence[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Evidence>(`SELECT ${SELECT_COLUMNS} FROM evidence e WHERE e.id = ANY($1::text[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export interface EvidenceWithEmbedding extends Evidence {
  embedding: Float32Array | null;
}

/** Evidence joined with its embedding for one model, one query. */
export async function getEvidenceWithEmbeddings(
  db: Queryable,
  ids: readonly string[],
  modelId: string,
): Promise<EvidenceWithEmbedding[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<EvidenceWithEmbedding>(
    `SELECT ${SELECT_COLUMNS}, m.embedding
       FROM evidence e
       LEFT JOIN embeddings m ON m.entity_kind = 'evidence' AND m.entity_id = e.id AND m.model_id = $2
      WHERE e.id = ANY($1::text[])`,
    [ids, modelId],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Up to `limit` evidence rows (id, content) after `afterId` in id order: keyset pages over the whole store. */
export async function evidencePage(db: Queryable, afterId: string | null, limit: number): Promise<{ id: string; content: string }[]> {
  const { rows } = await db.query<{ id: string; content: string }>(
    'SELECT e.id, e.content FROM evidence e WHERE $1::text IS NULL OR e.id > $1 ORDER BY e.id LIMIT $2',
    [afterId, limit],
  );
  return rows;
}

export async function countEvidence(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM evidence');
  return Number(rows[0]!.n);
}
