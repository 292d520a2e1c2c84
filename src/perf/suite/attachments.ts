// perf.attach(): a suite's own tables (batch-size recommendations, index parameters per corpus
// size, bottleneck breakdowns) become part of the run result, so report.json, summary.md and
// report.html carry them beside the metrics. Test workers are separate processes, so an
// attachment travels as a file in the run's report folder; the reporter reads them when the run
// ends (src/perf/runner/reporter.ts).
import { writeFileAtomic } from '../baseline/atomic-write.ts';
import { attachmentFile } from '../report/attachments.ts';
import type { Attachment } from '../metrics/run-result.ts';
import { harnessOptions } from './worker-state.ts';

/**
 * Attach a table to the run: `data` is kept as JSON (machines), `markdown` is shown in the reports
 * (people). Returns the file written, or undefined when the suite runs outside `npm run perf`
 * (plain `vitest --project perf` has no run folder).
 */
export function attach(suite: string, name: string, data: unknown, markdown?: string): string | undefined {
  const o = harnessOptions();
  if (!o.runId || !o.writeReports) return undefined;
  const attachment: Attachment = { suite, name, profile: o.profile, data, ...(markdown !== undefined && { markdown }) };
  const file = attachmentFile(o.reportsDir, o.runId, suite, name);
  writeFileAtomic(file, JSON.stringify(attachment, null, 2) + '\n');
  return file;
}
