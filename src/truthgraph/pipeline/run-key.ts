// The identity of a batch run: the same claims verified with the same options and model packs. Stored
// results carry it (with each claim's index), so rerunning an interrupted `verify --file` stores only
// the claims that are missing instead of storing the finished ones twice.
import { createHash } from 'node:crypto';
import type { VerifyOptions } from './options.ts';
import type { ClaimInput } from './types.ts';

export function runKeyOf(
  claims: readonly ClaimInput[],
  options: VerifyOptions,
  packs: { embedder: { id: string; variant: string }; nli: { id: string; variant: string } },
): string {
  const { k, minSimilarity, mode, strategy, aggregation, maxClaimChars, pipelineVersion } = options;
  const identity = {
    claims: claims.map((c) => [c.text, c.externalId ?? null]),
    options: { k, minSimilarity, mode, strategy, aggregation, maxClaimChars, pipelineVersion },
    embedder: `${packs.embedder.id}:${packs.embedder.variant}`,
    nli: `${packs.nli.id}:${packs.nli.variant}`,
  };
  return `run-${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32)}`;
}
