// Cosine top-k over evidence embeddings for MANY query vectors in one statement (LATERAL per query),
// evidence joined in the same query. Query vectors travel as one binary real[] parameter (no text
// float parsing in the server). ANN knobs (probes, ef_search, iterative scan) are session settings
// sent only when they change (Database.queryWithSettings), so a repeated search is ONE round trip;
// a guard inside the statement checks the session really holds them (re-SET and rerun if not).
// Exact mode needs no knob at all (its ORDER BY cannot use an ANN index).
import type { QueryResult, QueryResultRow } from 'pg';
import { canQueryWithSettings, guardParams, settingsGuard, setStatements, type SessionSettings, type TransactionRunner } from '../db/queryable.ts';
import { EMBEDDING_DIM, vectorsToBinaryArray, type VectorLike } from '../db/vector.ts';

export const SEARCH_MODES = ['exact', 'ivfflat', 'hnsw'] as const;
export const DEFAULT_EF_SEARCH = 80;
export type SearchMode = (typeof SEARCH_MODES)[number];

export interface SearchOptions {
  mode: SearchMode;
  k: number;
  modelId: string;
  /** Hits below this cosine similarity are dropped (after the top-k). */
  minSimilarity?: number;
  /** IVFFlat lists probed per query (default 10). */
  probes?: number;
  /** HNSW candidate list size (default 80: recall@10 0.957 at 50k text embeddings vs 0.918 at pgvector's 40, for ~0.4 ms; raised to k when k is larger). */
  efSearch?: number;
  /**
   * pgvector 0.8 iterative index scans (default true): when the model/kind filter drops candidates
   * the ANN scan found, the scan continues until k rows pass, instead of returning fewer than k.
   * HNSW uses strict_order (hits stay in distance order), IVFFlat relaxed_order (its only mode).
   */
  iterativeScan?: boolean;
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

/**
 * The session settings a mode relies on; values are validated integers/keywords (SET cannot take
 * bind parameters). Each ANN mode declares every knob of its index type, so it never runs with a
 * value left by another search. Exact mode declares none: its ORDER BY is not indexable.
 */
export function searchSettings(options: SearchOptions): SessionSettings {
  const iterative = options.iterativeScan ?? true;
  switch (options.mode) {
    case 'exact':
      return {};
    case 'ivfflat':
      return {
        'ivfflat.probes': positiveInt('probes', options.probes ?? 10),
        'ivfflat.iterative_scan': iterative ? 'relaxed_order' : 'off',
      };
    case 'hnsw':
      return {
        'hnsw.ef_search': Math.max(positiveInt('efSearch', options.efSearch ?? DEFAULT_EF_SEARCH), options.k),
        'hnsw.iterative_scan': iterative ? 'strict_order' : 'off',
      };
  }
}

/** SET LOCAL lines of searchSettings (for EXPLAIN and runners without queryWithSettings). */
export function searchSetup(options: SearchOptions): string {
  return setStatements(searchSettings(options), 'LOCAL');
}

/**
 * The candidate distance, computed once per row (the ORDER BY names it): plain `<=>` for ANN modes so
 * the planner can serve it from the vector_cosine_ops index; for exact mode `+ 0` keeps the value but
 * hides the operator from the planner, so no ANN index (nor an incremental sort over one) can serve
 * it: exact stays exact without any planner knob.
 */
export function distanceSql(mode: SearchMode, vector: string): string {
  return mode === 'exact' ? `(m.embedding <=> ${vector}) + 0` : `m.embedding <=> ${vector}`;
}

/** ORDER BY over the `distance` output column; exact adds the id for a fully deterministic order. */
export function distanceOrder(mode: SearchMode): string {
  return mode === 'exact' ? 'distance, m.entity_id' : 'distance';
}

/** The knob names searchSettings declares for a mode, in order (the settings guard binds them). */
export function searchSettingNames(mode: SearchMode): string[] {
  return Object.keys(searchSettings({ mode, k: 1, modelId: '' }));
}

export function searchSql(mode: SearchMode): string {
  return `
WITH q AS MATERIALIZED (
  SELECT o AS ord, ($1::real[])[(o - 1) * $5 + 1 : o * $5]::vector AS v
    FROM generate_series(1, $6::int) o
   WHERE ${settingsGuard(searchSettingNames(mode), 7)}
)
SELECT q.ord, h.entity_id AS evidence_id, 1 - h.distance AS similarity, e.content, e.source, e.url, e.category
  FROM q
 CROSS JOIN LATERAL (
       SELECT m.entity_id, ${distanceSql(mode, 'q.v')} AS distance
         FROM embeddings m
        WHERE m.entity_kind = 'evidence' AND m.model_id = $2
        ORDER BY ${distanceOrder(mode)}
        LIMIT $3) h
  JOIN evidence e ON e.id = h.entity_id
 WHERE 1 - h.distance >= $4
 ORDER BY q.ord, h.distance, h.entity_id`;
}

export function searchParams(queries: readonly VectorLike[], options: SearchOptions): unknown[] {
  positiveInt('k', options.k);
  return [
    vectorsToBinaryArray(queries),
    options.modelId,
    options.k,
    options.minSimilarity ?? -1,
    EMBEDDING_DIM,
    queries.length,
    ...guardParams(searchSettings(options)),
  ];
}

/**
 * One round trip whatever the number of queries and k (plus one `SET` when the mode's knobs changed
 * since this connection's last search). Runners without queryWithSettings get BEGIN + SET LOCAL.
 */
export async function searchMany(
  db: TransactionRunner,
  queries: readonly VectorLike[],
  options: SearchOptions,
): Promise<SearchHit[][]> {
  if (queries.length === 0) return [];
  const params = searchParams(queries, options);
  const settings = searchSettings(options);
  type Row = { ord: number; evidence_id: string; similarity: number; content: string; source: string | null; url: string | null; category: string | null };
  const { rows } = await runWithSettings<Row>(
    db,
    settings,
    searchSql(options.mode),
    params,
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

/** queryWithSettings when the runner has it, else one transaction with SET LOCAL. */
export async function runWithSettings<R extends QueryResultRow>(
  db: TransactionRunner,
  settings: SessionSettings,
  text: string,
  params: readonly unknown[],
): Promise<QueryResult<R>> {
  if (canQueryWithSettings(db)) return db.queryWithSettings<R>(settings, text, params);
  const setup = setStatements(settings, 'LOCAL');
  return db.transaction((tx) => tx.query<R>(text, params), setup ? { setup } : {});
}

export async function search(db: TransactionRunner, query: VectorLike, options: SearchOptions): Promise<SearchHit[]> {
  return (await searchMany(db, [query], options))[0]!;
}
