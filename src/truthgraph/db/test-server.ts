// The database server of a test or perf run, chosen once per run: DATABASE_URL, else a container
// runtime with the image available (one throw-away container for the whole run), else embedded
// PGlite. TRUTHGRAPH_DB_PROVIDER / --db-provider override `auto`. Each suite or test file then gets
// a fresh database of its own (testing.ts); a user's data is never touched.
import pg from 'pg';
import { UserError } from '../../shared/errors.ts';
import { DEFAULT_CONTAINER_IMAGE, PROVIDER_KINDS, type ProviderKind } from './config.ts';
import { containerRuntime, ensureImage } from './providers/container-runtime.ts';
import { startEphemeralContainer } from './providers/container.ts';
import type { ConnectionTarget, DbLog, DbServer, ResolvedProvider } from './providers/types.ts';
import { urlProvider } from './providers/url.ts';

/** Key under which the run hands its TestServerPlan to vitest workers (`provide` / `inject`). */
export const TEST_SERVER_KEY = 'truthgraphTestDb';

/**
 * What a run's suites need to know about its server. Plain data: the runner hands it to the vitest
 * workers (`provide`), which open their databases on it.
 */
export interface TestServerPlan {
  provider: ResolvedProvider;
  engine: 'pglite' | 'postgres';
  /** The engine and how it is reached: part of the perf environment class (baselines are per engine). */
  environmentTag: 'pglite' | 'postgres-container' | 'postgres-url';
  /** The shared server (container and url); embedded suites each start an in-memory PGlite. */
  target?: ConnectionTarget;
  endpoint?: string;
  /** e.g. "Postgres 17.12 + pgvector 0.8.0 in a throw-away container of pgvector/pgvector:pg17". */
  description: string;
  /** One-line warnings the run should show (a fallback from `auto`). */
  warnings: string[];
}

export interface TestServerChoice {
  provider: ProviderKind;
  databaseUrl: string | undefined;
  image: string;
}

/** `override` is a --db-provider flag; the environment supplies TRUTHGRAPH_DB_PROVIDER and DATABASE_URL. */
export function resolveTestServerChoice(env: NodeJS.ProcessEnv, override?: string): TestServerChoice {
  const provider = override ?? env.TRUTHGRAPH_DB_PROVIDER ?? 'auto';
  if (!(PROVIDER_KINDS as readonly string[]).includes(provider)) {
    throw new UserError(`unknown database provider "${provider}"`, { fix: `use one of: ${PROVIDER_KINDS.join(', ')} (--db-provider or TRUTHGRAPH_DB_PROVIDER)` });
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (provider === 'url' && !databaseUrl) {
    throw new UserError('the url database provider needs DATABASE_URL', { fix: 'set DATABASE_URL=postgres://user:pass@host:5432/db (a role that may CREATE DATABASE)' });
  }
  return { provider: provider as ProviderKind, databaseUrl, image: DEFAULT_CONTAINER_IMAGE };
}

/**
 * The engine tag a run with this choice gets, without starting anything (CI asks which baselines
 * folder is its own): auto probes the runtime and looks for the image locally, but does not pull.
 */
export async function testServerTag(choice: TestServerChoice): Promise<TestServerPlan['environmentTag']> {
  let provider = choice.provider;
  if (provider === 'auto') {
    const client = choice.databaseUrl ? undefined : await containerRuntime();
    const { ImageName } = await import('testcontainers');
    provider = choice.databaseUrl ? 'url' : client && (await client.image.exists(ImageName.fromString(choice.image))) ? 'container' : 'embedded';
  }
  return provider === 'url' ? 'postgres-url' : provider === 'container' ? 'postgres-container' : 'pglite';
}

export interface TestServer {
  plan: TestServerPlan;
  release(): Promise<void>;
}

const embeddedPlan = (warnings: string[]): TestServer => ({
  plan: { provider: 'embedded', engine: 'pglite', environmentTag: 'pglite', description: 'embedded PGlite (an in-memory server per suite)', warnings },
  release: async () => {},
});

export async function startTestServer(choice: TestServerChoice, log: DbLog = () => {}): Promise<TestServer> {
  let provider = choice.provider;
  const warnings: string[] = [];
  if (provider === 'auto') {
    if (choice.databaseUrl) provider = 'url';
    else {
      const client = await containerRuntime();
      if (!client) return embeddedPlan(warnings);
      const image = await ensureImage(client, choice.image, log);
      if (image.available) provider = 'container';
      else {
        warnings.push(`warning: a container runtime answers but ${choice.image} is not available (${image.reason}); using embedded PGlite (fix: npx truthgraph db image)`);
        return embeddedPlan(warnings);
      }
    }
  }
  if (provider === 'embedded') return embeddedPlan(warnings);
  const server = provider === 'url' ? urlProvider(choice.databaseUrl ?? '') : await startEphemeralContainer(choice.image, log);
  try {
    const description = await checkServer(server, choice.image);
    return {
      plan: {
        provider: server.provider,
        engine: 'postgres',
        environmentTag: server.provider === 'url' ? 'postgres-url' : 'postgres-container',
        target: server.target,
        endpoint: server.endpoint,
        description,
        warnings,
      },
      release: () => server.release(),
    };
  } catch (error) {
    await server.release().catch(() => {});
    throw error;
  }
}

/** pgvector present and CREATE DATABASE allowed (each suite gets its own database), or a clear error. */
async function checkServer(server: DbServer, image: string): Promise<string> {
  const client = new pg.Client({ ...server.target, connectionTimeoutMillis: 30_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; vector: string | null; createdb: boolean }>(
      `SELECT current_setting('server_version') AS version,
              (SELECT default_version FROM pg_available_extensions WHERE name = 'vector') AS vector,
              (SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user) AS createdb`,
    );
    const row = rows[0]!;
    if (!row.vector) {
      throw new UserError(`the Postgres server at ${server.endpoint} does not have the pgvector extension`, {
        fix: `install pgvector there (https://github.com/pgvector/pgvector#installation), or use the container: TRUTHGRAPH_DB_PROVIDER=container`,
      });
    }
    if (!row.createdb) {
      throw new UserError(`the role "${server.target.user}" at ${server.endpoint} may not CREATE DATABASE: test runs create (and drop) a database per suite`, {
        fix: `ALTER ROLE ${server.target.user} CREATEDB; or use --db-provider container or embedded`,
      });
    }
    const where = server.provider === 'url' ? `at ${server.endpoint} (DATABASE_URL)` : `in a throw-away container of ${image} at ${server.endpoint}`;
    return `Postgres ${row.version} + pgvector ${row.vector} ${where}`;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`the database server (${server.provider}) at ${server.endpoint} is not reachable: ${(error as Error).message}`, {
      cause: error,
      fix: server.unreachableFix,
    });
  } finally {
    await client.end().catch(() => {});
  }
}
