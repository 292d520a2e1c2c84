// Versioned SQL migrations (migrations/NNNN_name.sql), applied in order inside one transaction each
// and recorded in schema_migrations. A database newer than this code is refused.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../shared/errors.ts';
import type { Queryable, TransactionRunner } from './queryable.ts';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
      };
    });
}

export interface MigrationReport {
  applied: number[];
  current: number;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now())`;

export async function migrate(
  db: Queryable & TransactionRunner,
  migrations: readonly Migration[] = loadMigrations(),
  /** The command that recreates this database (fix lines name the same database). */
  resetCommand = 'npx truthgraph db reset',
): Promise<MigrationReport> {
  await db.query(CREATE_TABLE);
  const { rows } = await db.query<{ version: number; checksum: string; name: string }>(
    'SELECT version, checksum, name FROM schema_migrations ORDER BY version',
  );
  const known = new Map(migrations.map((m) => [m.version, m]));
  const latestKnown = migrations.at(-1)?.version ?? 0;
  for (const row of rows) {
    if (row.version > latestKnown) {
      throw new UserError(
        `the database schema is at version ${row.version} (${row.name}) but this code only knows up to ${latestKnown}`,
        { fix: `update truthgraph to a version that knows this schema, or recreate the database (deletes its data): ${resetCommand}` },
      );
    }
    const migration = known.get(row.version);
    if (migration && migration.checksum !== row.checksum) {
      throw new UserError(`migration ${row.version}_${row.name} was edited after it was applied`, {
        fix: `add a new migration instead of editing an applied one, or recreate the database (deletes its data): ${resetCommand}`,
      });
    }
  }
  const done = new Set(rows.map((r) => r.version));
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      // Serialises concurrent migrators; the re-check makes a lost race a no-op.
      await tx.query('SELECT pg_advisory_xact_lock(7411)');
      const again = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (again.rowCount) return;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      applied.push(migration.version);
    });
  }
  return { applied, current: Math.max(latestKnown, ...rows.map((r) => r.version)) };
}
