// Who removes the throw-away containers this process starts if it dies before removing them itself:
// testcontainers' Ryuk where its image is present or can be pulled; otherwise Ryuk is disabled
// (TESTCONTAINERS_RYUK_DISABLED, the only switch testcontainers reads) and our reaper process
// (reaper.mjs) removes them when this process ends for any reason. Decided once per process.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerRuntimeClient } from 'testcontainers';
import { ensureImage } from './container-runtime.ts';
import type { DbLog } from './types.ts';

const REAPER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reaper.mjs');
const READY_TIMEOUT_MS = 60_000;
/** Label our reaper selects containers by; its value is one process's session id. */
export const REAPER_LABEL = 'org.truthgraph.reaper-session';

export interface ContainerCleanup {
  by: 'ryuk' | 'reaper';
  /** Labels every container started by this process must carry (empty with Ryuk: testcontainers labels them). */
  labels: Record<string, string>;
  /** Our reaper's pid (tests kill the owner and watch the reaper do its work). */
  reaperPid?: number;
}

let decided: Promise<ContainerCleanup> | undefined;

export function containerCleanup(client: ContainerRuntimeClient, log: DbLog): Promise<ContainerCleanup> {
  decided ??= decide(client, log);
  return decided;
}

async function decide(client: ContainerRuntimeClient, log: DbLog): Promise<ContainerCleanup> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED !== 'true') {
    // testcontainers names its Ryuk image in a module it does not re-export (honours RYUK_CONTAINER_IMAGE).
    const { REAPER_IMAGE } = await import('testcontainers/build/reaper/reaper.js');
    const ryuk = await ensureImage(client, REAPER_IMAGE, log);
    if (ryuk.available) return { by: 'ryuk', labels: {} };
    log(`Ryuk (${REAPER_IMAGE}) is not available: ${ryuk.reason}; our own reaper removes the containers of this process`);
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  }
  const session = randomUUID();
  const pid = await startReaper(session);
  return { by: 'reaper', labels: { [REAPER_LABEL]: session }, reaperPid: pid };
}

function startReaper(session: string): Promise<number> {
  const child = spawn(process.execPath, [REAPER_SCRIPT, JSON.stringify({ label: REAPER_LABEL, session })], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the container reaper did not start within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    child.once('message', (message: { type: string; pid?: number; message?: string }) => {
      clearTimeout(timer);
      if (message.type !== 'ready') return reject(new Error(`the container reaper failed: ${message.message}`));
      // The channel stays open for as long as this process lives (its closing is the signal to
      // reap) but must not keep this process alive.
      child.unref();
      (child.channel as { unref?: () => void } | null | undefined)?.unref?.();
      resolve(child.pid!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the container reaper exited during start (code ${code})`));
    });
  }).finally(() => child.removeAllListeners('exit'));
}
