#!/usr/bin/env node
// Entry point of `npx truthgraph`: runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');
const { processIo } = await import('../src/shared/io.ts');
process.exitCode = await run(process.argv.slice(2), processIo());
