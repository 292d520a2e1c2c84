// The body of the one sticky PR comment, and gate.json, the record the PR workflow uploads so
// that the commenting workflow (which runs no PR code) can re-render it. Pure.
import { z } from 'zod';
import { renderSummaryMarkdown } from '../../report/markdown.ts';
import type { RunResult } from '../../metrics/run-result.ts';
import type { GateResult } from './gate.ts';

/** Hidden marker that identifies our comment among the PR's comments (one per PR, updated). */
export const COMMENT_MARKER = '<!-- truthgraph-perf-gate -->';
/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_000;

export const gateRecordSchema = z.object({
  schemaVersion: z.literal(1),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  verdict: z.enum(['pass', 'regression', 'harness-error']),
  headline: z.string(),
  problems: z.array(z.string()),
  harnessErrors: z.array(z.string()),
  failing: z.array(z.string()),
  event: z.string(),
  headSha: z.string().nullable(),
  baseSha: z.string().nullable(),
  /** The PR the run was for and its head commit; the commenting workflow checks both with the API. */
  pullRequest: z.object({ number: z.number().int().positive(), headSha: z.string() }).nullable(),
  runUrl: z.string().nullable(),
  expectedShards: z.number().int().positive(),
});
export type GateRecord = z.infer<typeof gateRecordSchema>;

export interface GateRecordMeta {
  event: string;
  headSha: string | null;
  baseSha: string | null;
  pullRequest: { number: number; headSha: string } | null;
  runUrl: string | null;
  expectedShards: number;
}

export function gateRecord(gate: GateResult, meta: GateRecordMeta): GateRecord {
  const { exitCode, verdict, headline, problems, harnessErrors, failing } = gate;
  return { schemaVersion: 1, exitCode, verdict, headline, problems, harnessErrors, failing, ...meta };
}

const TITLE: Record<GateRecord['verdict'], string> = {
  pass: '✅ no regression',
  regression: '🔴 regression or budget failure',
  'harness-error': '⚠️ harness error: the gate could not judge every suite',
};

const short = (sha: string | null): string => (sha ? `\`${sha.slice(0, 7)}\`` : '`?`');

export function renderComment(gate: GateRecord, run: RunResult | undefined): string {
  const head = [
    COMMENT_MARKER,
    `## Performance gate: ${TITLE[gate.verdict]} (exit ${gate.exitCode})`,
    '',
    `${gate.baseSha ? `base ${short(gate.baseSha)} → ` : ''}head ${short(gate.headSha)}${run ? ` · mode \`${run.mode}\`, profile \`${run.profile}\`, runner \`${run.environmentClass}\`` : ''}${gate.runUrl ? ` · [workflow run](${gate.runUrl})` : ''}`,
    '',
    `> ${gate.headline}`,
    '',
  ];
  if (gate.problems.length > 0) head.push(`### Shards and suites (${gate.expectedShards} shard(s) expected)`, '', ...gate.problems.map((p) => `- ${p}`), '');
  const tail = ['', '<sub>Exit codes: 0 pass, 1 regression or budget failure, 2 harness error. The full report (HTML, JSON) is the `perf-report` artifact of the workflow run.</sub>', ''];
  // The run's own summary, one heading level down under the gate's.
  let summary = run ? renderSummaryMarkdown(run).replace(/^## /m, '### ') : '_No shard brought a report: nothing was measured._\n';
  const room = COMMENT_LIMIT - head.join('\n').length - tail.join('\n').length;
  if (summary.length > room) {
    const note = '\n\n_(cut to fit a PR comment: see the job summary or the `perf-report` artifact for every metric)_\n';
    summary = summary.slice(0, Math.max(0, room - note.length)).replace(/\n[^\n]*$/, '') + note;
  }
  return [...head, summary, ...tail].join('\n');
}
