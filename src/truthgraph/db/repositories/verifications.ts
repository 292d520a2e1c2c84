// Verification results stored with their claims and NLI rows: the whole batch in ONE statement
// (data-modifying CTEs are atomic), so no transaction is held open across round trips. Results of a
// batch run carry (run key, claim index): one already stored is kept, so a rerun duplicates nothing.
import type { Queryable } from '../queryable.ts';
import { nliProblem, type NliInput } from './nli.ts';

import { VERDICTS, type Verdict } from '../../domain.ts';

export { VERDICTS, type Verdict } from '../../domain.ts';

export interface VerificationInput {
  /** An existing claim id, or a new claim to insert. */
  claim: { id: number } | { text: string; externalId?: string | null };
  verdict: Verdict;
  confidence: number;
  scores: { entailment: number; neutral: number; contradiction: number };
  counts: { evidence: number; supporting: number; refuting: number; neutral: number };
  pipelineVersion: string;
  retrievalMethod: string;
  /** Per-stage timings in ms, stored as jsonb. */
  timings: Record<string, number>;
  nli: readonly NliInput[];
  /** Part of a batch run: a (key, index) already stored is kept and not written again. */
  run?: { key: string; index: number };
}

export interface StoredVerification {
  claimId: number;
  verificationId: number;
  nliIds: number[];
}

const STORE_SQL = `
WITH done AS MATERIALIZED (
  -- Claims of a batch run that an earlier (interrupted) run already stored: kept, not written again.
  SELECT r.ord, d.id, d.claim_id
    FROM unnest($23::text[], $24::int[]) WITH ORDINALITY AS r(run_key, run_index, ord)
    JOIN verification_results d ON d.run_key = r.run_key AND d.run_index = r.run_index
), v_in AS MATERIALIZED (
  -- A plain scan of the input (no join), so new ids are drawn in input order.
  SELECT t.ord, (SELECT done.id FROM done WHERE done.ord = t.ord) AS done_id,
         COALESCE((SELECT done.claim_id FROM done WHERE done.ord = t.ord), t.claim_id, nextval(pg_get_serial_sequence('claims', 'id'))) AS claim_id,
         t.claim_id IS NULL AND NOT EXISTS (SELECT 1 FROM done WHERE done.ord = t.ord) AS new_claim, t.claim_text, t.external_id,
         COALESCE((SELECT done.id FROM done WHERE done.ord = t.ord), nextval(pg_get_serial_sequence('verification_results', 'id'))) AS verification_id,
         t.verdict, t.confidence, t.es, t.ns, t.cs, t.n_ev, t.n_sup, t.n_ref, t.n_neu, t.pv, t.rm, t.timings, t.run_key, t.run_index
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::real[], $6::real[], $7::real[], $8::real[],
                $9::int[], $10::int[], $11::int[], $12::int[], $13::text[], $14::text[], $15::jsonb[], $23::text[], $24::int[])
         WITH ORDINALITY AS t(claim_id, claim_text, external_id, verdict, confidence, es, ns, cs,
                              n_ev, n_sup, n_ref, n_neu, pv, rm, timings, run_key, run_index, ord)
), c AS (
  INSERT INTO claims (id, text, external_id)
  SELECT claim_id, claim_text, external_id FROM v_in WHERE new_claim
), v AS (
  INSERT INTO verification_results (id, claim_id, verdict, confidence, entailment_score, neutral_score,
    contradiction_score, evidence_count, supporting_count, refuting_count, neutral_count, pipeline_version,
    retrieval_method, timings, run_key, run_index)
  SELECT verification_id, claim_id, verdict, confidence, es, ns, cs, n_ev, n_sup, n_ref, n_neu, pv, rm, timings, run_key, run_index
    FROM v_in WHERE done_id IS NULL
), n_in AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('nli_results', 'id')) AS id, n.*
    FROM unnest($16::int[], $17::text[], $18::text[], $19::real[], $20::real[], $21::real[], $22::text[])
         WITH ORDINALITY AS n(vord, evidence_id, label, e, ne, co, model_id, nord)
   WHERE NOT EXISTS (SELECT 1 FROM v_in WHERE v_in.ord = n.vord AND v_in.done_id IS NOT NULL)
), n AS (
  INSERT INTO nli_results (id, claim_id, evidence_id, verification_id, label, entailment_prob, neutral_prob,
    contradiction_prob, model_id)
  SELECT n_in.id, v_in.claim_id, n_in.evidence_id, v_in.verification_id, n_in.label, n_in.e, n_in.ne, n_in.co, n_in.model_id
    FROM n_in JOIN v_in ON v_in.ord = n_in.vord
)
SELECT v_in.ord, v_in.claim_id, v_in.verification_id,
       CASE WHEN v_in.done_id IS NULL
            THEN COALESCE((SELECT array_agg(n_in.id ORDER BY n_in.nord) FROM n_in WHERE n_in.vord = v_in.ord), '{}')
            ELSE COALESCE((SELECT array_agg(x.id ORDER BY x.id) FROM nli_results x WHERE x.verification_id = v_in.done_id), '{}')
       END AS nli_ids
  FROM v_in ORDER BY v_in.ord`;

function problem(input: VerificationInput): string | undefined {
  if (!(VERDICTS as readonly string[]).includes(input.verdict)) return `unknown verdict "${input.verdict}"`;
  const numbers = [input.confidence, input.scores.entailment, input.scores.neutral, input.scores.contradiction];
  if (!numbers.every(Number.isFinite)) return 'confidence and scores must be finite numbers';
  for (const row of input.nli) {
    const p = nliProblem(row);
    if (p) return `NLI row for evidence ${row.evidenceId}: ${p}`;
  }
  return undefined;
}

/** Stores claims (new or existing) + verification results + NLI rows atomically in one round trip. */
export async function storeVerifications(db: Queryable, inputs: readonly VerificationInput[]): Promise<StoredVerification[]> {
  if (inputs.length === 0) return [];
  inputs.forEach((input, i) => {
    const p = problem(input);
    if (p) throw new RangeError(`verification ${i}: ${p}`);
  });
  const col = <T>(f: (v: VerificationInput) => T) => inputs.map(f);
  const nli = inputs.flatMap((input, i) => input.nli.map((row) => ({ vord: i + 1, row })));
  const ncol = <T>(f: (n: { vord: number; row: NliInput }) => T) => nli.map(f);
  const { rows } = await db.query<{ claim_id: string; verification_id: string; nli_ids: string[] }>(STORE_SQL, [
    col((v) => ('id' in v.claim ? v.claim.id : null)),
    col((v) => ('text' in v.claim ? v.claim.text : null)),
    col((v) => ('text' in v.claim ? (v.claim.externalId ?? null) : null)),
    col((v) => v.verdict),
    col((v) => v.confidence),
    col((v) => v.scores.entailment),
    col((v) => v.scores.neutral),
    col((v) => v.scores.contradiction),
    col((v) => v.counts.evidence),
    col((v) => v.counts.supporting),
    col((v) => v.counts.refuting),
    col((v) => v.counts.neutral),
    col((v) => v.pipelineVersion),
    col((v) => v.retrievalMethod),
    col((v) => JSON.stringify(v.timings)),
    ncol((n) => n.vord),
    ncol((n) => n.row.evidenceId),
    ncol((n) => n.row.label),
    ncol((n) => n.row.entailment),
    ncol((n) => n.row.neutral),
    ncol((n) => n.row.contradiction),
    ncol((n) => n.row.modelId),
    col((v) => v.run?.key ?? null),
    col((v) => v.run?.index ?? null),
  ]);
  return rows.map((r) => ({
    claimId: Number(r.claim_id),
    verificationId: Number(r.verification_id),
    nliIds: r.nli_ids.map(Number),
  }));
}

export async function storeVerification(db: Queryable, input: VerificationInput): Promise<StoredVerification> {
  return (await storeVerifications(db, [input]))[0]!;
}

export interface VerificationRow {
  id: number;
  claimId: number;
  verdict: Verdict;
  confidence: number;
  scores: VerificationInput['scores'];
  counts: VerificationInput['counts'];
  pipelineVersion: string;
  retrievalMethod: string;
  timings: Record<string, number>;
}

export async function getVerificationsForClaims(db: Queryable, claimIds: readonly number[]): Promise<VerificationRow[]> {
  if (claimIds.length === 0) return [];
  const { rows } = await db.query<Record<string, unknown>>(
    'SELECT * FROM verification_results WHERE claim_id = ANY($1::bigint[]) ORDER BY id',
    [claimIds],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    claimId: Number(r.claim_id),
    verdict: r.verdict as Verdict,
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
  }));
}
