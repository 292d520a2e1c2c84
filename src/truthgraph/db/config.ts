// Database options, resolved once (CLI flags > env > defaults) and passed down as one typed object.
import path from 'node:path';
import { defaultCacheDir } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';

export const PROVIDER_KINDS = ['auto', 'url', 'container', 'embedded'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface DbConfig {
  provider: ProviderKind;
  /** Only for the `url` provider (or `auto` when set). */
  databaseUrl: string | undefined;
  /** Embedded engine: name of the data dir under `<cacheDir>/db/`. */
  name: string;
  cacheDir: string;
  /** Embedded engine: keep data in memory (lost when the server stops). */
  inMemory: boolean;
  /** Pool size; undefined = per engine default (embedded 1, others 4). */
  poolSize: number | undefined;
  containerImage: string;
  /** Run pending migrations when opening (default true). */
  migrate: boolean;
}

export interface DbConfigInput {
  provider?: string | undefined;
  databaseUrl?: string | undefined;
  name?: string | undefined;
  cacheDir?: string | undefined;
  inMemory?: boolean | undefined;
  poolSize?: number | undefined;
  migrate?: boolean | undefined;
}

export const DEFAULT_CONTAINER_IMAGE = 'pgvector/pgvector:pg17';

/** Reads TRUTHGRAPH_DB_PROVIDER, DATABASE_URL and TRUTHGRAPH_CACHE_DIR; explicit input wins. */
export function resolveDbConfig(input: DbConfigInput = {}, env: NodeJS.ProcessEnv = {}): DbConfig {
  const provider = input.provider ?? env.TRUTHGRAPH_DB_PROVIDER ?? 'auto';
  if (!(PROVIDER_KINDS as readonly string[]).includes(provider)) {
    throw new UserError(`unknown database provider "${provider}"`, {
      fix: `use one of: ${PROVIDER_KINDS.join(', ')} (--db-provider or TRUTHGRAPH_DB_PROVIDER)`,
    });
  }
  const name = input.name ?? 'default';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new UserError(`invalid database name "${name}"`, { fix: 'use letters, digits, "_", "-" or "."' });
  }
  const databaseUrl = input.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (provider === 'url' && !databaseUrl) {
    throw new UserError('the url database provider needs a connection string', {
      fix: 'set DATABASE_URL or pass --database-url postgres://user:pass@host:5432/db',
    });
  }
  if (input.inMemory && provider !== 'embedded' && provider !== 'auto') {
    throw new UserError(`--in-memory applies to the embedded engine, not to the ${provider} provider`, { fix: 'drop --in-memory, or use --db-provider embedded' });
  }
  if (input.poolSize !== undefined && (!Number.isInteger(input.poolSize) || input.poolSize < 1)) {
    throw new UserError(`invalid pool size ${input.poolSize}`, { fix: 'pass a positive integer' });
  }
  return {
    provider: provider as ProviderKind,
    databaseUrl,
    name,
    cacheDir: input.cacheDir ?? defaultCacheDir(env),
    inMemory: input.inMemory ?? false,
    poolSize: input.poolSize,
    containerImage: DEFAULT_CONTAINER_IMAGE,
    migrate: input.migrate ?? true,
  };
}

export interface EmbeddedPaths {
  dataDir: string;
  /** pid/port of a running server for `db status|stop` and for later commands to attach to. */
  stateFile: string;
  logFile: string;
}

export function embeddedPaths(config: Pick<DbConfig, 'cacheDir' | 'name'>): EmbeddedPaths {
  const root = path.join(config.cacheDir, 'db');
  return {
    dataDir: path.join(root, config.name),
    stateFile: path.join(root, `${config.name}.server.json`),
    logFile: path.join(root, `${config.name}.server.log`),
  };
}
