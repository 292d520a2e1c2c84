// Progress travels from the vitest workers (and global setup) to the one renderer in the main
// process over a local socket (a unix socket, a named pipe on Windows): JSON lines of ProgressEvent.
// A worker without a channel (a suite run under plain vitest) renders its own plain lines on stderr.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createProgressRenderer, type ProgressEvent } from './renderer.ts';

export interface ProgressServer {
  readonly path: string;
  close(): Promise<void>;
  /** Removes the socket file at once (synchronously), for a process about to die from a signal. */
  removeSocketNow(): void;
}

function socketPath(): string {
  const name = `tg-progress-${process.pid}-${randomBytes(4).toString('hex')}`;
  return process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : path.join(os.tmpdir(), `${name}.sock`);
}

export function openProgressServer(onEvent: (event: ProgressEvent) => void): Promise<ProgressServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          onEvent(JSON.parse(text) as ProgressEvent);
        } catch {
          // A malformed line is dropped: progress is informational, never a reason to fail a run.
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const where = socketPath();
  // A unix socket's file outlives a process that ends without closing its server (process.exit,
  // a signal): remove it then too, or /tmp collects one per interrupted run.
  const removeSocketNow = (): void => {
    if (process.platform !== 'win32') fs.rmSync(where, { force: true });
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.unref();
      process.once('exit', removeSocketNow);
      resolve({
        path: where,
        removeSocketNow,
        close: () =>
          new Promise<void>((done) => {
            process.off('exit', removeSocketNow);
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface TaskHandle {
  update(done: number, total?: number): void;
  end(note?: string): void;
}

export interface Progress {
  /** A task with countable progress (`update(done)`), or a step without (`end()` only). */
  task(label: string, options?: { total?: number; unit?: string }): TaskHandle;
  /** Runs `fn` as one step: shown with its elapsed time while it runs longer than a few seconds. */
  step<T>(label: string, fn: () => Promise<T>): Promise<T>;
  line(text: string): void;
  /** Forwards an event as is (a runner relaying its own suite-level progress). */
  emit(event: ProgressEvent): void;
}

let counter = 0;

/** Sends progress to the run's renderer at `socket`, or renders plain lines on stderr without one. */
export function progressClient(socket: string | undefined, fallback: (text: string) => void = (t) => process.stderr.write(t)): Progress {
  let local: ReturnType<typeof createProgressRenderer> | undefined;
  const localRenderer = () => (local ??= createProgressRenderer({ tty: false, write: fallback }));
  let conn: net.Socket | undefined;
  if (socket) {
    conn = net.createConnection(socket);
    conn.unref();
    conn.on('error', () => {
      conn = undefined;
    });
  }
  const send = (event: ProgressEvent): void => {
    if (conn && !conn.destroyed) conn.write(`${JSON.stringify(event)}\n`);
    else localRenderer().handle(event);
  };
  const task = (label: string, options: { total?: number; unit?: string } = {}): TaskHandle => {
    const id = `${process.pid}-${++counter}`;
    send({ kind: 'start', id, label, ...options });
    let ended = false;
    return {
      update: (done, total) => send({ kind: 'update', id, done, ...(total !== undefined && { total }) }),
      end: (note) => {
        if (ended) return;
        ended = true;
        send({ kind: 'end', id, ...(note && { note }) });
      },
    };
  };
  return {
    task,
    async step(label, fn) {
      const t = task(label);
      try {
        return await fn();
      } finally {
        t.end();
      }
    },
    line: (text) => send({ kind: 'line', text }),
    emit: send,
  };
}
