// The CLI's container: one named Postgres + pgvector container per database name (and checkout),
// its data in a named volume, recorded in a state file so that `db stop|status|reset` and later
// commands find it. Unlike the suites' throw-away containers it outlives the command that started
// it: data written by `truthgraph demo` is there for the next `truthgraph verify`.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { ContainerRuntimeClient } from 'testcontainers';
import { UserError } from '../../../shared/errors.ts';
import { SHARED_MEMORY_BYTES } from './container.ts';
import { containerRuntime, ensureImage, imageUnavailableError, noRuntimeError } from './container-runtime.ts';
import type { DbLog, DbServer } from './types.ts';

const READY_TIMEOUT_MS = 180_000;
const DATA_DIR = '/var/lib/postgresql/data';

export interface NamedContainerConfig {
  name: string;
  cacheDir: string;
  containerImage: string;
}

/** What the state file records: enough to find the container and log in after its port changed. */
export interface NamedContainerState {
  container: string;
  volume: string;
  image: string;
  user: string;
  password: string;
  database: string;
  createdAt: string;
}

export type NamedContainerStatus =
  | { status: 'absent' }
  | { status: 'no-runtime'; state: NamedContainerState }
  | { status: 'gone'; state: NamedContainerState }
  | { status: 'stopped'; state: NamedContainerState }
  | { status: 'running'; state: NamedContainerState; host: string; port: number };

export function namedContainerStateFile(config: Pick<NamedContainerConfig, 'cacheDir' | 'name'>): string {
  return path.join(config.cacheDir, 'db', `${config.name}.container.json`);
}

/** Docker names are global to the machine: two checkouts (or a test's temp cache) must not share one. */
export function namedContainerNames(config: Pick<NamedContainerConfig, 'cacheDir' | 'name'>): { container: string; volume: string } {
  const checkout = createHash('sha256').update(path.resolve(config.cacheDir)).digest('hex').slice(0, 8);
  const container = `truthgraph-${config.name.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}-${checkout}`;
  return { container, volume: `${container}-data` };
}

export function readNamedContainerState(config: Pick<NamedContainerConfig, 'cacheDir' | 'name'>): NamedContainerState | undefined {
  const file = namedContainerStateFile(config);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as NamedContainerState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`unreadable container state file ${file}`, { cause: error, fix: `remove it (rm ${file}) or run npx truthgraph db reset --db-provider container` });
  }
}

function writeState(file: string, state: NamedContainerState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // The password of a local development database, readable by its owner only.
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

interface Inspected {
  running: boolean;
  port: number | undefined;
  env: Record<string, string>;
}

async function inspect(client: ContainerRuntimeClient, name: string): Promise<Inspected | undefined> {
  try {
    const info = await client.container.dockerode.getContainer(name).inspect();
    const binding = info.NetworkSettings.Ports?.['5432/tcp']?.[0];
    const env = Object.fromEntries((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    return { running: info.State.Running, port: binding ? Number(binding.HostPort) : undefined, env };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function namedContainerStatus(config: NamedContainerConfig, client?: ContainerRuntimeClient): Promise<NamedContainerStatus> {
  const state = readNamedContainerState(config);
  if (!state) return { status: 'absent' };
  const runtime = client ?? (await containerRuntime());
  if (!runtime) return { status: 'no-runtime', state };
  const found = await inspect(runtime, state.container);
  if (!found) return { status: 'gone', state };
  if (!found.running || found.port === undefined) return { status: 'stopped', state };
  return { status: 'running', state, host: '127.0.0.1', port: found.port };
}

function server(state: NamedContainerState, port: number, dbName: string): DbServer {
  const nameFlag = dbName === 'default' ? '' : ` --db-name ${dbName}`;
  return {
    provider: 'container',
    target: { host: '127.0.0.1', port, user: state.user, password: state.password, database: state.database },
    endpoint: `127.0.0.1:${port}`,
    defaultPoolSize: 4,
    unreachableFix: `check the container (docker ps -a --filter name=${state.container}); start it again with npx truthgraph db start --db-provider container${nameFlag}`,
    // The container outlives the command: `truthgraph db stop` stops it.
    release: async () => {},
  };
}

export interface StartedNamedContainer {
  server: DbServer;
  /** What this call did: created the container, started a stopped one, or found it running. */
  action: 'created' | 'started' | 'running';
  state: NamedContainerState;
}

/** Creates, starts or finds the named container and waits until Postgres accepts connections. */
export async function startNamedContainer(config: NamedContainerConfig, log: DbLog): Promise<StartedNamedContainer> {
  const client = await containerRuntime();
  if (!client) throw noRuntimeError(config.containerImage);
  const file = namedContainerStateFile(config);
  const recorded = readNamedContainerState(config);
  const names = recorded ?? namedContainerNames(config);
  let found = await inspect(client, names.container);
  // Without a state file but with the container (the file was deleted), its environment still
  // holds the credentials the data dir was initialised with.
  const state: NamedContainerState = recorded ?? {
    container: names.container,
    volume: names.volume,
    image: config.containerImage,
    user: found?.env.POSTGRES_USER ?? 'truthgraph',
    password: found?.env.POSTGRES_PASSWORD ?? randomBytes(18).toString('base64url'),
    database: found?.env.POSTGRES_DB ?? 'truthgraph',
    createdAt: new Date().toISOString(),
  };
  let action: StartedNamedContainer['action'] = 'running';
  if (!found) {
    const image = await ensureImage(client, state.image, log);
    if (!image.available) throw imageUnavailableError(state.image, image.reason);
    // Recorded before the container exists: an interrupted start leaves a state file that
    // `db reset` can clean up, never an unrecorded container.
    writeState(file, state);
    log(`creating container ${state.container} (${state.image}, data in volume ${state.volume})`);
    await client.container.dockerode.createContainer({
      name: state.container,
      Image: state.image,
      Env: [`POSTGRES_USER=${state.user}`, `POSTGRES_PASSWORD=${state.password}`, `POSTGRES_DB=${state.database}`],
      Labels: { 'org.truthgraph.db-name': config.name, 'org.truthgraph.cache-dir': path.resolve(config.cacheDir) },
      ExposedPorts: { '5432/tcp': {} },
      // Fast shutdown, as the official image's STOPSIGNAL (our imported image cannot carry one).
      StopSignal: 'SIGINT',
      StopTimeout: 60,
      HostConfig: {
        PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        Mounts: [{ Type: 'volume', Source: state.volume, Target: DATA_DIR }],
        // pgvector's parallel HNSW builds need more than Docker's 64 MB of /dev/shm (container.ts).
        ShmSize: SHARED_MEMORY_BYTES,
      },
    });
    action = 'created';
  } else if (!recorded) {
    writeState(file, state);
  }
  if (!found?.running) {
    if (action !== 'created') log(`starting container ${state.container}`);
    await client.container.dockerode.getContainer(state.container).start();
    if (action !== 'created') action = 'started';
    found = await inspect(client, state.container);
  }
  if (!found?.port) throw new UserError(`container ${state.container} has no published Postgres port`, { fix: `remove it and start again: npx truthgraph db reset --db-provider container` });
  await waitReady(client, state, found.port);
  return { server: server(state, found.port, config.name), action, state };
}

async function waitReady(client: ContainerRuntimeClient, state: NamedContainerState, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    const probe = new pg.Client({ host: '127.0.0.1', port, user: state.user, password: state.password, database: state.database, connectionTimeoutMillis: 2_000 });
    try {
      await probe.connect();
      await probe.query('SELECT 1');
      return;
    } catch (error) {
      last = error;
    } finally {
      await probe.end().catch(() => {});
    }
    const now = await inspect(client, state.container);
    if (!now?.running) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const logs = await client.container.dockerode
    .getContainer(state.container)
    .logs({ stdout: true, stderr: true, tail: 15 })
    .then((b) => demuxLogs(b).trim(), () => '');
  throw new UserError(`Postgres in container ${state.container} did not accept connections (${(last as Error | undefined)?.message ?? 'container exited'})`, {
    fix: `see docker logs ${state.container}${logs ? `; its last lines:\n${logs}` : ''}\n  to start over (deletes its data): npx truthgraph db reset --db-provider container`,
  });
}

/** Docker multiplexes a non-TTY container's stdout/stderr in frames: an 8-byte header, then the bytes. */
function demuxLogs(buffer: Buffer): string {
  const parts: string[] = [];
  for (let at = 0; at + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(at + 4);
    parts.push(buffer.toString('utf8', at + 8, at + 8 + size));
    at += 8 + size;
  }
  return parts.join('');
}

export async function stopNamedContainer(config: NamedContainerConfig): Promise<NamedContainerStatus> {
  const status = await namedContainerStatus(config);
  if (status.status === 'running') {
    const client = (await containerRuntime())!;
    await client.container.dockerode.getContainer(status.state.container).stop({ t: 60 });
  }
  return status;
}

/** Removes the container, its volume (the data) and the state file. */
export async function removeNamedContainer(config: NamedContainerConfig): Promise<NamedContainerStatus> {
  const status = await namedContainerStatus(config);
  if (status.status === 'absent') return status;
  if (status.status === 'no-runtime') throw noRuntimeError(status.state.image);
  const client = (await containerRuntime())!;
  if (status.status !== 'gone') await client.container.dockerode.getContainer(status.state.container).remove({ force: true, v: true });
  await client.container.dockerode
    .getVolume(status.state.volume)
    .remove()
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
  fs.rmSync(namedContainerStateFile(config), { force: true });
  return status;
}
