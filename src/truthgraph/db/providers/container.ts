// The container provider: testcontainers starts pgvector/pgvector:pg17 when a runtime is reachable.
// Imported lazily: testcontainers is only loaded where a decision needs it.
import type { DbServer, DbLog } from './types.ts';

/** Cheap: without a runtime getContainerRuntimeClient() throws in about a millisecond. */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function startContainer(image: string, log: DbLog): Promise<DbServer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  log(`starting container ${image}`);
  const container = await new PostgreSqlContainer(image).start();
  const host = container.getHost();
  const port = container.getPort();
  return {
    provider: 'container',
    target: {
      host,
      port,
      user: container.getUsername(),
      password: container.getPassword(),
      database: container.getDatabase(),
    },
    endpoint: `${host}:${port}`,
    defaultPoolSize: 4,
    unreachableFix: 'check the container runtime (docker ps) and rerun; the container is started per run',
    release: async () => {
      await container.stop();
    },
  };
}
