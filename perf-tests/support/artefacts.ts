// Profiling outputs a suite writes beside the run's reports (batch-size recommendations, heap-growth
// analyses): <reportsDir>/profiles/<suite>-<name>.{json,md}. The harness has no hook to attach
// tables to a suite, so they are files under the configured reports folder, named in the log.
import fs from 'node:fs';
import path from 'node:path';
import { perf } from '../../src/perf/suite/index.ts';

export function profilesDir(): string {
  return path.join(perf.options.reportsDir, 'profiles');
}

/** Writes `<suite>-<name>.json` (and `.md` when given); returns the paths written. */
export function writeArtefact(suite: string, name: string, json: unknown, markdown?: string): string[] {
  const dir = profilesDir();
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `${suite}-${name}`);
  const written = [`${base}.json`];
  fs.writeFileSync(`${base}.json`, JSON.stringify({ profile: perf.quick ? 'quick' : 'full', writtenAt: new Date().toISOString(), ...(json as object) }, null, 2) + '\n');
  if (markdown !== undefined) {
    fs.writeFileSync(`${base}.md`, markdown);
    written.push(`${base}.md`);
  }
  return written;
}
