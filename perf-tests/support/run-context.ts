// Run-context facts the suites record through perf.context: model packs (id, hash, variant and
// whether the pack is synthetic) and dataset files (sha256 of their bytes).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATASET_DIR } from '../../src/shared/paths.ts';
import type { EngineInfo } from '../../src/truthgraph/db/database.ts';
import { perf } from '../../src/perf/suite/index.ts';
import type { PackInfo } from '../../src/truthgraph/models/pack.ts';

/** "minilm-l6-h384-f56c… (synthetic)": every verdict or label from it measures cost, not truth. */
export function packLabel(pack: Pick<PackInfo, 'id' | 'synthetic'>): string {
  return pack.synthetic ? `${pack.id} (synthetic)` : pack.id;
}

export function recordPack(pack: PackInfo): void {
  perf.context.addModel({ id: pack.id, hash: pack.hash, variant: pack.variant, synthetic: pack.synthetic });
}

/** sha256 (16 hex) of a fixture file under fixtures/truthgraph, recorded as a dataset. */
export function recordFixture(file: string): string {
  const hash = createHash('sha256').update(readFileSync(path.join(DATASET_DIR, file))).digest('hex').slice(0, 16);
  perf.context.addDataset({ name: `fixtures/truthgraph/${file}`, hash });
  return hash;
}

export function recordDatabase(engine: EngineInfo): void {
  perf.context.setDatabase({ engine: engine.engine, version: engine.postgresVersion, ...(engine.pgvectorVersion && { pgvector: engine.pgvectorVersion }) });
}
