// Instructions per operation of the product's CPU-bound paths, counted under valgrind's callgrind:
// no noise, so a 1% change is a verdict on any machine with the same Node, V8 and valgrind
// (docs/instruction-counts.md). The workloads are declared once, in instructions/workloads.ts;
// the harness runs that file, bundled, in plain Node processes. Without valgrind every test is
// SKIPPED with the install command.
import { describe, expect, it } from 'vitest';
import { instructionCounter } from '../src/perf/suite/index.ts';
import workloads from './instructions/workloads.ts';

// PERF_INSTRUCTION_REPEATS=5 counts each workload in 5 processes (5 samples: their spread is the
// repeatability check); PERF_INSTRUCTION_CONCURRENCY sets how many run at once (default 2);
// PERF_INSTRUCTION_ONLY=<text>[,<text>...] counts only the workloads whose name contains one of them.
const positive = (v: string | undefined): number | undefined => (v && Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : undefined);
const repeats = positive(process.env.PERF_INSTRUCTION_REPEATS);
const concurrency = positive(process.env.PERF_INSTRUCTION_CONCURRENCY);
const only = process.env.PERF_INSTRUCTION_ONLY;
const selected = workloads.filter((w) => !only || only.split(',').some((part) => w.name.includes(part)));
const counter = instructionCounter(new URL('./instructions/workloads.ts', import.meta.url), selected, {
  ...(repeats && { repeats }),
  ...(concurrency && { concurrency }),
});
if (!counter.available) process.stderr.write(`\n${counter.skipReason}\n`);

describe('instructions', () => {
  for (const w of workloads) {
    it(w.name, async (ctx) => {
      if (!selected.includes(w)) ctx.skip(`not selected (PERF_INSTRUCTION_ONLY=${only})`);
      expect(await counter.measure(w.name, ctx)).not.toRegress();
      // Counts all start at once and a test waits for its own: on a loaded machine one counted
      // process took 19 min (docs/instruction-counts.md), beyond the perf project's 15 min default.
    }, 3_600_000);
  }
});
