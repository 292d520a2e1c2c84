// The two sides' processes of an A/B round: `node bin/perf.js --ab-side ...` in each revision's
// tree, each in its own process group (so its vitest workers and database server go with it),
// output to a log file. killAll() ends every group this run started (Ctrl-C, errors).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Side } from './protocol.ts';

export interface SideExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  logFile: string;
  /** Last lines of the output, for error messages. */
  tail: string;
}

export class SideProcesses {
  private readonly live = new Set<ChildProcess>();

  run(_side: Side, root: string, args: readonly string[], logFile: string, onExit: () => void): Promise<SideExit> {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'w');
    const child = spawn(process.execPath, [path.join(root, 'bin', 'perf.js'), ...args], {
      cwd: root,
      env: process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.live.add(child);
    return new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (!this.live.delete(child)) return;
        onExit();
        resolve({ code, signal, logFile, tail: tail(logFile, 15) });
      };
      child.once('exit', done);
      child.once('error', () => done(null, null));
    });
  }

  /** SIGTERM to each side's process group, SIGKILL after 5 s for what is left. */
  async killAll(): Promise<void> {
    const groups = [...this.live].map((c) => c.pid).filter((pid): pid is number => pid !== undefined);
    if (groups.length === 0) return;
    const signal = (pid: number, sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    for (const pid of groups) signal(pid, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (this.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const c of this.live) if (c.pid !== undefined) signal(c.pid, 'SIGKILL');
  }
}

function tail(file: string, lines: number): string {
  try {
    // eslint-disable-next-line no-control-regex
    return fs.readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
  } catch {
    return '';
  }
}
