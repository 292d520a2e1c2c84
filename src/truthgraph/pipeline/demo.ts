// Loading a dataset's evidence into the store: embed every passage with the pipeline's embedder and
// ingest evidence + embeddings together (idempotent upserts, so the demo can run again).
import type { Database } from '../db/database.ts';
import { ingestEvidence, type IngestReport } from '../db/repositories/evidence.ts';
import { modelRefFromPack } from '../db/repositories/embeddings.ts';
import type { Embedder } from '../embedding/embedder.ts';
import type { Dataset } from './datasets.ts';

export async function loadDatasetEvidence(db: Database, embedder: Embedder, datasets: readonly Dataset[]): Promise<IngestReport> {
  const seen = new Set<string>();
  const evidence = datasets.flatMap((d) => d.evidence).filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  const vectors = await embedder.embed(evidence.map((e) => e.content));
  return ingestEvidence(
    db,
    evidence.map((e, i) => ({ evidence: e, embedding: vectors[i]! })),
    { model: modelRefFromPack(embedder.pack) },
  );
}
