// What a counted process's instruction count depends on besides the code and its inputs: Node and
// V8 (the JIT and the runtime), valgrind, glibc (malloc and string functions run inside the count),
// the flags both are started with, the CPU (onnxruntime picks its kernels by CPU features) and the
// environment variables that tune malloc, threads or onnxruntime.
import fs from 'node:fs';
import os from 'node:os';
import { COUNTED_ENV, NODE_FLAGS, VALGRIND_FLAGS } from './flags.ts';

function cpuFacts(): string {
  const info = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const field = (name: string): string => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  return `${os.arch()} ${os.cpus()[0]?.model ?? 'unknown cpu'} | ${field('flags')}`;
}

function glibcVersion(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ?? 'no glibc';
}

export function countingEnvironment(valgrindVersion: string): string[] {
  return [
    `node ${process.versions.node}`,
    `v8 ${process.versions.v8}`,
    `valgrind ${valgrindVersion}`,
    `glibc ${glibcVersion()}`,
    `node flags ${NODE_FLAGS.join(' ')}`,
    `valgrind flags ${VALGRIND_FLAGS.join(' ')}`,
    `counted env ${Object.entries(COUNTED_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    `cpu ${cpuFacts()}`,
    // Variables the counted process inherits that steer malloc, threads or onnxruntime.
    ...Object.entries(process.env)
      .filter(([name]) => /^(MALLOC_|GLIBC_TUNABLES|OMP_|ORT_|UV_THREADPOOL)/.test(name))
      .map(([name, value]) => `env ${name}=${value}`)
      .sort(),
  ];
}
