// The harness API for perf suites (perf-tests/*.perf.ts):
//   import { measure, record, measureMemory, perf } from '../src/perf/suite/index.ts';
// Importing it also registers the toMeetBudget / toRegress matchers.
import './matchers.ts';
export { measure, record, measureMemory, perf, type MeasureOptions, type RecordOptions, type MemoryMeasureOptions } from './perf-api.ts';
export type { MetricResult, RunResult } from '../metrics/run-result.ts';
export type { Budget } from '../metrics/metric.ts';
export { instructionCounter, type InstructionCounter, type InstructionCounterOptions } from './instructions-api.ts';
export { defineInstructionWorkloads, type InstructionWorkload } from '../instructions/workload.ts';
