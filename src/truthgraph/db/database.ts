// The one `pg` code path: a pool over whichever server the provider found, with instrumentation,
// connection-error mapping (host/port + fix), transactions and engine info.
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import pg from 'pg';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { UserError } from '../../shared/errors.ts';
import { embeddedPaths, type DbConfig } from './config.ts';
import { Instrumentation, type OperationStats } from './instrumentation.ts';
import { migrate, type MigrationReport } from './migrations.ts';
import { ImageUnavailableError } from './providers/container-runtime.ts';
import { namedContainerStateFile, startNamedContainer } from './providers/named-container.ts';
import { dbNameFlag, embeddedProvider, readEmbeddedStatus } from './providers/embedded.ts';
import { chooseProvider } from './providers/select.ts';
import type { DbLog, DbServer, ResolvedProvider } from './providers/types.ts';
import { urlProvider } from './providers/url.ts';
import {
  isStaleSettingsError,
  setStatements,
  type Queryable,
  type SessionSettings,
  type SettingsQueryRunner,
  type TransactionRunner,
} from './queryable.ts';
import { vectorFromSql } from './vector.ts';

export interface EngineInfo {
  /** "pglite" for the embedded engine, "postgres" otherwise. */
  engine: 'pglite' | 'postgres';
  provider: ResolvedProvider;
  endpoint: string;
  postgresVersion: string;
  pgvectorVersion: string | null;
  pgStatStatements: boolean;
  poolSize: number;
  /** `SELECT version()` verbatim. */
  versionString: string;
}

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection terminated|not queryable|Too many connections/i;

export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return CONNECTION_ERROR.test(`${e?.code ?? ''} ${e?.message ?? ''}`);
}

export interface OpenOptions {
  log?: DbLog;
  /** Warnings (a fallback the user should know about): one line each, shown even when `log` is quiet. */
  warn?: DbLog;
  /** A dumpDataDir tarball to seed an empty embedded data dir (test fixtures). */
  loadDump?: string;
}

/** Starts or attaches the server of a command that keeps data (see providers/select.ts). */
export async function startServer(config: DbConfig, options: OpenOptions = {}): Promise<DbServer> {
  const log = options.log ?? (() => {});
  const paths = embeddedPaths(config);
  const choice = await chooseProvider(config, {
    embeddedRunning: async () => (await readEmbeddedStatus(paths.stateFile)).status === 'running',
    namedContainer: () => fs.existsSync(namedContainerStateFile(config)),
  });
  log(`database provider: ${choice.provider} (${choice.reason})`);
  const embedded = (): Promise<DbServer> =>
    embeddedProvider({
      name: config.name,
      dataDir: config.inMemory ? null : paths.dataDir,
      stateFile: paths.stateFile,
      logFile: paths.logFile,
      log,
      ...(options.loadDump ? { loadDump: options.loadDump } : {}),
    });
  switch (choice.provider) {
    case 'url':
      return urlProvider(config.databaseUrl ?? '');
    case 'container':
      try {
        const started = await startNamedContainer(config, log);
        if (started.action !== 'running') {
          (options.warn ?? log)(`${started.action} container ${started.state.container}; it keeps running for later commands (stop it: npx truthgraph db stop)`);
        }
        return started.server;
      } catch (error) {
        // auto picked the container only because its state file exists; when its image is gone,
        // say so in one line and keep working on the embedded server (a different database).
        if (config.provider !== 'auto' || !(error instanceof ImageUnavailableError)) throw error;
        (options.warn ?? log)(`warning: ${error.message}; using the embedded database instead (fix: ${error.fix})`);
        return embedded();
      }
    case 'embedded':
      return embedded();
  }
}

export class Database implements Queryable, TransactionRunner, SettingsQueryRunner {
  readonly instrumentation = new Instrumentation();
  /**
   * What queryWithSettings believes each session holds. Postgres has one session per connection,
   * so the key is the pooled client (a new client starts empty); PGlite serves every connection from
   * one backend, so all clients share one entry.
   */
  private readonly sessionSettings = new WeakMap<object, Map<string, string>>();
  private readonly inTransaction = new AsyncLocalStorage<boolean>();
  private vectorOid: number | undefined;
  private closed = false;
  engine!: EngineInfo;
  migrations: MigrationReport | undefined;
  readonly pool: pg.Pool;

  private constructor(readonly server: DbServer, readonly poolSize: number) {
    const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
      oid === this.vectorOid && format !== 'binary'
        ? vectorFromSql
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;
    this.pool = new pg.Pool({
      ...server.target,
      max: poolSize,
      connectionTimeoutMillis: 30_000,
      idleTimeoutMillis: 0,
      types: { getTypeParser },
    });
    // A dying server emits errors on idle clients; without a listener they would crash the process.
    this.pool.on('error', () => {});
  }

  /** Starts/attaches the server chosen by config, applies migrations and reads engine info. */
  static async open(config: DbConfig, options: OpenOptions = {}): Promise<Database> {
    const server = await startServer(config, options);
    return Database.connect(server, config, options.log);
  }

  static async connect(server: DbServer, config: Pick<DbConfig, 'poolSize' | 'migrate'> & Partial<Pick<DbConfig, 'name'>>, log?: DbLog): Promise<Database> {
    const db = new Database(server, config.poolSize ?? server.defaultPoolSize);
    try {
      await db.ensureExtensions();
      if (config.migrate) db.migrations = await migrate(db, undefined, resetCommand(server, config.name ?? 'default'));
      const { rows } = await db.query<{ oid: number }>("SELECT oid FROM pg_type WHERE typname = 'vector'");
      db.vectorOid = rows[0]?.oid;
      db.engine = await db.readEngineInfo();
      log?.(`database: ${describeEngine(db.engine)}`);
      return db;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  private async ensureExtensions(): Promise<void> {
    const { rows } = await this.query<{ name: string; installed: string | null }>(
      "SELECT name, installed_version AS installed FROM pg_available_extensions WHERE name IN ('vector', 'pg_stat_statements')",
    );
    if (!rows.some((r) => r.name === 'vector')) {
      throw new UserError(`the Postgres server at ${this.server.endpoint} does not have the pgvector extension`, {
        fix: 'install pgvector on that server (https://github.com/pgvector/pgvector#installation) or use the image pgvector/pgvector:pg17',
      });
    }
    const pss = rows.find((r) => r.name === 'pg_stat_statements');
    if (pss && !pss.installed) {
      // Only usable when preloaded; a failure here just means "not available".
      await this.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => {});
    }
  }

  private async readEngineInfo(): Promise<EngineInfo> {
    const { rows } = await this.query<{ version: string; server_version: string; vector: string | null }>(
      "SELECT version(), current_setting('server_version') AS server_version, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector",
    );
    const row = rows[0]!;
    const pgStatStatements = await this.query('SELECT 1 FROM pg_stat_statements LIMIT 1').then(
      () => true,
      () => false,
    );
    return {
      engine: /PGlite/i.test(row.version) ? 'pglite' : 'postgres',
      provider: this.server.provider,
      endpoint: this.server.endpoint,
      postgresVersion: row.server_version,
      pgvectorVersion: row.vector,
      pgStatStatements,
      poolSize: this.poolSize,
      versionString: row.version,
    };
  }

  private mapError(error: unknown): unknown {
    if (error instanceof UserError || !isConnectionError(error)) return error;
    const detail = (error as Error).message;
    return new UserError(
      `the database server (${this.server.provider}) at ${this.server.endpoint} is not reachable: ${detail}`,
      { fix: this.server.unreachableFix, cause: error },
    );
  }

  private guardDeadlock(): void {
    if (this.poolSize === 1 && this.inTransaction.getStore()) {
      throw new Error('pool query inside a transaction on a pool of 1 would deadlock: use the transaction client');
    }
  }

  async query<R extends QueryResultRow = QueryResultRow>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    this.guardDeadlock();
    this.instrumentation.record(text);
    try {
      return await this.pool.query<R>(text, params as unknown[] | undefined);
    } catch (error) {
      throw this.mapError(error);
    }
  }

  /** PGlite: queryWithSettings calls run one after another (the engine runs one query at a time anyway). */
  private settingsQueue: Promise<void> = Promise.resolve();

  private async serialForSharedSession<T>(fn: () => Promise<T>): Promise<T> {
    if (this.engine?.engine !== 'pglite') return fn();
    const previous = this.settingsQueue;
    let done!: () => void;
    this.settingsQueue = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      return await fn();
    } finally {
      done();
    }
  }

  private sessionKey(client: PoolClient): object {
    return this.engine?.engine === 'pglite' ? this.sessionSettings : client;
  }

  /**
   * Runs one statement with the given session settings, sending `SET` only when a value differs from
   * what this session was last given: a repeated search costs exactly one round trip and holds no
   * transaction open. Scope rule: only for knobs that affect nothing but statements which declare
   * them (hnsw.* / ivfflat.* ANN scan knobs), each such statement declaring every knob it depends on,
   * so none runs with a value it did not ask for. Planner knobs (enable_*) would leak into unrelated
   * queries: not for here. If the statement's settingsGuard reports that the session changed behind
   * our back (another process on a shared PGlite), the settings are re-sent and it runs once more.
   */
  async queryWithSettings<R extends QueryResultRow = QueryResultRow>(
    settings: SessionSettings,
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    this.guardDeadlock();
    // On PGlite every pooled connection shares one session: two searches with different knobs must
    // not interleave their SET and statement (the guard would catch it, at the price of a retry).
    return this.serialForSharedSession(() => this.runWithSessionSettings<R>(settings, text, params));
  }

  private async runWithSessionSettings<R extends QueryResultRow>(
    settings: SessionSettings,
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.mapError(error);
    }
    let broken: unknown;
    const run = async (): Promise<QueryResult<R>> => {
      const key = this.sessionKey(client);
      const current = this.sessionSettings.get(key) ?? new Map<string, string>();
      const changed = Object.fromEntries(Object.entries(settings).filter(([name, value]) => current.get(name) !== String(value)));
      if (Object.keys(changed).length > 0) {
        const sql = setStatements(changed, 'SESSION');
        this.instrumentation.record(sql);
        // Forget first: if the SET fails part-way, the next call re-sends everything.
        this.sessionSettings.delete(key);
        await client.query(sql);
        for (const [name, value] of Object.entries(changed)) current.set(name, String(value));
      }
      this.sessionSettings.set(key, current);
      this.instrumentation.record(text);
      return client.query<R>(text, params as unknown[] | undefined);
    };
    try {
      try {
        return await run();
      } catch (error) {
        if (!isStaleSettingsError(error)) throw error;
        this.sessionSettings.delete(this.sessionKey(client));
        return await run();
      }
    } catch (error) {
      broken = error;
      throw this.mapError(error);
    } finally {
      client.release(broken !== undefined && isConnectionError(broken) ? (broken as Error) : undefined);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: { setup?: string } = {}): Promise<T> {
    this.guardDeadlock();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.mapError(error);
    }
    const tx: Queryable = {
      query: async <R extends QueryResultRow>(text: string, params?: readonly unknown[]) => {
        this.instrumentation.record(text);
        try {
          return await client.query<R>(text, params as unknown[] | undefined);
        } catch (error) {
          throw this.mapError(error);
        }
      },
    };
    let broken: unknown;
    try {
      await tx.query(options.setup ? `BEGIN; ${options.setup}` : 'BEGIN');
      const value = await this.inTransaction.run(true, () => fn(tx));
      await tx.query('COMMIT');
      return value;
    } catch (error) {
      broken = error;
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release(broken !== undefined && isConnectionError(broken) ? (broken as Error) : undefined);
    }
  }

  /** Runs fn as a named logical operation; its round trips/statements are recorded. */
  async operation<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return (await this.instrumentation.measure(name, fn)).value;
  }

  /** Like operation(), returning the stats too (query-count budgets, N+1 checks). */
  measure<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; stats: OperationStats }> {
    return this.instrumentation.measure(name, fn);
  }

  /**
   * Writes the embedded engine's data dir as a tarball (PGlite dumpDataDir): a fixture that
   * `Database.open(config, { loadDump })` / openEphemeralDatabase({ loadDump }) restores in well under
   * a second, instead of re-ingesting and rebuilding indexes. Call it with no query in flight.
   */
  /** True when dumpDataDir works here (an embedded server this process started). */
  get canDumpDataDir(): boolean {
    return this.server.dumpDataDir !== undefined;
  }

  async dumpDataDir(file: string): Promise<{ bytes: number }> {
    if (!this.server.dumpDataDir) {
      throw new UserError(`cannot dump the ${this.server.provider} database at ${this.server.endpoint}`, {
        fix: 'dumps need an embedded server started by this process (not one attached via `db start`, a URL or a container)',
      });
    }
    return this.server.dumpDataDir(file);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end().catch(() => {});
    await this.server.release();
  }
}

/** The command that recreates the truthgraph schema of this database (deleting its data). */
function resetCommand(server: DbServer, name: string): string {
  if (server.provider === 'embedded') return `npx truthgraph db reset${dbNameFlag(name)}`;
  if (server.provider === 'url') return 'npx truthgraph db reset --yes (drops the truthgraph tables of the DATABASE_URL / --database-url database)';
  return 'npx truthgraph db reset';
}

export function describeEngine(info: EngineInfo): string {
  const engine = info.engine === 'pglite' ? 'PGlite' : 'Postgres';
  return `${engine} ${info.postgresVersion} + pgvector ${info.pgvectorVersion ?? 'missing'} via ${info.provider} at ${info.endpoint} (pool ${info.poolSize})`;
}
