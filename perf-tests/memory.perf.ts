// Seed feature 2.5, memory: the pipeline process's peak RSS with both model packs loaded while 100
// claims go through the real pipeline (verifyClaims on embedded PGlite with the sample corpus
// ingested), its steady RSS and leak rate over repeated verify cycles (post-GC heap slope with its
// CI), and a memlab heap-growth analysis of heap snapshots taken between cycles. The embedded
// PGlite server runs in a child process: its RSS is reported separately and is NOT in the budgets,
// which cover the pipeline process (models, tokenizers, ORT arenas, pg client, pipeline state).
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/truthgraph/db/database.ts';
import type { Embedder } from '../src/truthgraph/embedding/embedder.ts';
import { measureMemory, perf, record } from '../src/perf/suite/index.ts';
import type { NliModel } from '../src/truthgraph/nli/nli.ts';
import type { Pipeline } from '../src/truthgraph/pipeline/runtime.ts';
import { analyseHeapGrowth, leakVerdict, retainerTraces, takeHeapSnapshot, type HeapGrowthReport } from './support/heap-growth.ts';
import { childProcesses, peakRssDuring } from './support/process-memory.ts';
import { recordDatabase, recordFixture, recordPack } from './support/run-context.ts';
import { CYCLE_CLAIMS, MEMORY_VARIANT, openMemoryBench, verifyCycle, type MemoryBench } from './workloads/memory-workload.ts';

/** int8 packs: the throughput configuration (fp32 weights would add ~100 MB and 3x the time). */
const VARIANT = MEMORY_VARIANT;
/** The seed's 100 concurrent claims (quick: one pipeline batch of 32). */
const CONCURRENT_CLAIMS = perf.quick ? 32 : 100;
const CYCLES = perf.quick ? 6 : 12;
const SNAPSHOTS = 3;
const CYCLES_BETWEEN_SNAPSHOTS = 2;

const MB = 2 ** 20;
const FLOOR = { peakMb: 4096, steadyMb: 3584, leakMbPerMin: 10 };
const TARGET = { peakMb: 1024, leakCiUpperMbPerMin: 1 };

let bench: MemoryBench | undefined;
let db: Database;
let embedder: Embedder;
let nli: NliModel;
let pipeline: Pipeline;
let claims: string[] = [];
const profile: Record<string, unknown> = {};
const serverRss = (): { pid: number; rssMb: number; peakMb: number } | undefined => {
  const [server] = childProcesses(/embedded-server\.mjs/);
  return server && { pid: server.pid, rssMb: Math.round(server.rssBytes / MB), peakMb: Math.round(server.peakBytes / MB) };
};

beforeAll(async () => {
  ['test_claims.json', 'sample_evidence.json', 'real_world_claims.json', 'real_world_evidence.json'].forEach(recordFixture);
  // The bench of the named workload (`npx truthgraph perf profile memory` opens the same).
  bench = await openMemoryBench();
  ({ db, embedder, nli, pipeline } = bench);
  recordDatabase(db.engine);
  recordPack(embedder.pack);
  recordPack(nli.pack);
  expect(bench.failedEvidence).toEqual([]);
  claims = bench.claims(CONCURRENT_CLAIMS);
  profile.corpus = { evidence: bench.evidenceCount, claims: claims.length };
});

afterAll(async () => {
  perf.attach(
    'memory',
    'profile',
    profile,
    [
      '# Memory profile (pipeline process)',
      '',
      `Budgets cover the vitest worker running the pipeline (both ${VARIANT} packs, tokenizers, ORT arenas, pg client, pipeline state); the embedded PGlite server is a child process reported separately.`,
      '',
      '```json',
      JSON.stringify(profile, null, 2),
      '```',
      '',
    ].join('\n'),
  );
  await bench?.close();
});

describe('memory', () => {
  it(`peak RSS with both packs loaded, ${CONCURRENT_CLAIMS} claims through verifyClaims`, async () => {
    await pipeline.verifier.verifyClaims(claims.slice(0, 8)); // warm: arenas, JIT, pool connection
    const { value: results, beforeBytes, peakBytes, exact } = await peakRssDuring(() => pipeline.verifier.verifyClaims(claims));
    expect(results).toHaveLength(CONCURRENT_CLAIMS);
    const lifetimePeakMb = Math.round((process.resourceUsage().maxRSS * 1024) / MB);
    const server = serverRss();
    profile.peak = { claims: CONCURRENT_CLAIMS, rssBeforeMb: Math.round(beforeBytes / MB), peakMb: Math.round(peakBytes / MB), exactWindow: exact, lifetimePeakMb, pgliteServer: server ?? 'not found (not Linux, or not a child process)' };
    const result = record(`pipeline process rss peak (${CONCURRENT_CLAIMS} claims, ${VARIANT} packs)`, Math.round(peakBytes / MB), {
      unit: 'MB',
      direction: 'lower',
      kind: 'timing',
      tolerance: 0.1,
      budget: { max: FLOOR.peakMb, statistic: 'max', source: 'seed floor 2.5: < 4 GB peak' },
      target: { max: TARGET.peakMb, statistic: 'max', source: 'ours: peak < 1 GB for the pipeline process' },
    });
    if (server) {
      // Informational: the engine's memory is its own (PGlite wasm holds 200-500 MB), not the pipeline's.
      record('pglite server process rss (child, not budgeted)', server.rssMb, { unit: 'MB', direction: 'lower', kind: 'timing', tolerance: 0.1 });
    }
    expect(result).toMeetBudget();
    expect(result).not.toRegress();
  });

  it('steady RSS and leak rate over repeated verify cycles', async () => {
    const cycle = claims.slice(0, CYCLE_CLAIMS);
    const results = await measureMemory('verify cycle', verifyCycle(pipeline, cycle), {
      iterations: CYCLES,
      warmupIterations: 2,
      callsPerIteration: 1,
      budgets: { rssPeakMb: FLOOR.steadyMb, leakMbPerMin: FLOOR.leakMbPerMin },
    });
    const rss = results.find((r) => r.name.endsWith('rss peak'))!;
    const leak = results.find((r) => r.name.endsWith('leak'))!;
    const slope = leak.measurement!.leakSlope!;
    profile.cycles = {
      claimsPerCycle: CYCLE_CLAIMS,
      cycles: CYCLES,
      steadyRssMedianMb: Math.round(rss.summary.median),
      steadyRssMaxMb: Math.round(Math.max(...rss.samples)),
      leakSlopeMbPerMin: slope,
      pgliteServer: serverRss() ?? null,
    };
    record('verify cycle leak slope 95% CI upper bound', Math.round(slope.upper * 1000) / 1000, {
      unit: 'MB/min',
      direction: 'lower',
      kind: 'timing',
      tolerance: 1,
      target: { max: TARGET.leakCiUpperMbPerMin, statistic: 'max', source: 'ours: leak slope CI upper bound < 1 MB/min' },
    });
    expect([rss, leak]).toMeetBudget();
    expect(results).not.toRegress();
  });

  it.skipIf(perf.quick)('memlab: no object grows without bound across verify cycles', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truthgraph-heap-'));
    try {
      const cycle = claims.slice(0, CYCLE_CLAIMS);
      for (let s = 0; s < SNAPSHOTS; s++) {
        const runCycle = verifyCycle(pipeline, cycle);
        for (let c = 0; c < CYCLES_BETWEEN_SNAPSHOTS; c++) await runCycle();
        takeHeapSnapshot(path.join(dir, 'snapshots'), s + 1);
      }
      const report: HeapGrowthReport = await analyseHeapGrowth(path.join(dir, 'snapshots'), path.join(dir, 'memlab'));
      const grownBytes = report.monotonic.reduce((s, o) => s + (o.history.at(-1)! - o.history[0]!), 0);
      // The top 3 growing objects with their retainer paths: a leak verdict names what holds it.
      const traces = await retainerTraces(path.join(dir, 'snapshots'), report, 3);
      profile.memlab = {
        verdict: leakVerdict(report, traces),
        retainerTraces: traces,
        snapshots: report.snapshots.length,
        cyclesBetweenSnapshots: CYCLES_BETWEEN_SNAPSHOTS,
        growingObjects: report.growing.slice(0, 10),
        monotonicGrowingObjects: report.monotonic.length,
        monotonicGrowthKb: Math.round(grownBytes / 1024),
      };
      // Objects that grew in every snapshot: a count, judged exactly against the baseline.
      // Not exact: which caches settle between two snapshots varies slightly from run to run.
      const result = record('memlab monotonically growing objects (> 10 KB retained)', report.monotonic.length, { unit: 'objects', direction: 'lower', kind: 'timing', tolerance: 1 });
      expect(result).not.toRegress();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
