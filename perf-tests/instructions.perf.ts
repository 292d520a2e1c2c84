// Instructions per operation of the product's CPU-bound paths, counted under valgrind's callgrind:
// no noise, so a 1% change is a verdict on any machine with the same Node, V8 and valgrind
// (docs/instruction-counts.md). The workloads are declared once, in instructions/workloads.ts;
// the harness runs that file, bundled, in plain Node processes. Without valgrind every test is
// SKIPPED with the install command.
import { describe, expect, it } from 'vitest';
import { instructionCounter } from '../src/perf/suite/index.ts';
import workloads from './instructions/workloads.ts';

const counter = instructionCounter(new URL('./instructions/workloads.ts', import.meta.url), workloads);
if (!counter.available) process.stderr.write(`\n${counter.skipReason}\n`);

describe('instructions', () => {
  for (const w of workloads) {
    it(w.name, async (ctx) => {
      expect(await counter.measure(w.name, ctx)).not.toRegress();
    });
  }
});
