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

export interface RetainerTrace {
  name: string;
  id: string;
  /** Retained size (bytes) in each snapshot. */
  history: number[];
  /** Shortest path from the GC roots to the object in the last snapshot, e.g. "(GC roots) --7--> ... --embedder--> OnnxEmbedder". */
  path: string;
}

const growth = (o: GrowingObject): number => o.history.at(-1)! - o.history[0]!;

/** Growth (bytes, first to last snapshot) from which a steady growth is called a possible leak. */
export const LEAK_GROWTH_BYTES = 64 * 1024;

/**
 * Retainer traces of the `n` objects that grew most (those that grew in every snapshot first):
 * memlab loads the last snapshot with its shortest paths from the GC roots (seconds per 40 MB).
 */
export async function retainerTraces(snapshotDir: string, report: HeapGrowthReport, n = 3): Promise<RetainerTrace[]> {
  const byGrowth = (xs: GrowingObject[]) => [...xs].sort((a, b) => growth(b) - growth(a));
  const picked = [...byGrowth(report.monotonic), ...byGrowth(report.growing.filter((o) => !report.monotonic.includes(o)))].slice(0, n);
  const last = report.snapshots.at(-1);
  if (picked.length === 0 || !last) return [];
  const heap = await heapAnalysis.getFullHeapFromFile(path.join(snapshotDir, last));
  return picked.map((o) => {
    const node = heap.getNodeById(Number(o.id));
    const hops: string[] = [];
    for (let at = node, guard = 0; at?.pathEdge && guard < 30; guard++) {
      const edge = at.pathEdge;
      hops.unshift(`${edge.fromNode.name || '(root)'} --${edge.name_or_index}--> `);
      at = edge.fromNode;
    }
    return { name: o.name, id: o.id, history: o.history, path: node ? `${hops.join('')}${node.name}` : '(not in the last snapshot)' };
  });
}

/**
 * One sentence naming the object that grew most in every snapshot and its retainer path: a
 * possible leak when it grew by LEAK_GROWTH_BYTES or more, else the largest steady growth.
 */
export function leakVerdict(report: HeapGrowthReport, traces: readonly RetainerTrace[]): string {
  const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
  const steady = traces.find((t) => report.monotonic.some((m) => m.id === t.id));
  if (!steady) return `no leak: no object grew in every one of the ${report.snapshots.length} snapshots`;
  const grew = steady.history.at(-1)! - steady.history[0]!;
  const what = `\`${steady.name}\` @${steady.id}, which grew in every snapshot (${kb(steady.history[0]!)} -> ${kb(steady.history.at(-1)!)}), retained via ${steady.path}`;
  return grew >= LEAK_GROWTH_BYTES ? `possible leak: ${what}` : `no leak above ${kb(LEAK_GROWTH_BYTES)}: the largest steady growth is ${what}`;
}
