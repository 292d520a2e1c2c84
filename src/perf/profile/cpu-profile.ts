// On-demand CPU profiles of perf suites through the inspector protocol (the same data as
// `node --cpu-prof`, which vitest's forked workers never flush because they are terminated):
// a .cpuprofile per suite, opened in Chrome DevTools (Performance > Load profile) or speedscope.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

let session: Session | undefined;

export async function startCpuProfile(samplingIntervalUs = 1000): Promise<void> {
  if (session) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await session.post('Profiler.start');
}

/** Stop and write the profile; returns the file written (undefined if none was running). */
export async function stopCpuProfile(file: string): Promise<string | undefined> {
  if (!session) return undefined;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}
