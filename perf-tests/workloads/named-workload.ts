// A named workload: what a perf suite measures for one metric, as a function that runs the same in
// a vitest worker (the suite's measure() calls it) and in a plain Node process (run-workload.ts,
// which the profilers wrap: clinic, 0x and `node --cpu-prof` cannot reach into vitest's workers).
// One iteration = one call the suite times, so a profile's per-iteration figures match the metric.

/** A workload opened for running: the models, database and inputs it needs are loaded. */
export interface OpenWorkload {
  /** One iteration: the call the suite's metric times. */
  iteration(): Promise<unknown>;
  /** Items one iteration processes (texts, pairs, claims), for per-item figures. */
  itemsPerIteration: number;
  /** What an item is (texts, pairs, claims). */
  unit: string;
  close(): Promise<void>;
}

export interface NamedWorkload {
  /** The perf suite (file perf-tests/<suite>.perf.ts) whose metric this is. */
  suite: string;
  /** The metric the suite records from this workload (baselines are keyed by it). */
  metric: string;
  description: string;
  open(): Promise<OpenWorkload>;
}
