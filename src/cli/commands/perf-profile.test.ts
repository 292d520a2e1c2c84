// `truthgraph perf profile` and `perf profile-diff` as functions of (argv, io): argument errors name
// the valid values; the cpu and heap tools run the real embeddings workload (one short iteration)
// in a plain Node process and leave their artefacts, indexed and linked from the run they join.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../main.ts';
import { memoryIo } from '../../shared/io.ts';
import { writeReports } from '../../perf/report/writer.ts';
import { syntheticRun } from '../../perf/report/test-fixtures.ts';
import { planProfile } from './perf-profile.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-perf-profile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = memoryIo({ cwd: tmp, env: { ...process.env, TRUTHGRAPH_DB_PROVIDER: 'embedded' } });
  const code = await run(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const flags = { tool: 'cpu', duration: '1', minIterations: '1', reportsDir: 'reports' };

describe('perf profile arguments', () => {
  it('names the valid suites, tools and metrics when one is wrong', async () => {
    const suite = await cli('perf', 'profile', 'embedings');
    expect(suite.code).toBe(2);
    expect(suite.err).toContain('no workloads for suite "embedings"');
    expect(suite.err).toContain('embeddings, nli, pipeline, memory');
    const tool = await cli('perf', 'profile', 'nli', '--tool', 'cpu,perf');
    expect(tool.code).toBe(2);
    expect(tool.err).toContain('unknown profiling tool "perf"');
    expect(tool.err).toContain('cpu, 0x, clinic-doctor, clinic-flame, clinic-bubbleprof, heap, memlab');
    const metric = await cli('perf', 'profile', 'nli', '--metric', 'nli int8 b3 short');
    expect(metric.code).toBe(2);
    expect(metric.err).toContain('"nli int8 b16 short"');
    expect((await cli('perf', 'profile', 'nli', '--duration', '0')).err).toContain('--duration must be a positive number');
    // A folder with someone's files in it is never wiped for a profile.
    fs.mkdirSync(path.join(tmp, 'mine'));
    fs.writeFileSync(path.join(tmp, 'mine', 'notes.txt'), 'keep');
    const out = await cli('perf', 'profile', 'embeddings', '--out', 'mine');
    expect(out.code).toBe(2);
    expect(out.err).toContain('is not empty and holds no earlier profile');
    expect(fs.readFileSync(path.join(tmp, 'mine', 'notes.txt'), 'utf8')).toBe('keep');
  });

  it('plans one folder per tool under reports/<run-id>/profiles/<suite>/', () => {
    const plan = planProfile('pipeline', { ...flags, tool: 'cpu,memlab', run: 'r9' }, tmp);
    expect(plan.metric).toBe('batch throughput (100 claims)');
    expect(plan.dirs).toEqual({
      cpu: path.join(tmp, 'reports', 'r9', 'profiles', 'pipeline', 'cpu'),
      memlab: path.join(tmp, 'reports', 'r9', 'profiles', 'pipeline', 'memlab'),
    });
    expect(planProfile('memory', { ...flags, metric: 'verify cycle rss peak' }, tmp).metric).toBe('verify cycle');
    expect(planProfile('embeddings', { ...flags, out: 'x' }, tmp).dirs).toEqual({ cpu: path.join(tmp, 'x') });
  });
});

describe('perf profile tools', () => {
  it('cpu and heap: artefacts, index, the run\'s reports link them, and the cpu profile diffs', async () => {
    const reports = path.join(tmp, 'reports');
    writeReports({ ...syntheticRun(), runId: 'r1' }, reports);
    const r = await cli('perf', 'profile', 'embeddings', '--tool', 'cpu,heap', '--duration', '0.2', '--min-iterations', '1', '--run', 'r1');
    expect(r.err).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const dir = path.join(reports, 'r1', 'profiles', 'embeddings');
    const cpu = JSON.parse(fs.readFileSync(path.join(dir, 'cpu', 'workload.cpuprofile'), 'utf8')) as { nodes: Array<{ callFrame: { functionName: string; url: string; lineNumber: number } }> };
    // The main thread's profile, its TypeScript frames mapped back to their .ts lines.
    const pool = cpu.nodes.find((n) => n.callFrame.functionName === 'meanPoolNormalize' && n.callFrame.url.endsWith('/pooling.ts'));
    expect(pool?.callFrame.lineNumber).toBeGreaterThan(0);
    const workload = JSON.parse(fs.readFileSync(path.join(dir, 'cpu', 'workload.json'), 'utf8')) as { metric: string; iterations: number };
    expect(workload).toMatchObject({ metric: 'embed int8 b32 short' });
    expect(workload.iterations).toBeGreaterThanOrEqual(1);
    expect(fs.statSync(path.join(dir, 'heap', 'workload.heapprofile')).size).toBeGreaterThan(0);
    expect(fs.statSync(path.join(dir, 'heap', 'after-iterations.heapsnapshot')).size).toBeGreaterThan(0);
    const index = fs.readFileSync(path.join(reports, 'r1', 'profiles', 'index.md'), 'utf8');
    expect(index).toContain('## embeddings / cpu');
    expect(index).toContain('[embeddings/heap/workload.heapprofile](embeddings/heap/workload.heapprofile)');
    expect(fs.readFileSync(path.join(reports, 'r1', 'report.html'), 'utf8')).toContain('profiles/index.md');
    expect(r.out).toContain('cpu: reports/r1/profiles/embeddings/cpu/workload.cpuprofile');

    const diff = await cli('perf', 'profile-diff', path.join(dir, 'cpu'), path.join(dir, 'cpu'), '--out', 'diff');
    expect(diff.code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'diff', 'profile-diff.md'), 'utf8')).toMatch(/\| `meanPoolNormalize` \| src\/truthgraph\/embedding\/pooling\.ts:\d+ \|/);
    expect(fs.readFileSync(path.join(tmp, 'diff', 'profile-diff.html'), 'utf8')).toMatch(/^<!doctype html>/);
  }, 60_000);
});
