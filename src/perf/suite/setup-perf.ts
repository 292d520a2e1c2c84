// setupFiles of the perf project: registers the matchers; when asked (`--cpu-prof`,
// `--heap-snapshot`), profiles each suite file into <reports>/profiles/; in an A/B run, announces
// the suite file, each test and the file's end to the conductor, so the two sides take turns.
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import './matchers.ts';
import { startCpuProfile, stopCpuProfile } from '../profile/cpu-profile.ts';
import { writeHeapSnapshot } from '../profile/heap-snapshot.ts';
import { harnessOptions } from './worker-state.ts';
import { waitTurn } from './ab-turns.ts';

const options = harnessOptions();
const dir = path.join(options.reportsDir, options.runId ?? 'unnamed-run', 'profiles');
let suite = 'suite';

interface TaskLike {
  type?: string;
  name: string;
  mode?: string;
  tasks?: TaskLike[];
  filepath?: string;
  file?: { filepath?: string };
  fullTestName?: string;
}

const suiteNameOf = (file: TaskLike): string => path.basename(file.filepath ?? file.file?.filepath ?? 'suite').replace(/\.(perf|selftest|test|fixture)\.[cm]?[jt]s$/, '');

/** Full names of the tests of a file that will run (skipped and todo tests are left out). */
function plannedTests(task: TaskLike, prefix: string[] = []): string[] {
  const out: string[] = [];
  for (const t of task.tasks ?? []) {
    if (t.mode === 'skip' || t.mode === 'todo') continue;
    if (t.type === 'test') out.push(t.fullTestName ?? [...prefix, t.name].join(' > '));
    else out.push(...plannedTests(t, [...prefix, t.name]));
  }
  return out;
}

if (options.cpuProfile || options.heapSnapshot) {
  // vitest reads the first parameter as a fixture pattern: it must be object destructuring.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(async ({}, file) => {
    suite = suiteNameOf(file as unknown as TaskLike);
    if (options.cpuProfile) await startCpuProfile();
  });
  afterAll(async () => {
    if (options.cpuProfile) await stopCpuProfile(path.join(dir, `${suite}.cpuprofile`));
    if (options.heapSnapshot) writeHeapSnapshot(dir, suite);
  });
}

if (options.abSide) {
  let abSuite = 'suite';
  // A hook may wait as long as the other side's longest test: the conductor times waits out itself
  // (naming the side and checkpoint), so vitest's hook timeout must not cut them short first.
  const WAIT_MS = 6 * 3_600_000;
  // Registered before the suite's own hooks: a file's set-up runs after its start checkpoint.
  // vitest reads the first parameter as a fixture pattern: it must be object destructuring.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(async ({}, file) => {
    abSuite = suiteNameOf(file as unknown as TaskLike);
    await waitTurn({ kind: 'file', suite: abSuite, tests: plannedTests(file as unknown as TaskLike) });
  }, WAIT_MS);
  beforeEach(async ({ task }) => {
    const t = task as unknown as TaskLike;
    await waitTurn({ kind: 'test', suite: abSuite, test: t.fullTestName ?? t.name });
  }, WAIT_MS);
  afterAll(async () => {
    await waitTurn({ kind: 'end', suite: abSuite });
  }, WAIT_MS);
}
