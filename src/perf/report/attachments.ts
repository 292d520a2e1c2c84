// Where a run's attachments (perf.attach: a suite's own tables) live inside its report folder,
// and how the reporter reads them back. Workers write, the main process reads.
import fs from 'node:fs';
import path from 'node:path';
import type { Attachment } from '../metrics/run-result.ts';

export const ATTACHMENTS_DIR = 'attachments';

/** File of one attachment inside a run's report folder. */
export function attachmentFile(reportsDir: string, runId: string, suite: string, name: string): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-');
  return path.join(reportsDir, runId, ATTACHMENTS_DIR, `${safe(suite)}.${safe(name)}.json`);
}

/** The attachments of a run, in file-name order (suite, then name). */
export function readAttachments(reportsDir: string, runId: string): Attachment[] {
  const dir = path.join(reportsDir, runId, ATTACHMENTS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Attachment);
}
