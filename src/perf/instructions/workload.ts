// How a suite declares an instruction-count workload, once: a name, what one operation is, how
// many operations a measured part runs, and a setup that returns the operation. The declarations
// module lives in perf-tests/ (it may import product code); the harness only ever receives its
// path and runs it, bundled, in a plain Node process under callgrind.

/** One operation; may return a promise (native work such as an ORT run completes asynchronously). */
export type InstructionOp = () => unknown;

export interface InstructionWorkload {
  /** Metric name; unique within the declarations module. */
  name: string;
  /** What one operation is, e.g. `text`, `batch of 32 claims`: the unit is `instructions/<op>`. */
  op: string;
  /** N: the measured parts run N and then 2N operations (per profile). */
  iterations: { full: number; quick: number };
  /** Operations run before the first measured part (JIT tier-up, caches); default: 2N. */
  warmup?: number;
  /** Relative change that counts (default 1%: counts repeat to ~0.01%, see docs/instruction-counts.md). */
  tolerance?: number;
  /** Builds inputs and returns the operation. Runs under callgrind but outside the measured parts. */
  setup(): InstructionOp | Promise<InstructionOp>;
}

/** Validates and freezes the declarations (unique names, positive iteration counts). */
export function defineInstructionWorkloads(list: readonly InstructionWorkload[]): readonly InstructionWorkload[] {
  const seen = new Set<string>();
  for (const w of list) {
    if (!w.name || seen.has(w.name)) throw new Error(`instruction workload name ${JSON.stringify(w.name)} is empty or declared twice`);
    seen.add(w.name);
    for (const n of [w.iterations.full, w.iterations.quick, w.warmup ?? 1]) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`instruction workload "${w.name}": iterations and warmup must be positive integers, got ${n}`);
    }
    if (w.tolerance !== undefined && !(w.tolerance >= 0)) throw new Error(`instruction workload "${w.name}": tolerance must be >= 0, got ${w.tolerance}`);
  }
  return Object.freeze([...list]);
}
