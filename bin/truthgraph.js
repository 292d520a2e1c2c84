#!/usr/bin/env node
// Entry point of `npx truthgraph`: runs the TypeScript sources through tsx (no build step).
//
// Long command lines: onnxruntime-node 1.30 on Linux crashes natively (SIGSEGV) while creating a
// session when the process's command line is long (~29,000 bytes in the main thread, ~15,000 in a
// worker thread), even if process.argv is emptied: it reads /proc/self/cmdline itself
// (docs/onnxruntime-long-argv.md). So when the arguments exceed INLINE_ARGV_BYTES, this script
// re-executes itself with a short command line and hands the arguments to the new process over a
// pipe on fd 3 (not the environment, which shares the same stack). Texts over the CLI's own limit
// are then refused with the way to pass them (--file, or stdin with `-`) before any model loads.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const INLINE_ARGV_BYTES = 8 * 1024;
const ARGS_FD_ENV = 'TRUTHGRAPH_ARGS_FD';

/** The arguments, from argv or from the pipe of the process that re-executed us. */
function receivedArgs() {
  const fd = process.env[ARGS_FD_ENV];
  if (fd === undefined) return process.argv.slice(2);
  delete process.env[ARGS_FD_ENV]; // not inherited by our own children (database server, workers)
  const args = JSON.parse(readFileSync(Number(fd), 'utf8'));
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error(`fd ${fd}: not an argument list`);
  return args;
}

/** Runs this script again with a short command line; resolves with its exit code (or re-raises its signal). */
function reexecWithArgsOnPipe(args) {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [ARGS_FD_ENV]: '3' },
  });
  child.stdio[3].on('error', () => {}); // the child may exit before reading (e.g. killed)
  child.stdio[3].end(JSON.stringify(args));
  // A terminal's Ctrl-C reaches both processes; a signal sent to this pid alone is passed on.
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exitCode = code ?? 1;
    }
  });
}

const fromPipe = process.env[ARGS_FD_ENV] !== undefined;
const args = receivedArgs();
const argvBytes = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
if (!fromPipe && argvBytes > INLINE_ARGV_BYTES) {
  reexecWithArgsOnPipe(args);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../src/cli/main.ts');
  const { processIo } = await import('../src/shared/io.ts');
  process.exitCode = await run(args, processIo());
}
