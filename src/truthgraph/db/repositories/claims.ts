// Claims: multi-row insert returning ids in input order, fetch many by id.
import type { Queryable } from '../queryable.ts';

import type { ClaimInput } from '../../domain.ts';

export type { ClaimInput } from '../../domain.ts';

export interface Claim {
  id: number;
  externalId: string | null;
  text: string;
}

// Ids are drawn in input order inside a materialised CTE, so the mapping does not rely on RETURNING order.
const INSERT_SQL = `
WITH input AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('claims', 'id')) AS id, t.text, t.external_id, t.ord
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(text, external_id, ord)
), ins AS (
  INSERT INTO claims (id, text, external_id) SELECT id, text, external_id FROM input
)
SELECT id FROM input ORDER BY ord`;

export async function insertClaims(db: Queryable, claims: readonly ClaimInput[]): Promise<number[]> {
  if (claims.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(INSERT_SQL, [claims.map((c) => c.text), claims.map((c) => c.externalId ?? null)]);
  return rows.map((r) => Number(r.id));
}

export async function getClaimsByIds(db: Queryable, ids: readonly number[]): Promise<Claim[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string; external_id: string | null; text: string }>(
    'SELECT id, external_id, text FROM claims WHERE id = ANY($1::bigint[])',
    [ids],
  );
  const byId = new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), externalId: r.external_id, text: r.text }]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
