// Evidence ingest and reads. Ingest is chunked: one multi-row INSERT ... SELECT FROM unnest per chunk,
// one transaction per chunk (evidence + embeddings together); a failing chunk is retried row by row
// so the report names each bad row and why.
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
}

export interface IngestOptions {
  chunkSize?: number;
  /** Required when items carry embeddings. */
  model?: ModelRef;
  onChunk?: (done: number, total: number) => void;
}

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
  for (let start = 0; start < valid.length; start += chunkSize) {
    const chunk = valid.slice(start, start + chunkSize);
    report.chunks++;
    try {
      report.embeddings += await db.transaction((tx) => writeChunk(tx, chunk, options.model));
      report.written += chunk.length;
    } catch (chunkError) {
      if (chunk.length === 1) {
        report.failed.push({ index: chunk[0]!.index, id: chunk[0]!.item.evidence.id, reason: (chunkError as Error).message });
      } else {
        // Find the bad rows: each row on its own, so good rows of a failed chunk still land.
        for (const row of chunk) {
          try {
            report.embeddings += await db.transaction((tx) => writeChunk(tx, [row], options.model));
            report.written++;
          } catch (rowError) {
            report.failed.push({ index: row.index, id: row.item.evidence.id, reason: (rowError as Error).message });
          }
        }
      }
    }
    options.onChunk?.(Math.min(start + chunkSize, valid.length), valid.length);
  }
  report.failed.sort((a, b) => a.index - b.index);
  return report;
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

export async function countEvidence(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM evidence');
  return Number(rows[0]!.n);
}
