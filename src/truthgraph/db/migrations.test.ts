import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import type { Database } from './database.ts';
import { loadMigrations, migrate } from './migrations.ts';
import { openEphemeralDatabase } from './testing.ts';

let db: Database;
beforeAll(async () => {
  db = await openEphemeralDatabase({ migrate: false });
});
afterAll(async () => db?.close());

describe('migrations', () => {
  it('apply from empty in order, then re-run as a no-op', async () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual([1, 2]);
    expect(await migrate(db)).toEqual({ applied: [1, 2], current: 2 });
    expect(await migrate(db)).toEqual({ applied: [], current: 2 });
    const { rows } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual(['claims', 'embeddings', 'evidence', 'nli_results', 'schema_migrations', 'verification_results']);
    const { rows: cols } = await db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'nli_results' AND column_name LIKE '%prob' ORDER BY column_name",
    );
    expect(cols.map((c) => c.column_name)).toEqual(['contradiction_prob', 'entailment_prob', 'neutral_prob']);
    const { rows: idx } = await db.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'evidence_tsv_idx'");
    expect(idx[0]!.indexdef).toMatch(/USING gin \(tsv\)/);
  });

  it('refuses an edited applied migration', async () => {
    const edited = loadMigrations().map((m) => ({ ...m, checksum: 'different' }));
    await expect(migrate(db, edited)).rejects.toThrow(/was edited after it was applied/);
  });

  it('refuses a database whose schema is newer than the code', async () => {
    await db.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'from_the_future', 'x')");
    const error = await migrate(db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('the database schema is at version 99 (from_the_future) but this code only knows up to 2');
    expect((error as UserError).fix).toMatch(/db reset/);
    await db.query('DELETE FROM schema_migrations WHERE version = 99');
  });
});
