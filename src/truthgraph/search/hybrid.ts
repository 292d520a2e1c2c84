// Hybrid retrieval: vector top-N and full-text top-N in ONE statement, fused by weighted RRF in TS.
import type { TransactionRunner } from '../db/queryable.ts';
import { vectorToBinary, type VectorLike } from '../db/vector.ts';
import { fuseRrf, DEFAULT_RRF_K } from './rrf.ts';
import { guardParams, settingsGuard } from '../db/queryable.ts';
import { distanceOrder, distanceSql, runWithSettings, searchSettingNames, searchSettings, type SearchMode } from './vector-search.ts';

export interface HybridOptions {
  k: number;
  modelId: string;
  /** Candidates taken from each side before fusion (default max(k * 4, 20)). */
  candidates?: number;
  vectorWeight?: number;
  textWeight?: number;
  rrfK?: number;
  /** How the vector side runs (default exact). */
  vectorMode?: SearchMode;
  probes?: number;
  efSearch?: number;
  /** pgvector iterative index scans for the vector side (default true; see SearchOptions). */
  iterativeScan?: boolean;
}

export interface HybridHit {
  evidenceId: string;
  score: number;
  vectorRank: number | null;
  textRank: number | null;
  similarity: number | null;
  content: string;
  source: string | null;
  url: string | null;
  category: string | null;
}

// $1 is the query vector in binary form (vectorToBinary); exact mode orders by a non-indexable form.
export function hybridSql(mode: SearchMode): string {
  return `
WITH vec AS (
  SELECT d.id, 1 - d.distance AS similarity, NULL::real AS text_rank
    FROM (SELECT m.entity_id AS id, ${distanceSql(mode, '$1::vector')} AS distance
            FROM embeddings m
           WHERE m.entity_kind = 'evidence' AND m.model_id = $2 AND ${settingsGuard(searchSettingNames(mode), 5)}
           ORDER BY ${distanceOrder(mode)}
           LIMIT $4) d
), txt AS (
  SELECT e.id, NULL::float8 AS similarity, ts_rank_cd(e.tsv, q) AS text_rank
    FROM evidence e, websearch_to_tsquery('english', $3) q
   WHERE e.tsv @@ q
   ORDER BY text_rank DESC, e.id
   LIMIT $4
), both_sides AS (
  SELECT 'vector' AS side, row_number() OVER (ORDER BY similarity DESC, id) AS rank, id, similarity FROM vec
  UNION ALL
  SELECT 'text', row_number() OVER (ORDER BY text_rank DESC, id), id, similarity FROM txt
)
SELECT b.side, b.rank, b.id, b.similarity, e.content, e.source, e.url, e.category
  FROM both_sides b JOIN evidence e ON e.id = b.id
 ORDER BY b.side, b.rank`;
}

export async function hybridSearch(
  db: TransactionRunner,
  text: string,
  vector: VectorLike,
  options: HybridOptions,
): Promise<HybridHit[]> {
  const candidates = options.candidates ?? Math.max(options.k * 4, 20);
  const mode = options.vectorMode ?? 'exact';
  const settings = searchSettings({
    mode,
    k: candidates,
    modelId: options.modelId,
    ...(options.probes ? { probes: options.probes } : {}),
    ...(options.efSearch ? { efSearch: options.efSearch } : {}),
    ...(options.iterativeScan !== undefined ? { iterativeScan: options.iterativeScan } : {}),
  });
  const { rows } = await runWithSettings<{ side: 'vector' | 'text'; rank: string; id: string; similarity: number | null; content: string; source: string | null; url: string | null; category: string | null }>(
    db,
    settings,
    hybridSql(mode),
    // Postgres text cannot hold NUL (the query failed with "invalid byte sequence"); for full-text
    // matching a NUL separates words like a space does.
    [vectorToBinary(vector), options.modelId, text.replaceAll('\u0000', ' '), candidates, ...guardParams(settings)],
  );
  const bySide = { vector: [] as string[], text: [] as string[] };
  const details = new Map<string, (typeof rows)[number]>();
  const similarity = new Map<string, number>();
  for (const r of rows) {
    bySide[r.side].push(r.id);
    details.set(r.id, r);
    if (r.similarity !== null) similarity.set(r.id, r.similarity);
  }
  const fused = fuseRrf(
    [
      { name: 'vector', weight: options.vectorWeight ?? 1, ids: bySide.vector },
      { name: 'text', weight: options.textWeight ?? 1, ids: bySide.text },
    ],
    options.rrfK ?? DEFAULT_RRF_K,
  );
  return fused.slice(0, options.k).map((f) => {
    const d = details.get(f.id)!;
    return {
      evidenceId: f.id,
      score: f.score,
      vectorRank: f.ranks.vector ?? null,
      textRank: f.ranks.text ?? null,
      similarity: similarity.get(f.id) ?? null,
      content: d.content,
      source: d.source,
      url: d.url,
      category: d.category,
    };
  });
}
