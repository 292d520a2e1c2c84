// Throw-away Postgres containers (testcontainers + pgvector/pgvector:pg17) for test and perf runs:
// one per run, removed when the run ends, also when it is interrupted (see cleanup.ts). Commands
// that keep data never use these: they use the named container (named-container.ts).
import { randomBytes } from 'node:crypto';
import { UserError } from '../../../shared/errors.ts';
import { containerCleanup } from './cleanup.ts';
import { containerRuntime, ensureImage, imageUnavailableError, noRuntimeError } from './container-runtime.ts';
import type { DbLog, DbServer } from './types.ts';

/** Cheap: without a runtime getContainerRuntimeClient() throws in about a millisecond. */
export async function containerRuntimeAvailable(): Promise<boolean> {
  return (await containerRuntime()) !== undefined;
}

const STARTUP_TIMEOUT_MS = 300_000;
/**
 * Docker gives a container 64 MB of /dev/shm; pgvector's parallel HNSW build keeps its graph in a
 * shared memory segment as large as maintenance_work_mem (256 MB for our builds), which then fails
 * with "could not resize shared memory segment ... No space left on device" (docs/containers.md).
 */
export const SHARED_MEMORY_BYTES = 1024 ** 3;

export async function startEphemeralContainer(image: string, log: DbLog): Promise<DbServer> {
  const client = await containerRuntime();
  if (!client) throw noRuntimeError(image);
  const status = await ensureImage(client, image, log);
  if (!status.available) throw imageUnavailableError(image, status.reason);
  const cleanup = await containerCleanup(client, log);
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  log(`starting a throw-away container of ${image} (removed at exit; if this process dies first, by ${cleanup.by === 'ryuk' ? 'Ryuk' : `our reaper, pid ${cleanup.reaperPid}`})`);
  let container;
  try {
    container = await new PostgreSqlContainer(image)
      .withDatabase('truthgraph')
      .withUsername('truthgraph')
      // testcontainers publishes the port on every interface: no well-known password.
      .withPassword(randomBytes(12).toString('base64url'))
      .withLabels(cleanup.labels)
      .withSharedMemorySize(SHARED_MEMORY_BYTES)
      // testcontainers' 120 s default is too short for initdb on a 2-core machine under heavy load.
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
  } catch (cause) {
    throw new UserError(`the ${image} container did not start: ${(cause as Error).message.split('\n')[0]}`, {
      cause,
      fix: 'check the container runtime (docker ps -a, docker logs <id>); rebuild the local image with npx truthgraph db image -- --force',
    });
  }
  const host = container.getHost();
  const port = container.getPort();
  return {
    provider: 'container',
    target: { host, port, user: container.getUsername(), password: container.getPassword(), database: container.getDatabase() },
    endpoint: `${host}:${port}`,
    containerId: container.getId(),
    defaultPoolSize: 4,
    unreachableFix: `check the container (docker ps -a --filter id=${container.getId().slice(0, 12)}); it is started per run and removed at exit`,
    release: async () => {
      await container.stop();
    },
  };
}
