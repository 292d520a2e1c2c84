// A named workload in a plain Node process, for the profilers that wrap a process (node --cpu-prof,
// 0x, clinic): `node --import tsx perf-tests/workloads/run-workload.ts --suite embeddings --out DIR`.
// Opens the workload, runs one warm-up iteration, then iterations until --duration seconds have
// passed (at least --min-iterations), and writes DIR/workload.json: the iteration count and the
// measured window in the profiler's clock (CLOCK_MONOTONIC microseconds, the clock of a
// .cpuprofile's timestamps), so a profile can be cut to the iterations and divided by their count.
// --mode heap also writes a sampling heap profile of the iterations and a heap snapshot after them;
// --mode memlab takes heap snapshots between cycles and runs memlab's growth analysis on them.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { formatError } from '../../src/shared/errors.ts';
import { PROJECT_ROOT } from '../../src/shared/paths.ts';
import type { HeapGrowthReport, RetainerTrace } from '../support/heap-growth.ts';
import { findWorkload } from './workload-registry.ts';
import type { OpenWorkload } from './named-workload.ts';

export interface WorkloadRecord {
  suite: string;
  metric: string;
  description: string;
  mode: string;
  iterations: number;
  itemsPerIteration: number;
  unit: string;
  /** The measured iterations' window, CLOCK_MONOTONIC microseconds (a .cpuprofile's clock). */
  windowStartUs: number;
  windowEndUs: number;
  durationMs: number;
  pid: number;
  /** The checkout that ran: profile paths are shown relative to it. */
  root: string;
  files: string[];
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function iterate(w: OpenWorkload, seconds: number, minIterations: number, between?: (i: number) => Promise<void>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let i = 0;
  while (i < minIterations || performance.now() < end) {
    await w.iteration();
    i++;
    if (between) await between(i);
  }
  return i;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string' },
      metric: { type: 'string' },
      duration: { type: 'string', default: '5' },
      'min-iterations': { type: 'string', default: '3' },
      mode: { type: 'string', default: 'run' },
      out: { type: 'string' },
      // A metric without a workload of its own (e.g. a stage breakdown): run the suite's default.
      'metric-or-default': { type: 'boolean', default: false },
    },
  });
  if (!values.suite || !values.out) throw new Error('usage: run-workload.ts --suite <suite> [--metric <name>] --out <dir> [--duration s] [--mode run|heap|memlab]');
  const out = path.resolve(values.out);
  fs.mkdirSync(out, { recursive: true });
  let named;
  try {
    named = findWorkload(values.suite, values.metric);
  } catch (error) {
    if (!values['metric-or-default'] || values.metric === undefined) throw error;
    named = findWorkload(values.suite);
    process.stderr.write(`no workload for metric "${values.metric}": running the suite's default, "${named.metric}"\n`);
  }
  const seconds = Number(values.duration);
  const minIterations = Number(values['min-iterations']);
  const mode = values.mode!;
  process.stderr.write(`workload ${named.suite} / ${named.metric}: opening\n`);
  const w = await named.open();
  const files: string[] = [];
  let iterations = 0;
  let windowStartUs: number;
  let windowEndUs: number;
  try {
    await w.iteration(); // warm-up: JIT, ORT arenas, connection pool
    if (mode === 'heap') {
      const session = new Session();
      session.connect();
      await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384 });
      windowStartUs = nowUs();
      iterations = await iterate(w, seconds, minIterations);
      windowEndUs = nowUs();
      const { profile } = await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      fs.writeFileSync(path.join(out, 'workload.heapprofile'), JSON.stringify(profile));
      files.push('workload.heapprofile');
      files.push(path.basename(v8.writeHeapSnapshot(path.join(out, 'after-iterations.heapsnapshot'))));
    } else if (mode === 'memlab') {
      // Snapshots after the warm-up and after each half of the cycles (three, as the memory suite
      // takes; memlab's analysis is the slow part): memlab looks for objects whose retained size
      // grows from one to the next.
      const { analyseHeapGrowth, leakVerdict, retainerTraces, takeHeapSnapshot } = await import('../support/heap-growth.ts'); // memlab loads slowly: only here
      const snapshots = path.join(out, 'snapshots');
      takeHeapSnapshot(snapshots, 1);
      const perPhase = Math.max(1, Math.ceil(minIterations / 2));
      windowStartUs = nowUs();
      for (let s = 2; s <= 3; s++) {
        iterations += await iterate(w, seconds / 2, perPhase);
        takeHeapSnapshot(snapshots, s);
      }
      windowEndUs = nowUs();
      const report = await analyseHeapGrowth(snapshots, path.join(out, 'memlab-work'));
      const traces = await retainerTraces(snapshots, report, 3);
      const verdict = leakVerdict(report, traces);
      fs.writeFileSync(path.join(out, 'memlab-growth.json'), JSON.stringify({ ...report, verdict, retainerTraces: traces }, null, 2) + '\n');
      fs.writeFileSync(path.join(out, 'memlab-growth.md'), renderGrowth(report, iterations, verdict, traces));
      files.push('memlab-growth.json', 'memlab-growth.md', ...report.snapshots.map((s) => `snapshots/${s}`));
    } else {
      windowStartUs = nowUs();
      iterations = await iterate(w, seconds, minIterations);
      windowEndUs = nowUs();
      fs.writeFileSync(path.join(out, 'sourcemaps.json'), JSON.stringify(loadedSourceMaps()));
      files.push('sourcemaps.json');
    }
  } finally {
    await w.close();
  }
  const record: WorkloadRecord = {
    suite: named.suite,
    metric: named.metric,
    description: named.description,
    mode,
    iterations,
    itemsPerIteration: w.itemsPerIteration,
    unit: w.unit,
    windowStartUs,
    windowEndUs,
    durationMs: (windowEndUs - windowStartUs) / 1000,
    pid: process.pid,
    root: PROJECT_ROOT,
    files,
  };
  fs.writeFileSync(path.join(out, 'workload.json'), JSON.stringify(record, null, 2) + '\n');
  process.stderr.write(`workload ${named.suite} / ${named.metric}: ${iterations} iterations in ${(record.durationMs / 1000).toFixed(1)} s (${(record.durationMs / iterations).toFixed(1)} ms each)\n`);
}

/**
 * The source maps of the project's TypeScript modules this process loaded (tsx compiles each to
 * one long line): a profile's call frames point into the compiled code, and the harness maps them
 * back to the .ts line with these (profile-tools.ts), so a function keeps its line in the diff.
 */
function loadedSourceMaps(): Record<string, unknown> {
  const maps: Record<string, unknown> = {};
  for (const dir of ['src', 'perf-tests']) {
    for (const f of fs.readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true }) as string[]) {
      if (!f.endsWith('.ts')) continue;
      const url = pathToFileURL(path.join(PROJECT_ROOT, dir, f)).href;
      const map = findSourceMap(url);
      if (map) maps[url] = map.payload;
    }
  }
  return maps;
}

function renderGrowth(report: HeapGrowthReport, iterations: number, verdict: string, traces: readonly RetainerTrace[]): string {
  const kb = (b: number): string => (b / 1024).toFixed(1);
  return [
    `# memlab: objects growing across ${report.snapshots.length} heap snapshots (${iterations} cycles)`,
    '',
    `**Verdict:** ${verdict}`,
    '',
    report.growing.length === 0 ? 'No object grew above memlab\'s threshold.' : '| object | type | retained KB per snapshot | grew every time |',
    ...(report.growing.length === 0 ? [] : ['|---|---|---|---|']),
    ...report.growing.slice(0, 20).map((o) => `| \`${o.name}\` @${o.id} | ${o.type} | ${o.history.map(kb).join(' -> ')} | ${report.monotonic.includes(o) ? 'yes' : 'no'} |`),
    '',
    ...(traces.length > 0 ? ['## Retainer traces (shortest path from the GC roots, last snapshot)', ''] : []),
    ...traces.flatMap((t) => [`- \`${t.name}\` @${t.id} (${t.history.map(kb).join(' -> ')} KB):`, `  \`${t.path}\``]),
    '',
  ].join('\n');
}

main().then(
  // Exit at once: a database server's handles must not keep the process (and its profiler) alive.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${formatError(error)}\n`);
    process.exit(2);
  },
);
