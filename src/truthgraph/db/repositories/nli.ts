// NLI results: probabilities stored under their true label names (entailment/neutral/contradiction).
import type { Queryable } from '../queryable.ts';

import { NLI_LABELS, type NliLabel } from '../../domain.ts';

export { NLI_LABELS, type NliLabel } from '../../domain.ts';

export interface NliInput {
  evidenceId: string;
  label: NliLabel;
  entailment: number;
  neutral: number;
  contradiction: number;
  modelId: string;
}

export interface NliRow extends NliInput {
  id: number;
  claimId: number;
  verificationId: number | null;
}

const INSERT_SQL = `
INSERT INTO nli_results (claim_id, evidence_id, label, entailment_prob, neutral_prob, contradiction_prob, model_id)
SELECT $1, t.evidence_id, t.label, t.e, t.n, t.c, t.model_id
  FROM unnest($2::text[], $3::text[], $4::real[], $5::real[], $6::real[], $7::text[]) WITH ORDINALITY
       AS t(evidence_id, label, e, n, c, model_id, ord)
 ORDER BY t.ord
RETURNING id`;

export function nliProblem(row: NliInput): string | undefined {
  if (!(NLI_LABELS as readonly string[]).includes(row.label)) return `unknown NLI label "${row.label}"`;
  for (const key of NLI_LABELS) {
    const p = row[key];
    if (!Number.isFinite(p) || p < 0 || p > 1) return `${key} probability ${p} is not in [0, 1]`;
  }
  return undefined;
}

/** One multi-row INSERT ... RETURNING for all rows of one claim. */
export async function insertNliResults(db: Queryable, claimId: number, rows: readonly NliInput[]): Promise<number[]> {
  if (rows.length === 0) return [];
  for (const row of rows) {
    const problem = nliProblem(row);
    if (problem) throw new RangeError(`NLI row for evidence ${row.evidenceId}: ${problem}`);
  }
  const { rows: out } = await db.query<{ id: string }>(INSERT_SQL, [
    claimId,
    rows.map((r) => r.evidenceId),
    rows.map((r) => r.label),
    rows.map((r) => r.entailment),
    rows.map((r) => r.neutral),
    rows.map((r) => r.contradiction),
    rows.map((r) => r.modelId),
  ]);
  return out.map((r) => Number(r.id));
}

export async function getNliResultsForClaims(db: Queryable, claimIds: readonly number[]): Promise<NliRow[]> {
  if (claimIds.length === 0) return [];
  const { rows } = await db.query<{
    id: string; claim_id: string; verification_id: string | null; evidence_id: string; label: NliLabel;
    entailment_prob: number; neutral_prob: number; contradiction_prob: number; model_id: string;
  }>(
    `SELECT id, claim_id, verification_id, evidence_id, label, entailment_prob, neutral_prob, contradiction_prob, model_id
       FROM nli_results WHERE claim_id = ANY($1::bigint[]) ORDER BY claim_id, id`,
    [claimIds],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    claimId: Number(r.claim_id),
    verificationId: r.verification_id === null ? null : Number(r.verification_id),
    evidenceId: r.evidence_id,
    label: r.label,
    entailment: r.entailment_prob,
    neutral: r.neutral_prob,
    contradiction: r.contradiction_prob,
    modelId: r.model_id,
  }));
}
