// Which suites an A/B run profiles on both sides, how a base without named workloads gets them, and
// where the diff's top lines show (summary.md, hence the PR comment; report.html).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { renderSummaryMarkdown } from '../report/markdown.ts';
import { renderHtml } from '../report/html.ts';
import { syntheticRun } from '../report/test-fixtures.ts';
import { ensureWorkloadFiles, regressedSuites } from './profile-regressions.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ab-profile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('A/B profile diffs', () => {
  it('profiles each suite with a REGRESSED metric once, with its first regressed metric', () => {
    const m = (suite: string, name: string, status: string) => ({ suite, name, decision: { status } }) as never;
    const run = { metrics: [m('nli', 'nli int8 b16 short', 'PASS'), m('embeddings', 'embed int8 b32 short', 'REGRESSED'), m('embeddings', 'embed fp32 b32 short', 'REGRESSED'), m('pipeline', 'claim latency', 'BUDGET-FAIL')] };
    expect(regressedSuites(run)).toEqual([{ suite: 'embeddings', metric: 'embed int8 b32 short' }]);
  });

  it('copies head\'s workload files into a base that has none, and leaves a base that has them alone', () => {
    const base = path.join(tmp, 'base');
    fs.mkdirSync(path.join(base, 'perf-tests', 'workloads'), { recursive: true });
    fs.writeFileSync(path.join(base, 'perf-tests', 'workloads', 'embeddings-workload.ts'), '// base own\n');
    const copied = ensureWorkloadFiles(PROJECT_ROOT, base);
    expect(copied).toContain('perf-tests/workloads/run-workload.ts');
    expect(copied).not.toContain('perf-tests/workloads/embeddings-workload.ts');
    expect(fs.readFileSync(path.join(base, 'perf-tests', 'workloads', 'embeddings-workload.ts'), 'utf8')).toBe('// base own\n');
    expect(ensureWorkloadFiles(PROJECT_ROOT, base)).toEqual([]);
  });

  it('summary.md and report.html carry the top lines of each diff', () => {
    const headline = '`meanPoolNormalize` (src/truthgraph/embedding/pooling.ts:8) self time +31% (4.10 -> 5.40 ms per iteration)';
    const run = { ...syntheticRun(), profileDiffs: [{ suite: 'embeddings', metric: 'embed int8 b32 short', path: 'profiles/embeddings/profile-diff.md', headlines: [headline] }] };
    const md = renderSummaryMarkdown(run);
    expect(md).toContain('### Where the time went (CPU profile diff, base vs head, same workload)');
    expect(md).toContain(`- ${headline}`);
    // Before the long tables: what a PR comment cut to size keeps.
    expect(md.indexOf('Where the time went')).toBeLessThan(md.indexOf('All metrics'));
    expect(renderHtml(run)).toContain('href="profiles/embeddings/profile-diff.html"');
  });
});
