// Throw-away containers are removed when the process that started them ends without removing them:
// on exit, an uncaught error, SIGINT, SIGTERM and SIGKILL. Real Docker, real containers of the
// pgvector image: where Ryuk's image is missing (our machines) our reaper does it, elsewhere Ryuk.
// Skipped, saying why, where no container runtime answers or the image is not available.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTAINER_IMAGE } from '../config.ts';
import { containerRuntime, ensureImage } from './container-runtime.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hold-container.ts');
const client = await containerRuntime();
const image = client ? await ensureImage(client, DEFAULT_CONTAINER_IMAGE, () => {}) : undefined;
const why = !client ? 'no container runtime answers' : !image?.available ? `${DEFAULT_CONTAINER_IMAGE} is not available (npx truthgraph db image)` : '';

interface Held {
  child: ChildProcess;
  started: { id: string; by: 'ryuk' | 'reaper'; reaperPid: number | null };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function hold(mode: 'exit' | 'throw' | 'wait'): Promise<Held> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode, DEFAULT_CONTAINER_IMAGE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let line = '';
    child.stdout!.on('data', (d: Buffer) => {
      line += d.toString();
      if (line.includes('\n')) resolve({ child, started: JSON.parse(line.split('\n')[0]!) as Held['started'], exited });
    });
    void exited.then(({ code }) => {
      if (!line.includes('\n')) reject(new Error(`fixture exited (${code}) before starting its container: ${stderr}`));
    });
  });
}

async function exists(id: string): Promise<boolean> {
  try {
    await client!.container.dockerode.getContainer(id).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

async function removedWithin(id: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await exists(id))) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** A zombie (exited, not yet reaped by its new parent) counts as gone. */
function pidAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function exitedWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !pidAlive(pid);
}

async function check(cases: ReadonlyArray<{ mode: 'exit' | 'throw' | 'wait'; signal?: NodeJS.Signals }>): Promise<void> {
  const held = await Promise.all(cases.map((c) => hold(c.mode)));
  try {
    for (const [i, h] of held.entries()) {
      expect(await exists(h.started.id)).toBe(true);
      const signal = cases[i]!.signal;
      if (signal) h.child.kill(signal);
      else h.child.stdin!.end('end now\n'); // exit / throw: the fixture waits for this line
    }
    const ends = await Promise.all(held.map((h) => h.exited));
    expect(ends.map((e) => e.code ?? e.signal)).toEqual(cases.map((c) => c.signal ?? (c.mode === 'exit' ? 3 : 1)));
    const removed = await Promise.all(held.map((h) => removedWithin(h.started.id, 60_000)));
    expect(removed).toEqual(cases.map(() => true));
    for (const h of held) {
      // Each process had its own reaper (where Ryuk is unavailable), which exits once it has reaped.
      if (h.started.by === 'reaper') expect(await exitedWithin(h.started.reaperPid!, 20_000)).toBe(true);
    }
  } finally {
    for (const h of held) {
      h.child.kill('SIGKILL');
      await client!.container.dockerode.getContainer(h.started.id).remove({ force: true, v: true }).catch(() => {});
    }
  }
}

// Two at a time: each case initialises a Postgres data dir, which takes seconds on a busy 2-core machine.
describe.skipIf(why !== '')(`throw-away containers are removed when their process ends${why ? ` (skipped: ${why})` : ''}`, () => {
  it('on exit and on an uncaught error', { timeout: 400_000 }, () => check([{ mode: 'exit' }, { mode: 'throw' }]));
  it('on SIGINT and SIGTERM', { timeout: 400_000 }, () => check([{ mode: 'wait', signal: 'SIGINT' }, { mode: 'wait', signal: 'SIGTERM' }]));
  it('on SIGKILL (nothing in the process can run: the reaper sees its channel close)', { timeout: 400_000 }, () => check([{ mode: 'wait', signal: 'SIGKILL' }]));
});
