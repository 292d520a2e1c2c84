// setupFiles of the perf project: registers the matchers and, when asked (`--cpu-prof`,
// `--heap-snapshot`), profiles each suite file into <reports>/profiles/.
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import './matchers.ts';
import { startCpuProfile, stopCpuProfile } from '../profile/cpu-profile.ts';
import { writeHeapSnapshot } from '../profile/heap-snapshot.ts';
import { harnessOptions } from './worker-state.ts';

const options = harnessOptions();
const dir = path.join(options.reportsDir, options.runId ?? 'unnamed-run', 'profiles');
let suite = 'suite';

if (options.cpuProfile || options.heapSnapshot) {
  // vitest reads the first parameter as a fixture pattern: it must be object destructuring.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(async ({}, file) => {
    const filepath = (file as { filepath?: string; file?: { filepath?: string } }).filepath ?? (file as { file?: { filepath?: string } }).file?.filepath ?? 'suite';
    suite = path.basename(filepath).replace(/\.(perf|selftest|test|fixture)\.[cm]?[jt]s$/, '');
    if (options.cpuProfile) await startCpuProfile();
  });
  afterAll(async () => {
    if (options.cpuProfile) await stopCpuProfile(path.join(dir, `${suite}.cpuprofile`));
    if (options.heapSnapshot) writeHeapSnapshot(dir, suite);
  });
}
