// Counts the instructions of one workload: runs its bundle under callgrind in a plain Node
// process and turns the three marker dumps into instructions per operation:
//   part 1 = start-up + setup + warm-up (discarded), part 2 = N ops + marker, part 3 = 2N ops + marker
//   per op = (part 3 - part 2) / N        (the marker and its full GC cancel)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { parseSelfCosts, parseTotal, perOpBreakdown, type Breakdown } from './callgrind-output.ts';
import type { DriverReport } from './driver.ts';
import { COUNTED_ENV, NODE_FLAGS, VALGRIND_FLAGS } from './flags.ts';

export interface CountRequest {
  bundle: string;
  workload: string;
  iterations: number;
  /** Folder for the callgrind files of this count (created; kept for inspection). */
  outDir: string;
  /** Working directory of the counted process (the project root). */
  cwd: string;
  /** Also compute the per-function breakdown (self instructions per operation). */
  breakdown: boolean;
}

export interface InstructionCount {
  workload: string;
  iterations: number;
  warmup: number;
  async: boolean;
  /** Instructions per operation: (part 3 - part 2) / N. */
  perOp: number;
  /** Raw totals of the parts: start-up + setup + warm-up, N ops, 2N ops. */
  parts: { startup: number; n: number; twoN: number };
  /** part 2 - N * perOp: the fixed cost of a part (marker + full GC); it cancels. */
  fixedPerPart: number;
  breakdown?: Breakdown;
  /** Wall time of the counted process (valgrind runs code ~50x slower than native). */
  wallMs: number;
  outDir: string;
}

function spawnCollect(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // NODE_OPTIONS of the parent (vitest, tsx) must not reach the counted process; COUNTED_ENV
    // is part of how a count is taken (flags.ts).
    const env = { ...process.env, NODE_OPTIONS: '', ...COUNTED_ENV };
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function countInstructions(req: CountRequest): Promise<InstructionCount> {
  rmSync(req.outDir, { recursive: true, force: true });
  mkdirSync(req.outDir, { recursive: true });
  const out = path.join(req.outDir, 'callgrind.out');
  const args = [...VALGRIND_FLAGS, `--callgrind-out-file=${out}`, process.execPath, ...NODE_FLAGS, req.bundle, req.workload, String(req.iterations)];
  const started = performance.now();
  const child = await spawnCollect('valgrind', args, req.cwd);
  const wallMs = performance.now() - started;
  const tail = (s: string): string => s.trim().split('\n').slice(-12).join('\n');
  if (child.code !== 0) {
    throw new UserError(`counting "${req.workload}" failed: valgrind/node exited with ${child.code}\n${tail(child.stderr)}`, {
      fix: `reproduce with: ${Object.entries(COUNTED_ENV).map(([k, v]) => `${k}=${v} `).join('')}valgrind ${args.join(' ')}`,
    });
  }
  const report = JSON.parse(child.stdout.trim().split('\n').pop() ?? 'null') as DriverReport | null;
  if (!report || report.workload !== req.workload) throw new UserError(`counting "${req.workload}": the driver did not report (stdout: ${tail(child.stdout)})`, { fix: 'a workload must not write to stdout' });
  const dumps = [1, 2, 3, 4].map((i) => `${out}.${i}`);
  if (!dumps.slice(0, 3).every((f) => existsSync(f)) || existsSync(dumps[3]!)) {
    throw new UserError(`counting "${req.workload}": expected exactly 3 marker dumps in ${req.outDir}`, {
      fix: 'the workload must not call os.loadavg() (the marker the driver uses to split the count)',
    });
  }
  const [startup, n, twoN] = dumps.slice(0, 3).map((f) => parseTotal(readFileSync(f, 'utf8'), f)) as [number, number, number];
  const perOp = (twoN - n) / req.iterations;
  const result: InstructionCount = {
    workload: req.workload,
    iterations: req.iterations,
    warmup: report.warmup,
    async: report.async,
    perOp,
    parts: { startup, n, twoN },
    fixedPerPart: n - perOp * req.iterations,
    wallMs,
    outDir: req.outDir,
  };
  if (req.breakdown) {
    const [a, b] = [dumps[1]!, dumps[2]!].map((f) => parseSelfCosts(readFileSync(f, 'utf8'))) as [Map<string, number>, Map<string, number>];
    result.breakdown = perOpBreakdown(a, b, req.iterations);
  }
  return result;
}
