// Ctrl-C in the middle of `npm run perf`: the real runner (runPerf in its own process, the fixture
// project's vitest worker in the middle of a suite) gets SIGINT, as a terminal sends it to the whole
// process group, or to its pid alone (kill -INT). Afterwards no process of the run is left, its
// progress socket file is gone, the baseline it was asked to save is byte-identical, and
// reports/latest still points at the previous complete run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-interrupt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const DRIVER = path.join(import.meta.dirname, 'fixtures', 'interrupt-driver.mjs');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Ctrl-C during a perf run', () => {
  it.each(['process group', 'runner pid'] as const)('SIGINT to the %s: nothing left running, nothing half-written', { timeout: 300_000 }, async (target) => {
    const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
    const reports = path.join(dir, 'reports');
    const baselines = path.join(dir, 'baselines');
    // A previous complete run, and a baseline file the interrupted run was asked to overwrite.
    fs.mkdirSync(path.join(reports, 'previous-run'), { recursive: true });
    fs.writeFileSync(path.join(reports, 'previous-run', 'report.json'), '{"previous":true}\n');
    fs.symlinkSync('previous-run', path.join(reports, 'latest'));
    const baselineFile = path.join(baselines, 'some-class', 'exact-metric.full.json');
    fs.mkdirSync(path.dirname(baselineFile), { recursive: true });
    fs.writeFileSync(baselineFile, '{"kept": true}\n');
    const ready = path.join(dir, 'worker.pid');

    const child = spawn(process.execPath, [DRIVER, reports, baselines], {
      detached: true, // its own process group, as a shell gives a foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TG_FIXTURE: 'hang', TG_FIXTURE_READY: ready },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const runner = child.pid!;
    await until('the suite to start', () => fs.existsSync(ready) && fs.readFileSync(ready, 'utf8') !== '', 240_000);
    const worker = Number(fs.readFileSync(ready, 'utf8'));
    const socket = fs.readdirSync(os.tmpdir()).find((f) => f.startsWith(`tg-progress-${runner}-`));
    expect(socket, 'the run has a progress socket while it runs').toBeDefined();

    process.kill(target === 'process group' ? -runner : runner, 'SIGINT');
    const end = await exited;

    expect([130, 'SIGINT'], stderr).toContain(end.signal ?? end.code); // a shell shows 130 for both
    expect(stderr).toMatch(/SIGINT: the perf run was stopped; baselines and reports\/latest are unchanged or complete/);
    await until('the vitest worker to end', () => !alive(worker), 30_000);
    expect(fs.existsSync(path.join(os.tmpdir(), socket!)), 'progress socket file removed').toBe(false);
    expect(fs.readFileSync(baselineFile, 'utf8')).toBe('{"kept": true}\n');
    expect(fs.readdirSync(baselines, { recursive: true }).filter((f) => String(f).includes('.tmp'))).toEqual([]);
    expect(fs.readlinkSync(path.join(reports, 'latest'))).toBe('previous-run');
    expect(fs.readdirSync(reports).sort()).toEqual(['latest', 'previous-run']);
  });
});
