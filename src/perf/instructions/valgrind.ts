// Is valgrind here, and which version: instruction counts need it and never fall back to time.
import { execFileSync } from 'node:child_process';

export const VALGRIND_INSTALL = 'apt-get install -y valgrind   (Debian/Ubuntu; macOS: not supported by valgrind on arm64)';

export type ValgrindProbe = { available: true; version: string; annotate: boolean } | { available: false; reason: string; install: string };

let cached: ValgrindProbe | undefined;

export function probeValgrind(): ValgrindProbe {
  if (cached) return cached;
  try {
    const out = execFileSync('valgrind', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    let annotate = true;
    try {
      execFileSync('callgrind_annotate', ['--version'], { stdio: 'ignore' });
    } catch {
      annotate = false;
    }
    cached = { available: true, version: out.replace(/^valgrind-/, ''), annotate };
  } catch (error) {
    cached = { available: false, reason: `valgrind is not installed or not on PATH (${(error as Error).message.split('\n')[0]})`, install: VALGRIND_INSTALL };
  }
  return cached;
}
