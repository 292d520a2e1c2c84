// REFERENCE ANTI-PATTERN — do not use outside the db-queries perf suite.
// The naive, one-query-per-item (N+1) shapes the original TruthGraph had, written against the same
// schema so the db-queries suite can compare them side by side with src/truthgraph/db/repositories. Each
// function returns the same data as its batch counterpart; only the query shape differs.
import type { Queryable } from '../../src/truthgraph/db/queryable.ts';
import type { Evidence } from '../../src/truthgraph/db/repositories/evidence.ts';
import type { EmbeddingRow, EntityKind, ModelRef } from '../../src/truthgraph/db/repositories/embeddings.ts';
import type { NliInput, NliRow } from '../../src/truthgraph/db/repositories/nli.ts';
import type { VerificationRow } from '../../src/truthgraph/db/repositories/verifications.ts';
import { vectorToSql } from '../../src/truthgraph/db/vector.ts';

/** N+1: one SELECT per evidence id. */
export async function naiveGetEvidenceByIds(db: Queryable, ids: readonly string[]): Promise<Evidence[]> {
  const out: Evidence[] = [];
  for (const id of ids) {
    const { rows } = await db.query<Evidence>('SELECT id, content, source, url, category, metadata FROM evidence WHERE id = $1', [id]);
    if (rows[0]) out.push(rows[0]);
  }
  return out;
}

/** One INSERT ... RETURNING per NLI row. */
export async function naiveInsertNliResults(db: Queryable, claimId: number, rows: readonly NliInput[]): Promise<number[]> {
  const ids: number[] = [];
  for (const r of rows) {
    const { rows: out } = await db.query<{ id: string }>(
      `INSERT INTO nli_results (claim_id, evidence_id, label, entailment_prob, neutral_prob, contradiction_prob, model_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [claimId, r.evidenceId, r.label, r.entailment, r.neutral, r.contradiction, r.modelId],
    );
    ids.push(Number(out[0]!.id));
  }
  return ids;
}

/** One single-row upsert per embedding. */
export async function naiveUpsertEmbeddings(db: Queryable, kind: EntityKind, model: ModelRef, rows: readonly EmbeddingRow[]): Promise<number> {
  for (const r of rows) {
    await db.query(
      `INSERT INTO embeddings (entity_kind, entity_id, model_id, model_hash, embedding) VALUES ($1, $2, $3, $4, $5::vector)
       ON CONFLICT (entity_kind, entity_id, model_id)
       DO UPDATE SET embedding = EXCLUDED.embedding, model_hash = EXCLUDED.model_hash, created_at = now()`,
      [kind, r.entityId, model.id, model.hash, vectorToSql(r.vector)],
    );
  }
  return rows.length;
}

export interface VerificationDetail {
  verification: VerificationRow;
  nli: NliRow[];
  evidence: Evidence[];
}

/** Verification detail for each claim: one query per claim, one per claim's NLI rows, one per evidence row. */
export async function naiveVerificationDetails(db: Queryable, claimIds: readonly number[]): Promise<VerificationDetail[]> {
  const out: VerificationDetail[] = [];
  for (const claimId of claimIds) {
    const { rows: vs } = await db.query<Record<string, unknown>>('SELECT * FROM verification_results WHERE claim_id = $1 ORDER BY id', [claimId]);
    for (const v of vs) {
      const { rows: ns } = await db.query<Record<string, unknown>>('SELECT * FROM nli_results WHERE verification_id = $1 ORDER BY id', [v.id]);
      const nli = ns.map(toNliRow);
      const evidence = await naiveGetEvidenceByIds(db, nli.map((n) => n.evidenceId));
      out.push({ verification: toVerificationRow(v), nli, evidence });
    }
  }
  return out;
}

function toNliRow(r: Record<string, unknown>): NliRow {
  return {
    id: Number(r.id),
    claimId: Number(r.claim_id),
    verificationId: r.verification_id === null ? null : Number(r.verification_id),
    evidenceId: r.evidence_id as string,
    label: r.label as NliRow['label'],
    entailment: r.entailment_prob as number,
    neutral: r.neutral_prob as number,
    contradiction: r.contradiction_prob as number,
    modelId: r.model_id as string,
  };
}

function toVerificationRow(r: Record<string, unknown>): VerificationRow {
  return {
    id: Number(r.id),
    claimId: Number(r.claim_id),
    verdict: r.verdict as VerificationRow['verdict'],
    confidence: r.confidence as number,
    scores: { entailment: r.entailment_score as number, neutral: r.neutral_score as number, contradiction: r.contradiction_score as number },
    counts: {
      evidence: r.evidence_count as number,
      supporting: r.supporting_count as number,
      refuting: r.refuting_count as number,
      neutral: r.neutral_count as number,
    },
    pipelineVersion: r.pipeline_version as string,
    retrievalMethod: r.retrieval_method as string,
    timings: r.timings as Record<string, number>,
  };
}
