// Test/perf helper: a Database on a private in-memory embedded server (one per test file).
import { resolveDbConfig } from './config.ts';
import { Database } from './database.ts';

/** `loadDump`: a Database.dumpDataDir tarball to start from (a fixture restore instead of re-ingesting). */
export async function openEphemeralDatabase(options: { poolSize?: number; migrate?: boolean; loadDump?: string } = {}): Promise<Database> {
  const config = resolveDbConfig({ provider: 'embedded', inMemory: true, poolSize: options.poolSize, migrate: options.migrate });
  return Database.open(config, { probeContainer: async () => false, ...(options.loadDump ? { loadDump: options.loadDump } : {}) });
}

/** Empties the data tables (keeps schema and migrations). */
export async function truncateAll(db: Database): Promise<void> {
  await db.query('TRUNCATE nli_results, verification_results, embeddings, evidence, claims RESTART IDENTITY CASCADE');
}
