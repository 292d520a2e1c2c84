// The fixed command line of a counted process. Every flag is recorded in the run context, so a
// count is only ever compared with one taken the same way (docs/instruction-counts.md has the
// measurements behind each choice).
import { MARKER_FUNCTION } from './driver.ts';

/**
 * V8/Node flags:
 * - `--single-threaded`: no background compiler or GC threads, so JIT tier-up and GC work happen
 *   on the main thread at points fixed by the program, not by thread timing.
 * - `--predictable`: fixed Math.random seed, no memory reducer, deterministic V8 heuristics.
 * - `--predictable-gc-schedule`: fixed semi-space size and heap growing, so GC points do not depend
 *   on the machine's memory (V8 sizes its heap from physical memory otherwise).
 * - `--max-old-space-size=2048`: the same heap limit on every machine, for the same reason.
 * - `--expose-gc`: the driver collects garbage before each marker.
 * - `--no-opt`: no TurboFan. With it, optimising compilation still happened inside the measured
 *   parts after any warm-up we could afford (35 M instructions of compiler in the N part of a 5 M
 *   instruction workload), and TurboFan's own count varies from run to run (its hash tables are
 *   keyed by addresses). Counts are then those of the interpreter and Sparkplug: the same JS work
 *   costs more instructions than optimised code, and a change of work moves them the same way.
 * - `--always-sparkplug`: baseline code is compiled on a function's first call (in set-up or
 *   warm-up), not when a budget runs out in the middle of a measured part.
 * - `--random-seed=1`: V8 also seeds the addresses it asks mmap for from it (random otherwise), and
 *   addresses feed hashes that change the work: the megamorphic stub cache is keyed by map
 *   addresses, so its misses (slow property lookups) and the sweeper's work varied between runs
 *   (baseline JSON parse + validation: 0.14% between two runs).
 */
export const NODE_FLAGS: readonly string[] = [
  '--single-threaded',
  '--predictable',
  '--predictable-gc-schedule',
  '--max-old-space-size=2048',
  '--expose-gc',
  '--no-opt',
  '--always-sparkplug',
  '--random-seed=1',
];

/**
 * Environment of the counted process (on top of the parent's, NODE_OPTIONS emptied):
 * - `GLIBC_TUNABLES=glibc.malloc.tcache_count=65535`: glibc keeps every freed small chunk
 *   (up to 1,032 bytes) in its per-thread cache instead of at most 7 per size. With the default,
 *   which of malloc's slower paths an allocation takes (`_int_malloc`, `malloc_consolidate`,
 *   `unlink_chunk`) depended on the free lists left by everything the process did before, and that
 *   history is not the same twice (among other things, a V8 clean-up job runs on Node's platform
 *   worker thread or on the main thread depending on timing): onnxruntime's allocations per
 *   run then cost ~3,400 instructions more in one process than in another (0.25% per operation).
 *   With the cache unbounded, a steady state of the same allocations and frees per operation is
 *   served from the cache whatever came before. It changes counts (fewer malloc instructions),
 *   so it is recorded with the flags.
 */
export const COUNTED_ENV: Readonly<Record<string, string>> = {
  GLIBC_TUNABLES: 'glibc.malloc.tcache_count=65535',
};

/**
 * callgrind: count instructions only (no cache simulation), and dump-and-zero the counters each
 * time the driver's marker function is entered, so each part lands in its own file.
 */
export const VALGRIND_FLAGS: readonly string[] = ['--tool=callgrind', `--dump-before=${MARKER_FUNCTION}`, '--cache-sim=no', '--branch-sim=no'];
