// Test/perf helper: a Database on a private in-memory embedded server (one per test file).
import { resolveDbConfig } from './config.ts';
import { Database } from './database.ts';

export async function openEphemeralDatabase(options: { poolSize?: number; migrate?: boolean } = {}): Promise<Database> {
  const config = resolveDbConfig({ provider: 'embedded', inMemory: true, poolSize: options.poolSize, migrate: options.migrate });
  return Database.open(config, { probeContainer: async () => false });
}

/** Empties the data tables (keeps schema and migrations). */
export async function truncateAll(db: Database): Promise<void> {
  await db.query('TRUNCATE nli_results, verification_results, embeddings, evidence, claims RESTART IDENTITY CASCADE');
}
