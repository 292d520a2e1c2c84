// Opening the whole pipeline: models + database + verifier, from one resolved config.
// The CLI and the perf suites open it here; tests that already hold a Database and models use createPipeline().
import { resolveDbConfig, type DbConfig } from '../db/config.ts';
import { Database } from '../db/database.ts';
import { countEvidence } from '../db/repositories/evidence.ts';
import { defaultCacheDir } from '../config/paths.ts';
import { loadEmbedder, type Embedder } from '../embedding/embedder.ts';
import type { EmbedderOptionsInput } from '../embedding/options.ts';
import { loadNli, type NliModel } from '../nli/nli.ts';
import type { NliOptionsInput } from '../nli/options.ts';
import { UserError } from '../errors.ts';
import { DbEvidenceStore, embedderAdapter, nliAdapter } from './adapters.ts';
import { resolveVerifyOptions, type VerifyOptions, type VerifyOptionsInput } from './options.ts';
import { Verifier } from './verify.ts';

export interface RuntimeConfig {
  db: DbConfig;
  embedder: EmbedderOptionsInput;
  nli: NliOptionsInput;
  verify: VerifyOptions;
}

/** CLI-shaped inputs (all optional strings) for the database and the model packs. */
export interface RuntimeFlags {
  dbProvider?: string;
  databaseUrl?: string;
  dbName?: string;
  embedder?: string;
  nli?: string;
  variant?: 'fp32' | 'int8';
}

/** The one place that reads the environment for the pipeline (through the db config and cache dir). */
export function resolveRuntimeConfig(flags: RuntimeFlags, verify: VerifyOptionsInput, env: NodeJS.ProcessEnv): RuntimeConfig {
  const cacheDir = defaultCacheDir(env);
  const db = resolveDbConfig({ provider: flags.dbProvider, databaseUrl: flags.databaseUrl, name: flags.dbName, cacheDir }, env);
  const variant = flags.variant ?? 'fp32';
  return {
    db,
    embedder: { cacheDir, variant, ...(flags.embedder ? { pack: flags.embedder } : {}) },
    nli: { cacheDir, variant, ...(flags.nli ? { pack: flags.nli } : {}) },
    verify: resolveVerifyOptions(verify),
  };
}

export interface Pipeline {
  verifier: Verifier;
  store: DbEvidenceStore;
  /** Fails with a UserError naming the command that loads evidence when the store has none for this embedder. */
  requireEvidence(): Promise<number>;
}

export interface PipelineRuntime extends Pipeline {
  db: Database;
  embedder: Embedder;
  nli: NliModel;
  close(): Promise<void>;
}

/** Builds the pipeline over an open Database and loaded models (nothing is owned or closed here). */
export function createPipeline(parts: { db: Database; embedder: Embedder; nli: NliModel }, verify: VerifyOptionsInput | VerifyOptions = {}): Pipeline {
  const store = new DbEvidenceStore(parts.db, parts.embedder.pack.id);
  const verifier = new Verifier({ embedder: embedderAdapter(parts.embedder), nli: nliAdapter(parts.nli), store }, verify);
  return {
    verifier,
    store,
    requireEvidence: async () => {
      const { rows } = await parts.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM embeddings WHERE entity_kind = 'evidence' AND model_id = $1",
        [parts.embedder.pack.id],
      );
      const n = Number(rows[0]?.n ?? 0);
      if (n === 0) {
        const total = await countEvidence(parts.db);
        throw new UserError(
          total === 0
            ? 'the evidence store is empty: there is nothing to verify claims against'
            : `the evidence store has ${total} evidence items but none embedded with ${parts.embedder.pack.id}`,
          { fix: 'run `npx truthgraph demo` to load the sample corpus (or load a corpus embedded with the same embedder pack)' },
        );
      }
      return n;
    },
  };
}

export async function openPipeline(config: RuntimeConfig, options: { log?: (line: string) => void } = {}): Promise<PipelineRuntime> {
  const log = options.log ?? (() => {});
  const [db, embedder, nli] = await Promise.allSettled([
    Database.open(config.db, { log }),
    loadEmbedder(config.embedder),
    loadNli(config.nli),
  ]);
  if (db.status === 'rejected' || embedder.status === 'rejected' || nli.status === 'rejected') {
    await Promise.all([
      db.status === 'fulfilled' ? db.value.close() : undefined,
      embedder.status === 'fulfilled' ? embedder.value.dispose() : undefined,
      nli.status === 'fulfilled' ? nli.value.dispose() : undefined,
    ]);
    throw [db, embedder, nli].find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
  }
  const parts = { db: db.value, embedder: embedder.value, nli: nli.value };
  const pipeline = createPipeline(parts, config.verify);
  return {
    ...pipeline,
    ...parts,
    close: async () => {
      await Promise.allSettled([parts.db.close(), parts.embedder.dispose(), parts.nli.dispose()]);
    },
  };
}
