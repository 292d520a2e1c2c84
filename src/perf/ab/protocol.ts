// The lockstep protocol between the A/B conductor (main process of `npm run perf -- --base`) and
// the two sides' processes: newline-delimited JSON over a unix socket. Workers announce
// checkpoints and wait; the conductor lets one side run at a time and drives paired samples.

export type Side = 'base' | 'head';
export const SIDES: readonly Side[] = ['base', 'head'];
export const otherSide = (s: Side): Side => (s === 'base' ? 'head' : 'base');

/**
 * Where a side waits for its turn. `file`: a suite file starts (before its hooks); `test`: a test
 * starts; `measure`: a timing metric is warmed up and ready to sample; `end`: a suite file ended.
 */
export type CheckpointKind = 'file' | 'test' | 'measure' | 'end';

/** How a paired measure() samples: sent with its checkpoint, used by the conductor's stop rule. */
export interface PairPlan {
  /** Smallest relative change that matters (the metric's tolerance). */
  tolerance: number;
  minPairs: number;
  maxPairs: number;
  /** Time cap of the paired sampling of this metric in this round (both sides together). */
  maxTimeMs: number;
}

export interface Checkpoint {
  kind: CheckpointKind;
  /** Suite name (file name without .perf.ts). */
  suite: string;
  /** Test full name (test, measure) or metric name (measure). */
  test?: string;
  metric?: string;
  /** `file`: the full names of the tests that will run in this file (divergence resolution). */
  tests?: string[];
  pair?: PairPlan;
}

/** The identity of a checkpoint: the same place in both sides' runs has the same key. */
export function checkpointKey(c: Checkpoint): string {
  switch (c.kind) {
    case 'file':
    case 'end':
      return `${c.kind}|${c.suite}`;
    case 'test':
      return `test|${c.suite}|${c.test ?? ''}`;
    case 'measure':
      return `measure|${c.suite}|${c.metric ?? ''}`;
  }
}

export function describeCheckpoint(c: Checkpoint): string {
  switch (c.kind) {
    case 'file':
      return `start of suite ${c.suite}`;
    case 'end':
      return `end of suite ${c.suite}`;
    case 'test':
      return `test "${c.test}" of ${c.suite}`;
    case 'measure':
      return `metric ${c.suite} › ${c.metric}`;
  }
}

/** Side -> conductor. */
export type ToConductor =
  | { type: 'hello'; side: Side; pid: number; role: 'worker' | 'main' }
  | { type: 'arrive'; checkpoint: Checkpoint }
  /** main process: the suite files this side will run, in order. */
  | { type: 'files'; suites: string[] }
  | { type: 'prepared'; warmupCalls: number; iterations: number }
  | { type: 'sample'; wallNs: number; cpuNs: number; iterations: number; clock: 'wall' | 'cpu' };

/** Conductor -> side. */
export type ToSide =
  /** Run on (to the next checkpoint). `paired` false: the other side has no such checkpoint here. */
  | { type: 'go'; paired: boolean }
  /** measure(): warm up (with these counts when given, so both sides do the same calls). */
  | { type: 'prepare'; warmupCalls?: number; iterations?: number }
  | { type: 'sample' }
  /** measure(): paired sampling is over; `pairs` were taken. */
  | { type: 'stop'; pairs: number }
  | { type: 'error'; message: string };

export function encode(message: ToConductor | ToSide): string {
  return JSON.stringify(message) + '\n';
}

/** Splits a byte stream into JSON messages (one per line). */
export function lineDecoder<T>(onMessage: (m: T) => void): (chunk: Buffer | string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) onMessage(JSON.parse(line) as T);
    }
  };
}
