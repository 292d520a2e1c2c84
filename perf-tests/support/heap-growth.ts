// memlab heap-growth analysis of Node heap snapshots: snapshots are written with
// v8.writeHeapSnapshot into one folder, then memlab's ObjectUnboundGrowthAnalysis (docs/platform-notes.md: its
// default leak filter looks for DOM leaks, so on Node we use the unbound-growth analysis instead)
// lists single objects whose retained size grew across them.
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import memlabCore from '@memlab/core';
// Default import: @memlab/heap-analysis is CommonJS, whose named exports plain Node ESM cannot see
// (vitest's interop can; run-workload.ts runs without it).
import heapAnalysis from '@memlab/heap-analysis';
import { getGc } from '../../src/perf/measure/gc.ts';

export interface GrowingObject {
  name: string;
  id: string;
  type: string;
  /** Retained size (bytes) in each snapshot. */
  history: number[];
}

export interface HeapGrowthReport {
  snapshots: string[];
  /** Objects whose retained size changed between snapshots and ends above memlab's threshold (10 KB), largest first (top 20). */
  growing: GrowingObject[];
  /** Objects whose retained size never decreased from snapshot to snapshot and grew overall. */
  monotonic: GrowingObject[];
  analysisOutputFile: string;
}

/** Full GC, then a heap snapshot `snap-NN.heapsnapshot` in `dir`. */
export function takeHeapSnapshot(dir: string, index: number): string {
  fs.mkdirSync(dir, { recursive: true });
  getGc()();
  return v8.writeHeapSnapshot(path.join(dir, `snap-${String(index).padStart(2, '0')}.heapsnapshot`));
}

export async function analyseHeapGrowth(snapshotDir: string, workDir: string): Promise<HeapGrowthReport> {
  fs.rmSync(workDir, { recursive: true, force: true });
  const snapshots = fs.readdirSync(snapshotDir).filter((f) => f.endsWith('.heapsnapshot')).sort();
  const analysis = new heapAnalysis.ObjectUnboundGrowthAnalysis();
  const { analysisOutputFile } = await analysis.analyzeSnapshotsInDirectory(snapshotDir, { workDir });
  const csv = (memlabCore as unknown as { config: { unboundObjectCSV: string } }).config.unboundObjectCSV;
  const growing: GrowingObject[] = fs.existsSync(csv)
    ? fs
        .readFileSync(csv, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => /^(.*),(\d+),(object|closure|regexp),([\d,]+)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ name: m[1]!, id: m[2]!, type: m[3]!, history: m[4]!.split(',').map(Number) }))
    : [];
  const monotonic = growing.filter((o) => o.history.every((v, i) => i === 0 || v >= o.history[i - 1]!) && o.history.at(-1)! > o.history[0]!);
  return { snapshots, growing, monotonic, analysisOutputFile };
}
