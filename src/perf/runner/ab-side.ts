// The main process of one side of an A/B run: suite files in one fixed order (by name, the same
// on both sides, whatever vitest's duration cache says) and the list of them announced to the
// conductor, which uses it to tell a suite that exists on one side only from one that comes later.
import path from 'node:path';
import { BaseSequencer, type Reporter, type TestSpecification } from 'vitest/node';
import { LockstepClient } from '../ab/lockstep-client.ts';
import type { AbSideOptions } from '../options.ts';
import { suiteName } from './reporter.ts';

export class SuiteNameSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => path.basename(a.moduleId).localeCompare(path.basename(b.moduleId)));
  }
}

/** vitest file filters for a list of suite names (exact file names, not substrings). */
export function suiteFilters(suites: readonly string[]): string[] {
  return suites.map((s) => `perf-tests/${s}.perf.ts`);
}

export function abPlanReporter(side: AbSideOptions): Reporter {
  let client: LockstepClient | undefined;
  return {
    async onTestRunStart(specifications) {
      const suites = [...specifications].map((s) => suiteName(s.moduleId)).sort((a, b) => a.localeCompare(b));
      client = await LockstepClient.connect(side.socket, side.side, 'main');
      client.send({ type: 'files', suites });
    },
    onTestRunEnd() {
      client?.close();
    },
  };
}
