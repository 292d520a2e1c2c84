#!/usr/bin/env node
// `npm run perf [-- --filter x --quick --save-baseline --force --reason r --no-baseline --strict --db-provider p]`:
// runs the vitest perf project through the node API with the perf reporter (src/perf/runner), on the
// database server prepared for the run (perf-tests/support/run-database.ts).
// Exit codes: 0 pass, 1 regression or budget failure, 2 harness error.
import fs from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { runPerf } = await import('../src/perf/runner/run-perf.ts');
const { processIo } = await import('../src/shared/io.ts');
// An A/B run copies this file over an older base revision, which may predate the run database:
// its suites then choose their database themselves, as they always did.
const hook = new URL('../perf-tests/support/run-database.ts', import.meta.url);
const prepareEnvironment = fs.existsSync(hook) ? (await import(hook.href)).prepareRunDatabase : undefined;
process.exitCode = await runPerf(process.argv.slice(2), processIo(), { prepareEnvironment });
