// Embedding upserts (batched, one statement per chunk) and reads for any entity kind.
import type { Queryable } from '../queryable.ts';
import { EMBEDDING_DIM, vectorProblem, vectorsToBinaryArray, type VectorLike } from '../vector.ts';

export type EntityKind = 'evidence' | 'claim';

/** The model pack that produced a vector: id (e.g. "minilm-l6-synthetic/int8") and content hash. */
export interface ModelRef {
  id: string;
  hash: string;
}

/** Params: kind, model id, model hash, ids, vectors as one flat binary real[] (embeddingUpsertParams). */
export const EMBEDDING_UPSERT_SQL = `
INSERT INTO embeddings (entity_kind, entity_id, model_id, model_hash, embedding)
SELECT $1, t.id, $2, $3, ($5::real[])[(t.ord - 1) * $6 + 1 : t.ord * $6]::vector
  FROM unnest($4::text[]) WITH ORDINALITY AS t(id, ord)
ON CONFLICT (entity_kind, entity_id, model_id)
DO UPDATE SET embedding = EXCLUDED.embedding, model_hash = EXCLUDED.model_hash, created_at = now()`;

export function embeddingUpsertParams(kind: EntityKind, model: ModelRef, ids: readonly string[], vectors: readonly VectorLike[]): unknown[] {
  return [kind, model.id, model.hash, ids, vectorsToBinaryArray(vectors), EMBEDDING_DIM];
}

export interface EmbeddingRow {
  entityId: string;
  vector: VectorLike;
}

export interface UpsertReport {
  written: number;
  failed: { index: number; entityId: string; reason: string }[];
}

/** Invalid vectors are reported, not written; a repeated id keeps its last vector. */
export async function upsertEmbeddings(
  db: Queryable,
  kind: EntityKind,
  model: ModelRef,
  rows: readonly EmbeddingRow[],
  options: { chunkSize?: number } = {},
): Promise<UpsertReport> {
  const chunkSize = options.chunkSize ?? 1000;
  const failed: UpsertReport['failed'] = [];
  const latest = new Map<string, VectorLike>();
  rows.forEach((row, index) => {
    const problem = vectorProblem(row.vector);
    if (problem) failed.push({ index, entityId: row.entityId, reason: problem });
    else latest.set(row.entityId, row.vector);
  });
  const entries = [...latest];
  for (let start = 0; start < entries.length; start += chunkSize) {
    const chunk = entries.slice(start, start + chunkSize);
    await db.query(EMBEDDING_UPSERT_SQL, embeddingUpsertParams(kind, model, chunk.map((e) => e[0]), chunk.map((e) => e[1])));
  }
  return { written: entries.length, failed };
}

export async function getEmbeddings(
  db: Queryable,
  kind: EntityKind,
  modelId: string,
  ids: readonly string[],
): Promise<Map<string, Float32Array>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ entity_id: string; embedding: Float32Array }>(
    `SELECT entity_id, embedding FROM embeddings
      WHERE entity_kind = $1 AND model_id = $2 AND entity_id = ANY($3::text[])`,
    [kind, modelId, ids],
  );
  return new Map(rows.map((r) => [r.entity_id, r.embedding]));
}

export async function countEmbeddings(db: Queryable, kind: EntityKind, modelId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM embeddings WHERE entity_kind = $1 AND model_id = $2',
    [kind, modelId],
  );
  return Number(rows[0]!.n);
}

/** The model id/hash under which a pack's vectors are stored: ingest and search must agree on it. */
export function modelRefFromPack(pack: { id: string; variant: string; hash: string }): ModelRef {
  return { id: `${pack.id}:${pack.variant}`, hash: pack.hash };
}
