// Does the evidence store hold vectors the query embedder can be compared with? Vectors are stored
// under `<pack id>:<variant>`; a corpus embedded with the other variant of the same pack is found and
// named, so that callers can follow it (variant auto) or say exactly what to change.
import type { Queryable } from '../db/queryable.ts';
import { modelRefFromPack } from '../db/repositories/embeddings.ts';
import { VARIANTS, type Variant } from '../models/spec.ts';

export type CorpusMatch =
  /** Evidence embedded with exactly this pack and variant. */
  | { status: 'match'; modelId: string; count: number }
  /** None with this variant, `count` with the other variant of the same pack. */
  | { status: 'other-variant'; modelId: string; variant: Variant; otherModelId: string; count: number }
  /** None with this pack at all: `evidence` rows stored, embedded with `embeddedWith` (maybe none). */
  | { status: 'none'; modelId: string; evidence: number; embeddedWith: { modelId: string; count: number }[] };

export async function matchCorpus(db: Queryable, pack: { id: string; variant: Variant; hash: string }): Promise<CorpusMatch> {
  const modelId = modelRefFromPack(pack).id;
  const { rows } = await db.query<{ model_id: string | null; n: string }>(
    `SELECT e.model_id, count(*) AS n FROM embeddings e WHERE e.entity_kind = 'evidence' GROUP BY e.model_id
     UNION ALL SELECT NULL, count(*) FROM evidence`,
  );
  const byModel = new Map(rows.filter((r) => r.model_id !== null).map((r) => [r.model_id!, Number(r.n)]));
  const mine = byModel.get(modelId) ?? 0;
  if (mine > 0) return { status: 'match', modelId, count: mine };
  for (const variant of VARIANTS) {
    const other = modelRefFromPack({ ...pack, variant }).id;
    const count = byModel.get(other) ?? 0;
    if (variant !== pack.variant && count > 0) return { status: 'other-variant', modelId, variant, otherModelId: other, count };
  }
  const evidence = Number(rows.find((r) => r.model_id === null)?.n ?? 0);
  return { status: 'none', modelId, evidence, embeddedWith: [...byModel].map(([id, count]) => ({ modelId: id, count })) };
}
