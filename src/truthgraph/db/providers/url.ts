// The DATABASE_URL provider: any Postgres with pgvector; nothing to start or stop.
import { UserError } from '../../../shared/errors.ts';
import type { DbServer } from './types.ts';

export function urlProvider(databaseUrl: string): DbServer {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch (cause) {
    throw new UserError('DATABASE_URL is not a valid URL', {
      cause,
      fix: 'use the form postgres://user:password@host:5432/database',
    });
  }
  const host = url.hostname || 'localhost';
  const port = Number(url.port || 5432);
  return {
    provider: 'url',
    target: {
      host,
      port,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.replace(/^\//, '') || 'postgres',
      connectionString: databaseUrl,
    },
    endpoint: `${host}:${port}`,
    defaultPoolSize: 4,
    unreachableFix: `check that Postgres is running at ${host}:${port} and that DATABASE_URL / --database-url is right`,
    release: async () => {},
  };
}
