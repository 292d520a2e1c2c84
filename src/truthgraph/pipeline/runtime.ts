// Opening the whole pipeline: models + database + verifier, from one resolved config.
// The CLI and the perf suites open it here; tests that already hold a Database and models use createPipeline().
import type { DbConfig } from '../db/config.ts';
import { Database } from '../db/database.ts';
import { countEvidence } from '../db/repositories/evidence.ts';
import { modelRefFromPack } from '../db/repositories/embeddings.ts';
import { loadEmbedder, type Embedder } from '../embedding/embedder.ts';
import type { EmbedderOptionsInput } from '../embedding/options.ts';
import { loadNli, type NliModel } from '../nli/nli.ts';
import type { NliOptionsInput } from '../nli/options.ts';
import { DEFAULT_VARIANT, type VariantChoice } from '../models/spec.ts';
import { UserError } from '../../shared/errors.ts';
import { DATASET_DIR } from '../../shared/paths.ts';
import path from 'node:path';

const SAMPLE_EVIDENCE_FILE = path.join(DATASET_DIR, 'evidence_corpus.json');
import { DbEvidenceStore, embedderAdapter, nliAdapter } from './adapters.ts';
import { matchCorpus, type CorpusMatch } from './corpus-match.ts';
import { resolveVerifyOptions, type VerifyOptions, type VerifyOptionsInput } from './options.ts';
import { Verifier } from './verify.ts';

export interface RuntimeConfig {
  db: DbConfig;
  embedder: EmbedderOptionsInput;
  nli: NliOptionsInput;
  verify: VerifyOptions;
}

/** Which model packs to run, as the CLI receives them. */
export interface ModelChoice {
  embedder?: string | undefined;
  nli?: string | undefined;
  variant?: VariantChoice | undefined;
  /** 0 = in-process sessions; N = N worker threads per model, 1-thread sessions each. */
  workers?: number | undefined;
}

/** Assembles the runtime config; `cacheDir` comes from the caller's resolved environment. */
export function resolveRuntimeConfig(db: DbConfig, models: ModelChoice, verify: VerifyOptionsInput, cacheDir: string = db.cacheDir): RuntimeConfig {
  const variant = models.variant ?? DEFAULT_VARIANT;
  const workers = models.workers === undefined ? {} : { workers: models.workers };
  return {
    db,
    embedder: { cacheDir, variant, ...workers, ...(models.embedder ? { pack: models.embedder } : {}) },
    nli: { cacheDir, variant, ...workers, ...(models.nli ? { pack: models.nli } : {}) },
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
  /** How the store's evidence vectors relate to the embedder (after following the corpus's variant). */
  corpus: CorpusMatch;
  close(): Promise<void>;
}

/** Builds the pipeline over an open Database and loaded models (nothing is owned or closed here). */
export function createPipeline(parts: { db: Database; embedder: Embedder; nli: NliModel }, verify: VerifyOptionsInput | VerifyOptions = {}): Pipeline {
  // The same model id `truthgraph ingest` stores embeddings under (pack id + variant).
  const embeddingModel = modelRefFromPack(parts.embedder.pack);
  const store = new DbEvidenceStore(parts.db, embeddingModel.id);
  const verifier = new Verifier({ embedder: embedderAdapter(parts.embedder), nli: nliAdapter(parts.nli), store }, verify);
  return {
    verifier,
    store,
    requireEvidence: async () => {
      const { rows } = await parts.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM embeddings WHERE entity_kind = 'evidence' AND model_id = $1",
        [embeddingModel.id],
      );
      const n = Number(rows[0]?.n ?? 0);
      if (n === 0) {
        const total = await countEvidence(parts.db);
        throw new UserError(
          total === 0
            ? 'the evidence store is empty: there is nothing to verify claims against'
            : `the evidence store has ${total} evidence items but none embedded with ${embeddingModel.id}`,
          { fix: `load evidence embedded with ${embeddingModel.id}, e.g. the sample corpus: npx truthgraph ingest ${SAMPLE_EVIDENCE_FILE} (with the same pack and variant)` },
        );
      }
      return n;
    },
  };
}

const WARM_PREMISE =
  'Historical records and independent measurements published by several institutions over many decades describe this event, its date, the people involved and the evidence collected at the time in considerable detail.';

/**
 * One claim-shaped run per stage before the first real claim: ORT's first run at a shape allocates its
 * arena and the database plans its first search, which would otherwise land in the first claim's
 * timings (a CLI `verify` is usually exactly one claim). Nothing is stored.
 */
async function warmUp(pipeline: Pipeline, parts: { embedder: Embedder; nli: NliModel }, options: VerifyOptions): Promise<void> {
  const [vector] = await parts.embedder.embed(['a warm-up claim about a historical event']);
  await Promise.all([
    parts.nli.classify(Array.from({ length: options.k }, () => ({ premise: WARM_PREMISE, hypothesis: 'a warm-up claim about a historical event' }))),
    pipeline.store.search({ vectors: [vector!], texts: ['warm-up'], k: options.k, minSimilarity: options.minSimilarity, mode: options.mode }),
  ]);
}

/** `warn`: one-line warnings (a database fallback) the user sees even when `log` is quiet (--json). */
export async function openPipeline(
  config: RuntimeConfig,
  options: { log?: (line: string) => void; warn?: (line: string) => void } = {},
): Promise<PipelineRuntime> {
  const log = options.log ?? (() => {});
  const [db, embedder, nli] = await Promise.allSettled([
    Database.open(config.db, { log, warn: options.warn ?? log }),
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
  let corpus: CorpusMatch;
  try {
    corpus = await matchCorpus(parts.db, parts.embedder.pack);
    if (corpus.status === 'other-variant' && (config.embedder.variant ?? DEFAULT_VARIANT) === 'auto') {
      // The variant was not chosen: query with the one the corpus was embedded with, or nothing matches.
      log(`the evidence was embedded with ${corpus.otherModelId}: embedding claims with the ${corpus.variant} variant too`);
      await parts.embedder.dispose();
      parts.embedder = await loadEmbedder({ ...config.embedder, variant: corpus.variant });
      corpus = await matchCorpus(parts.db, parts.embedder.pack);
    }
  } catch (error) {
    await Promise.allSettled([parts.db.close(), parts.embedder.dispose(), parts.nli.dispose()]);
    throw error;
  }
  const pipeline = createPipeline(parts, config.verify);
  await warmUp(pipeline, parts, config.verify);
  return {
    ...pipeline,
    ...parts,
    corpus,
    close: async () => {
      await Promise.allSettled([parts.db.close(), parts.embedder.dispose(), parts.nli.dispose()]);
    },
  };
}
