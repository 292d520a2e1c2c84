// Cosine top-k over evidence embeddings for MANY query vectors in one statement (unnest + LATERAL),
// evidence joined in the same query. Knobs (probes, ef_search) are SET LOCAL in the query's
// transaction, sent with BEGIN in the same round trip.
import type { TransactionRunner } from '../db/queryable.ts';
import { vectorToSql, type VectorLike } from '../db/vector.ts';

export const SEARCH_MODES = ['exact', 'ivfflat', 'hnsw'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

export interface SearchOptions {
  mode: SearchMode;
  k: number;
  modelId: string;
  /** Hits below this cosine similarity are dropped (after the top-k). */
  minSimilarity?: number;
  /** IVFFlat lists probed per query (default 10). */
  probes?: number;
  /** HNSW candidate list size (default 40; raised to k when k is larger). */
  efSearch?: number;
}

export interface SearchHit {
  evidenceId: string;
  similarity: number;
  content: string;
  source: string | null;
  url: string | null;
  category: string | null;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** SET LOCAL lines for a mode; values are validated integers (SET cannot take bind parameters). */
export function searchSetup(options: SearchOptions): string {
  switch (options.mode) {
    case 'exact':
      // Force the exact scan even when an ANN index exists.
      return 'SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off';
    case 'ivfflat':
      return `SET LOCAL ivfflat.probes = ${positiveInt('probes', options.probes ?? 10)}`;
    case 'hnsw':
      return `SET LOCAL hnsw.ef_search = ${Math.max(positiveInt('efSearch', options.efSearch ?? 40), options.k)}`;
  }
}

// The ANN form orders by the distance alone so the planner can use the vector_cosine_ops index;
// the exact form adds the id as a tie-breaker for a fully deterministic order.
export function searchSql(mode: SearchMode): string {
  const order = mode === 'exact' ? 'm.embedding <=> q.v, m.entity_id' : 'm.embedding <=> q.v';
  return `
SELECT q.ord, h.entity_id AS evidence_id, 1 - h.distance AS similarity, e.content, e.source, e.url, e.category
  FROM unnest($1::vector[]) WITH ORDINALITY AS q(v, ord)
 CROSS JOIN LATERAL (
       SELECT m.entity_id, m.embedding <=> q.v AS distance
         FROM embeddings m
        WHERE m.entity_kind = 'evidence' AND m.model_id = $2
        ORDER BY ${order}
        LIMIT $3) h
  JOIN evidence e ON e.id = h.entity_id
 WHERE 1 - h.distance >= $4
 ORDER BY q.ord, h.distance, h.entity_id`;
}

export function searchParams(queries: readonly VectorLike[], options: SearchOptions): unknown[] {
  positiveInt('k', options.k);
  return [queries.map((q) => vectorToSql(q)), options.modelId, options.k, options.minSimilarity ?? -1];
}

/** One round trip for the statement (plus BEGIN/SET and COMMIT), whatever the number of queries and k. */
export async function searchMany(
  db: TransactionRunner,
  queries: readonly VectorLike[],
  options: SearchOptions,
): Promise<SearchHit[][]> {
  if (queries.length === 0) return [];
  const params = searchParams(queries, options);
  const { rows } = await db.transaction(
    (tx) =>
      tx.query<{ ord: string; evidence_id: string; similarity: number; content: string; source: string | null; url: string | null; category: string | null }>(
        searchSql(options.mode),
        params,
      ),
    { setup: searchSetup(options) },
  );
  const out: SearchHit[][] = queries.map(() => []);
  for (const r of rows) {
    out[Number(r.ord) - 1]!.push({
      evidenceId: r.evidence_id,
      similarity: r.similarity,
      content: r.content,
      source: r.source,
      url: r.url,
      category: r.category,
    });
  }
  return out;
}

export async function search(db: TransactionRunner, query: VectorLike, options: SearchOptions): Promise<SearchHit[]> {
  return (await searchMany(db, [query], options))[0]!;
}
