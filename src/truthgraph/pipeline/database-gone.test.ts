// The database disappears in the middle of a multi-batch run: the run fails with a clear UserError and
// what was stored is whole (each batch is one atomic statement: no verification without its NLI rows).
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../shared/paths.ts';
import { embeddedPaths, resolveDbConfig, type DbConfig } from '../db/config.ts';
import { Database } from '../db/database.ts';
import { readEmbeddedStatus } from '../db/providers/embedded.ts';
import { loadEmbedder, type Embedder } from '../embedding/embedder.ts';
import { UserError } from '../../shared/errors.ts';
import { loadNli, type NliModel } from '../nli/nli.ts';
import { DbEvidenceStore, embedderAdapter, nliAdapter } from './adapters.ts';
import { loadSampleDataset } from './datasets.ts';
import { loadDatasetEvidence } from './demo.ts';
import type { NliLike } from './types.ts';
import { Verifier } from './verify.ts';
import { modelRefFromPack } from '../db/repositories/embeddings.ts';

let tmp: string;
let config: DbConfig;
let db: Database | undefined;
let embedder: Embedder;
let nli: NliModel;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tg-db-gone-'));
  await symlink(path.join(defaultCacheDir({}), 'models'), path.join(tmp, 'models'));
  config = resolveDbConfig({ provider: 'embedded', cacheDir: tmp, name: 'gone' });
  [db, embedder, nli] = await Promise.all([
    Database.open(config),
    loadEmbedder({ cacheDir: defaultCacheDir({}), variant: 'int8' }),
    loadNli({ cacheDir: defaultCacheDir({}), variant: 'int8' }),
  ]);
  await loadDatasetEvidence(db, embedder, [await loadSampleDataset()]);
});

afterAll(async () => {
  await Promise.allSettled([db?.close(), embedder?.dispose(), nli?.dispose()]);
  await rm(tmp, { recursive: true, force: true });
});

describe('database gone mid-batch', () => {
  it('fails with a clear error and leaves only whole, stored batches', async () => {
    const sample = await loadSampleDataset();
    const realNli = nliAdapter(nli);
    let nliCalls = 0;
    // The real NLI model; after the second batch's NLI call the database server is killed, so that
    // batch's store statement meets a dead server.
    const killingNli: NliLike = {
      pack: realNli.pack,
      classify: async (pairs) => {
        const out = await realNli.classify(pairs);
        if (++nliCalls === 2) {
          const status = await readEmbeddedStatus(embeddedPaths(config).stateFile);
          if (status.status !== 'running') throw new Error(`expected a running server, got ${status.status}`);
          process.kill(status.state.pid, 'SIGTERM');
          await new Promise((r) => setTimeout(r, 500));
        }
        return out;
      },
    };
    const verifier = new Verifier(
      { embedder: embedderAdapter(embedder), nli: killingNli, store: new DbEvidenceStore(db!, modelRefFromPack(embedder.pack).id) },
      { k: 3, batchSize: 5, concurrency: 1 },
    );
    const done: number[] = [];
    // The run key `verify --file` passes: a rerun of the same file and options skips what is stored.
    const runKey = 'database-gone-test-run';
    const run = verifier.verifyClaims(sample.claims.map((c) => c.text), { runKey }, (p) => done.push(p.done));
    const error = (await run.catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/not reachable/);
    expect(error.fix).toBeTruthy();
    console.log(`error shown to the user: ${error.message}\n  fix: ${error.fix}`);
    expect(done).toEqual([5]);
    await db!.close();
    db = undefined;

    // Reopen the same data dir: exactly the first batch is there, each verification with all its NLI rows.
    db = await Database.open(config);
    const { rows } = await db.query<{ verifications: string; incomplete: string; nli: string }>(`
      SELECT (SELECT count(*) FROM verification_results) AS verifications,
             (SELECT count(*) FROM nli_results) AS nli,
             (SELECT count(*) FROM verification_results v
               WHERE v.evidence_count <> (SELECT count(*) FROM nli_results n WHERE n.verification_id = v.id)) AS incomplete`);
    expect(rows[0]).toEqual({ verifications: '5', nli: '15', incomplete: '0' });

    // The rerun the error's fix names completes the run: every claim stored once, none twice.
    const again = new Verifier(
      { embedder: embedderAdapter(embedder), nli: nliAdapter(nli), store: new DbEvidenceStore(db, modelRefFromPack(embedder.pack).id) },
      { k: 3, batchSize: 5, concurrency: 1 },
    );
    await again.verifyClaims(sample.claims.map((c) => c.text), { runKey });
    const after = await db.query<{ verifications: string; nli: string; incomplete: string }>(`
      SELECT (SELECT count(*) FROM verification_results) AS verifications,
             (SELECT count(*) FROM nli_results) AS nli,
             (SELECT count(*) FROM verification_results v
               WHERE v.evidence_count <> (SELECT count(*) FROM nli_results n WHERE n.verification_id = v.id)) AS incomplete`);
    const claims = sample.claims.length;
    expect(after.rows[0]).toEqual({ verifications: String(claims), nli: String(claims * 3), incomplete: '0' });
  });
});
