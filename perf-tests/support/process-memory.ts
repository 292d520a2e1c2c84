// Process memory readings the harness does not take: the peak RSS of a window (Linux VmHWM, reset
// through /proc/self/clear_refs) and the RSS of child processes (the embedded PGlite server runs in
// its own process). Linux only; elsewhere the functions return undefined and suites say so.
import fs from 'node:fs';

function statusField(pid: number | 'self', field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets the kernel's peak-RSS mark of this process; false where unsupported. */
export function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS (bytes) since the last reset, or since start. */
export function peakRss(): number {
  return statusField('self', 'VmHWM') ?? process.resourceUsage().maxRSS * 1024;
}

/** Runs `fn` and returns the process's peak RSS during it (bytes) with the RSS before. */
export async function peakRssDuring<T>(fn: () => Promise<T>): Promise<{ value: T; beforeBytes: number; peakBytes: number; exact: boolean }> {
  const exact = resetPeakRss();
  const beforeBytes = process.memoryUsage().rss;
  const value = await fn();
  return { value, beforeBytes, peakBytes: peakRss(), exact };
}

/** Child processes of this process whose command line matches `pattern`: pid, RSS and peak RSS. */
export function childProcesses(pattern: RegExp): Array<{ pid: number; rssBytes: number; peakBytes: number; command: string }> {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const out: Array<{ pid: number; rssBytes: number; peakBytes: number; command: string }> = [];
  for (const e of entries) {
    const pid = Number(e);
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (ppid !== process.pid) continue;
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!pattern.test(command)) continue;
      out.push({ pid, rssBytes: statusField(pid, 'VmRSS') ?? 0, peakBytes: statusField(pid, 'VmHWM') ?? 0, command });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
