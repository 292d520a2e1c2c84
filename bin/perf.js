#!/usr/bin/env node
// `npm run perf [-- --filter x --quick --save-baseline --force --reason r --no-baseline --strict]`:
// runs the vitest perf project through the node API with the perf reporter (src/perf/runner).
// Exit codes: 0 pass, 1 regression or budget failure, 2 harness error.
import { register } from 'tsx/esm/api';

register();
const { runPerf } = await import('../src/perf/runner/run-perf.ts');
const { processIo } = await import('../src/shared/io.ts');
process.exitCode = await runPerf(process.argv.slice(2), processIo());
