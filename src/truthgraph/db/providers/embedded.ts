// The embedded engine: PGlite + pgvector in a child process (embedded-server.mjs) behind pglite-socket.
// A state file (pid, port) lets later commands attach to a server started by `db start`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../../shared/errors.ts';
import type { DbLog, DbServer } from './types.ts';

const SERVER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'embedded-server.mjs');
const READY_TIMEOUT_MS = 120_000;

export interface EmbeddedState {
  pid: number;
  host: string;
  port: number;
  dataDir: string | null;
  startedAt: string;
}

export type EmbeddedStatus =
  | { status: 'running'; state: EmbeddedState }
  | { status: 'stopped' }
  | { status: 'stale'; state: EmbeddedState | undefined; reason: string };

export interface SpawnOptions {
  /** null = in-memory. */
  dataDir: string | null;
  stateFile: string | null;
  /** Outlives this process (db start) instead of exiting with it. */
  detached: boolean;
  logFile?: string;
  /** A dumpDataDir tarball to initialise an empty data dir from (faster than initdb). */
  loadDump?: string;
  maxConnections?: number;
}

export interface EmbeddedHandle {
  state: EmbeddedState;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Only while the IPC channel is open (not for detached servers). */
  dump(file: string): Promise<{ bytes: number }>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function readEmbeddedStatus(stateFile: string): Promise<EmbeddedStatus> {
  let state: EmbeddedState;
  try {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as EmbeddedState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'stopped' };
    return { status: 'stale', state: undefined, reason: `unreadable state file ${stateFile}` };
  }
  if (!pidAlive(state.pid)) {
    return { status: 'stale', state, reason: `server pid ${state.pid} is gone (crashed or killed)` };
  }
  if (!(await portOpen(state.host, state.port))) {
    return { status: 'stale', state, reason: `pid ${state.pid} is alive but nothing answers on ${state.host}:${state.port}` };
  }
  return { status: 'running', state };
}

export async function spawnEmbeddedServer(options: SpawnOptions): Promise<EmbeddedHandle> {
  const config = {
    dataDir: options.dataDir,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections ?? 8,
    stateFile: options.stateFile,
    exitWithParent: !options.detached,
    loadDump: options.loadDump ?? null,
  };
  let logFd: number | undefined;
  if (options.logFile) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    logFd = fs.openSync(options.logFile, 'a');
  }
  const out = logFd ?? 'inherit';
  const child = spawn(process.execPath, [SERVER_SCRIPT, JSON.stringify(config)], {
    detached: options.detached,
    stdio: ['ignore', out, out, 'ipc'],
  });
  if (logFd !== undefined) fs.closeSync(logFd);
  const state = await new Promise<EmbeddedState>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new UserError(`embedded database server did not start within ${READY_TIMEOUT_MS / 1000} s`, {
        fix: `see ${options.logFile ?? 'stderr'}; if the data dir is damaged: ${embeddedResetCommand(options.dataDir)} (deletes its data)`,
      }));
    }, READY_TIMEOUT_MS);
    child.once('message', (message: { type: string; message?: string } & EmbeddedState) => {
      clearTimeout(timer);
      if (message.type === 'ready') resolve(message);
      else reject(new UserError(`embedded database server failed to start: ${message.message}`, {
        fix: `the data dir ${options.dataDir} is damaged or unreadable: ${embeddedResetCommand(options.dataDir)} (deletes its data; the next command recreates it)`,
      }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new UserError(`embedded database server exited during start (code ${code}, signal ${signal})`, {
        fix: `see ${options.logFile ?? 'stderr'}; if the data dir is damaged: ${embeddedResetCommand(options.dataDir)} (deletes its data; the next command recreates it)`,
      }));
    });
  });
  child.removeAllListeners('exit');
  if (options.detached) {
    child.disconnect();
    child.unref();
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let dumps = 0;
  return {
    state,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    dump: (file) =>
      new Promise((resolve, reject) => {
        if (!child.connected) return reject(new Error('the embedded server has no IPC channel (detached or exited)'));
        const id = ++dumps;
        const onMessage = (m: { type: string; id?: number; bytes?: number; message?: string }) => {
          if (m.id !== id) return;
          child.off('message', onMessage);
          if (m.type === 'dumped') resolve({ bytes: m.bytes ?? 0 });
          else reject(new Error(`embedded server could not dump its data dir: ${m.message}`));
        };
        child.on('message', onMessage);
        child.send({ type: 'dump', id, file: path.resolve(file) });
      }),
  };
}

/** Stops the server recorded in the state file; waits for it to exit (data dir closed cleanly). */
export async function stopEmbeddedServer(stateFile: string, timeoutMs = 30_000): Promise<EmbeddedStatus> {
  const status = await readEmbeddedStatus(stateFile);
  if (status.status === 'stopped') return status;
  if (status.status === 'stale' && (!status.state || !pidAlive(status.state.pid))) {
    fs.rmSync(stateFile, { force: true });
    return status;
  }
  const pid = status.state!.pid;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  fs.rmSync(stateFile, { force: true });
  return status;
}

/** `--db-name X` for a data dir other than the default one (fix lines must name the same database). */
export function dbNameFlag(name: string): string {
  return name === 'default' ? '' : ` --db-name ${name}`;
}

/** The command that deletes (and so lets the next command recreate) an embedded data dir. */
export function embeddedResetCommand(dataDir: string | null): string {
  return `npx truthgraph db reset${dataDir ? dbNameFlag(path.basename(dataDir)) : ''}`;
}

function embeddedFix(name: string): string {
  return `rerun the command: it starts the embedded server again on demand (to keep one running: npx truthgraph db start${dbNameFlag(name)})`;
}

export function embeddedServer(
  state: EmbeddedState,
  name: string,
  release: () => Promise<void>,
  dump?: (file: string) => Promise<{ bytes: number }>,
): DbServer {
  return {
    ...(dump ? { dumpDataDir: dump } : {}),
    provider: 'embedded',
    target: { host: state.host, port: state.port, user: 'postgres', password: 'postgres', database: 'postgres' },
    endpoint: `${state.host}:${state.port}`,
    // PGlite runs one query at a time and a transaction on one connection blocks all others:
    // a single pooled connection cannot deadlock and loses nothing.
    defaultPoolSize: 1,
    unreachableFix: embeddedFix(name),
    release,
  };
}

export interface EmbeddedProviderOptions {
  name: string;
  dataDir: string | null;
  stateFile: string;
  logFile: string;
  log: DbLog;
  loadDump?: string;
}

/** Attaches to a running server for this data dir, or starts one that lives as long as this process. */
export async function embeddedProvider(options: EmbeddedProviderOptions): Promise<DbServer> {
  if (options.dataDir !== null) {
    const status = await readEmbeddedStatus(options.stateFile);
    if (status.status === 'running') {
      options.log(`attached to embedded server pid ${status.state.pid} on ${status.state.host}:${status.state.port}`);
      return embeddedServer(status.state, options.name, async () => {});
    }
    if (status.status === 'stale') {
      options.log(`warning: stale embedded server state (${status.reason}); cleaning up and starting a new server`);
      if (status.state && pidAlive(status.state.pid)) process.kill(status.state.pid, 'SIGKILL');
      fs.rmSync(options.stateFile, { force: true });
    }
  }
  const handle = await spawnEmbeddedServer({
    dataDir: options.dataDir,
    // The state file doubles as the data dir's lock: a concurrent command attaches instead of
    // opening the same files in a second PGlite.
    stateFile: options.dataDir === null ? null : options.stateFile,
    detached: false,
    logFile: options.logFile,
    ...(options.loadDump ? { loadDump: options.loadDump } : {}),
  });
  return embeddedServer(handle.state, options.name, handle.stop, handle.dump);
}
