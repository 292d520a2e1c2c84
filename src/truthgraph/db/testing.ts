// Test/perf helper: a fresh Database per suite or test file on the run's server (test-server.ts):
// an in-memory PGlite of its own on the embedded engine, or a database of its own (CREATE DATABASE,
// dropped on close) on the run's container or DATABASE_URL server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { resolveDbConfig } from './config.ts';
import { Database } from './database.ts';
import { resolveTestServerChoice, startTestServer, type TestServer, type TestServerPlan } from './test-server.ts';
import type { DbServer } from './providers/types.ts';

let provided: TestServerPlan | undefined;
let ownServer: Promise<TestServer> | undefined;

/** The run's server, chosen once by the runner or the test project's global setup (vitest `provide`). */
export function useTestServer(plan: TestServerPlan): void {
  provided = plan;
}

/**
 * The server this process's suites use: the run's, or, when this process runs outside such a run
 * (a script, vitest started by hand), one chosen from TRUTHGRAPH_DB_PROVIDER / DATABASE_URL once per
 * process. Its container, if any, is removed when the process exits (Ryuk or our reaper).
 */
export async function testServerPlan(): Promise<TestServerPlan> {
  if (provided) return provided;
  ownServer ??= startTestServer(resolveTestServerChoice(process.env)).then((server) => {
    for (const w of server.plan.warnings) process.stderr.write(`${w}\n`);
    return server;
  });
  return (await ownServer).plan;
}

let databases = 0;

/**
 * `loadDump`: a Database.dumpDataDir tarball to start from (a fixture restore instead of re-ingesting);
 * dumps are PGlite data dirs, so such a database is always embedded. `engine: 'embedded'` for tests
 * of behaviour only the embedded engine has.
 */
export async function openEphemeralDatabase(
  options: { poolSize?: number; migrate?: boolean; loadDump?: string; engine?: 'embedded' } = {},
): Promise<Database> {
  const plan = options.loadDump || options.engine === 'embedded' ? undefined : await testServerPlan();
  if (!plan || plan.provider === 'embedded' || !plan.target) {
    const config = resolveDbConfig({ provider: 'embedded', inMemory: true, poolSize: options.poolSize, migrate: options.migrate });
    return Database.open(config, options.loadDump ? { loadDump: options.loadDump } : {});
  }
  // A name nobody else uses, recognisable on a shared server if a killed run leaves one behind.
  const name = `truthgraph_test_${process.pid}_${++databases}_${randomBytes(3).toString('hex')}`;
  const admin = plan.target;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  const server: DbServer = {
    provider: plan.provider,
    target: { ...admin, database: name, ...(admin.connectionString !== undefined && { connectionString: withDatabase(admin.connectionString, name) }) },
    endpoint: plan.endpoint ?? `${admin.host}:${admin.port}`,
    defaultPoolSize: 4,
    unreachableFix: 'check the run\'s database server (TRUTHGRAPH_DB_PROVIDER, DATABASE_URL, docker ps)',
    release: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
  return Database.connect(server, { poolSize: options.poolSize, migrate: options.migrate ?? true });
}

/** The same DATABASE_URL (its TLS and other parameters kept) naming another database. */
function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/** One statement on the server's own database (CREATE / DROP DATABASE cannot run in a transaction). */
async function adminQuery(target: DbServer['target'], sql: string): Promise<void> {
  const client = new pg.Client({ ...target, connectionTimeoutMillis: 30_000 });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Empties the data tables (keeps schema and migrations). */
export async function truncateAll(db: Database): Promise<void> {
  await db.query('TRUNCATE nli_results, verification_results, embeddings, evidence, claims RESTART IDENTITY CASCADE');
}
