// Database flags shared by db/ingest/search, resolved once into a DbConfig.
import type { Command } from 'commander';
import { resolveDbConfig, type DbConfig } from '../../truthgraph/db/config.ts';
import { describeEngine, type Database } from '../../truthgraph/db/database.ts';
import type { CliIo } from '../../shared/io.ts';

export interface DbFlags {
  dbProvider?: string;
  databaseUrl?: string;
  dbName?: string;
  inMemory?: boolean;
  poolSize?: string;
}

export function addDbFlags(cmd: Command): Command {
  return cmd
    .option('--db-provider <kind>', 'auto | url | container | embedded (default auto: DATABASE_URL, a running server, this name\'s container, else the embedded server; env TRUTHGRAPH_DB_PROVIDER)')
    .option('--database-url <url>', 'Postgres with pgvector (default env DATABASE_URL)')
    .option('--db-name <name>', 'database name: embedded data dir under .cache/db/, or named container', 'default')
    .option('--in-memory', 'embedded engine without a data dir (lost on exit)')
    .option('--pool-size <n>', 'connection pool size (default: 1 embedded, 4 otherwise)');
}

export function dbConfigFrom(flags: DbFlags, io: CliIo): DbConfig {
  return resolveDbConfig(
    {
      provider: flags.dbProvider,
      databaseUrl: flags.databaseUrl,
      name: flags.dbName,
      inMemory: flags.inMemory,
      poolSize: flags.poolSize === undefined ? undefined : Number(flags.poolSize),
    },
    io.env,
  );
}

export function engineJson(db: Database) {
  return { ...db.engine, description: describeEngine(db.engine) };
}
