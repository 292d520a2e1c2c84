// Runs inside the counted process (bundled with a declarations module, never imported by the
// harness): set up one workload, warm it up, then run N and 2N operations, each part closed by a
// marker. The marker is a call to a native function nothing else calls (os.loadavg ->
// uv_loadavg), on which callgrind dumps and zeroes its counters (--dump-before=uv_loadavg), so
// each part's count lands in its own file. A full GC before each marker makes every part start
// from the same heap state; its cost is the same in both parts and cancels in their difference.
import os from 'node:os';
import v8 from 'node:v8';
import type { InstructionWorkload } from './workload.ts';

export const MARKER_FUNCTION = 'uv_loadavg';

export interface DriverReport {
  workload: string;
  iterations: number;
  warmup: number;
  async: boolean;
}

function fail(message: string): never {
  process.stderr.write(`instruction driver: ${message}\n`);
  process.exit(2);
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') fail('gc() is not exposed: run node with --expose-gc');
  gc();
}

function marker(): void {
  collectGarbage();
  // V8 sweeps the collected pages lazily, as later allocations need them: left so, a part paid for
  // sweeping the pages the previous part left, and the warm-up left 34 pages in some processes and
  // 35 in others (one page ~120,000 instructions: report rendering 0.66% over 5 runs). Code
  // statistics make the heap iterable, which finishes sweeping here, so each part pays for
  // sweeping its own garbage.
  v8.getHeapCodeStatistics();
  os.loadavg();
}

/** Results are kept here so the optimiser cannot drop an operation whose result is unused. */
export let sink: unknown;

/** The fewest warm-up calls of N operations, whatever the workload's warm-up count. */
const WARMUP_PARTS = 2;

function runSync(op: () => unknown, count: number): void {
  for (let i = 0; i < count; i++) sink = op();
}

async function runAsync(op: () => Promise<unknown>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) sink = await op();
}

const isThenable = (x: unknown): x is PromiseLike<unknown> => typeof (x as { then?: unknown } | null)?.then === 'function';

/** argv: `--list` prints the declarations; `<name> <iterations>` runs one workload. */
export async function drive(workloads: readonly InstructionWorkload[], argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (argv[0] === '--list') {
    process.stdout.write(JSON.stringify(workloads.map(({ name, op, iterations, warmup, tolerance }) => ({ name, op, iterations, warmup, tolerance }))) + '\n');
    return;
  }
  const [name, n] = argv;
  const w = workloads.find((x) => x.name === name);
  if (!w) fail(`no workload named ${JSON.stringify(name)} (declared: ${workloads.map((x) => x.name).join(', ')})`);
  const iterations = Number(n);
  if (!Number.isInteger(iterations) || iterations < 1) fail(`iterations must be a positive integer, got ${n}`);
  const op = await w.setup();
  const warmup = w.warmup ?? 2 * iterations;
  // The first call tells a synchronous operation from an asynchronous one; it counts as warm-up.
  const first = op();
  const async = isThenable(first);
  sink = async ? await first : first;
  // Every part runs through the same loop function (one per mode, so a synchronous workload pays
  // no promise machinery), and the warm-up is made of calls exactly like the measured ones (N
  // operations, then a full GC): V8 tiers code up on counters that add up across calls, and a full
  // GC drops on-stack-replacement code, so a warm-up shaped otherwise left compilation inside the
  // N part (a 2x heavier workload measured 10x). With TurboFan off (flags.ts) and Sparkplug on the
  // first call, two such calls suffice: the first fills inline caches and lazy state, the second
  // checks nothing is left to set up.
  const run = async (count: number): Promise<void> => {
    if (async) await runAsync(op as () => Promise<unknown>, count);
    else runSync(op, count);
  };
  const warmupCalls = Math.max(WARMUP_PARTS, Math.ceil(warmup / iterations));
  // The last warm-up call is closed by the marker alone, so the N part starts from a heap reached
  // the way the 2N part's is (N operations, then one full GC), not after two GCs in a row.
  for (let c = 0; c < warmupCalls; c++) {
    await run(iterations);
    if (c < warmupCalls - 1) collectGarbage();
  }
  marker();
  await run(iterations);
  marker();
  await run(2 * iterations);
  marker();
  const report: DriverReport = { workload: w.name, iterations, warmup, async };
  process.stdout.write(JSON.stringify(report) + '\n');
  // Nothing after the last marker is counted: skip the teardown (ORT's, under valgrind, is slow).
  process.exit(0);
}
