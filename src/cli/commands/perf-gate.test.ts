// The PR gate's merge checks, verdict, annotations, job summary and comment body, driven through
// `truthgraph perf gate` with a recorded GITHUB_* environment and pull_request payload.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run as cli } from '../main.ts';
import { memoryIo } from '../../shared/io.ts';
import { syntheticRun } from '../../perf/report/test-fixtures.ts';
import type { RunResult } from '../../perf/metrics/run-result.ts';
import { annotationsOf } from '../../perf/runner/github/annotations.ts';
import { checkArrivals, readShardArtifacts, type ShardStatus } from '../../perf/runner/github/arrivals.ts';
import { judgeGate } from '../../perf/runner/github/gate.ts';
import { COMMENT_LIMIT, COMMENT_MARKER, gateRecordSchema, renderComment } from '../../perf/runner/github/comment.ts';
import { parseStepOutputs } from '../../perf/runner/github/outputs.ts';
import { finishRun } from '../../perf/runner/finish-run.ts';
import { defaultOptions } from '../../perf/options.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-gate-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const FIXTURES = path.join(import.meta.dirname, '..', '..', 'perf', 'runner', 'github', 'fixtures');
const HEAD = '6d3f2b1c0a9e8d7c6b5a49382716f5e4d3c2b1a0';
const BASE = '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6';

/** One shard's run: the synthetic run restricted to one suite. */
function shardRun(suite: string, shift: number): RunResult {
  const r = syntheticRun({ shift });
  return { ...r, suites: r.suites.filter((s) => s.name === suite), metrics: r.metrics.filter((m) => m.suite === suite) };
}

function writeShards(name: string, shards: { shard: number; exitCode: number; run?: RunResult; headSha?: string }[]): string {
  const dir = path.join(tmp, name);
  for (const s of shards) {
    const folder = path.join(dir, `perf-shard-${s.shard}`);
    fs.mkdirSync(folder, { recursive: true });
    const status: ShardStatus = { shard: s.shard, of: 2, exitCode: s.exitCode, headSha: s.headSha ?? HEAD, baseSha: BASE };
    fs.writeFileSync(path.join(folder, 'shard.json'), JSON.stringify(status));
    if (s.run) fs.writeFileSync(path.join(folder, 'report.json'), JSON.stringify(s.run));
  }
  return dir;
}

const suitesDir = path.join(tmp, 'perf-tests');
fs.mkdirSync(suitesDir, { recursive: true });
for (const s of ['embedding', 'search']) fs.writeFileSync(path.join(suitesDir, `${s}.perf.ts`), '');

function recordedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'env.pull_request.json'), 'utf8')) as Record<string, string>;
  const output = path.join(tmp, `output-${Math.random().toString(36).slice(2)}`);
  const summary = path.join(tmp, `summary-${Math.random().toString(36).slice(2)}.md`);
  fs.writeFileSync(output, '');
  fs.writeFileSync(summary, '');
  return { ...env, GITHUB_EVENT_PATH: path.join(FIXTURES, 'pull_request.synchronize.json'), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...extra };
}

/** Run `truthgraph perf gate` and capture what @actions/core writes to the process's stdout. */
async function gateCli(shardsDir: string, env: NodeJS.ProcessEnv) {
  const out = path.join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const io = memoryIo({ env, cwd: tmp });
  const write = process.stdout.write.bind(process.stdout);
  const commands: string[] = [];
  const oldSummary = process.env.GITHUB_STEP_SUMMARY;
  process.env.GITHUB_STEP_SUMMARY = env.GITHUB_STEP_SUMMARY;
  process.stdout.write = ((chunk: string) => (commands.push(String(chunk)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await cli(['perf', 'gate', shardsDir, '--expect-shards', '2', '--reports-dir', path.join(out, 'reports'), '--out', out, '--suites-dir', suitesDir], io);
  } finally {
    process.stdout.write = write;
    if (oldSummary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = oldSummary;
  }
  const gate = gateRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'gate.json'), 'utf8')));
  return { code, out: io.out.join(''), commands: commands.join(''), gate, comment: fs.readFileSync(path.join(out, 'comment.md'), 'utf8'), outputs: parseStepOutputs(fs.readFileSync(env.GITHUB_OUTPUT!, 'utf8')), summary: fs.readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8') };
}

describe('merge checks: every shard and suite must arrive', () => {
  it('two whole shards with a regression: exit 1, the check error names the metric', async () => {
    const dir = writeShards('regressed', [
      { shard: 1, exitCode: 1, run: shardRun('embedding', 1.3) },
      { shard: 2, exitCode: 0, run: shardRun('search', 1) },
    ]);
    const r = await gateCli(dir, recordedEnv());
    expect(r.code).toBe(1);
    expect(r.gate.verdict).toBe('regression');
    expect(r.gate.headline).toMatch(/^perf gate: regression \(exit 1\): 1 regressed, 1 over budget: embedding › embed batch 32: REGRESSED \+\d+\.\d%; search › top-10 <latency>: BUDGET-FAIL$/);
    expect(r.commands).toContain(`::error title=perf gate::${r.gate.headline.replace(/%/g, "%25")}`);
    expect(r.commands).toMatch(/::error title=perf embedding,file=perf-tests\/embedding.perf.ts::embed batch 32: REGRESSED/);
    expect(r.outputs).toEqual({ 'exit-code': '1', verdict: 'regression' });
    expect(r.gate.pullRequest).toEqual({ number: 42, headSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' });
    expect(r.gate.baseSha).toBe(BASE);
    expect(r.gate.runUrl).toBe('https://github.com/truthgraph/truthgraph-perf/actions/runs/12873465021');
    expect(r.summary).toBe(r.comment);
  });

  it('a shard that never uploaded: exit 2 naming the shard and its suite, even though the other passed', async () => {
    const dir = writeShards('missing', [{ shard: 1, exitCode: 0, run: shardRun('embedding', 1) }]);
    const r = await gateCli(dir, recordedEnv());
    expect(r.code).toBe(2);
    expect(r.gate.problems).toEqual([
      'shard 2/2 did not arrive (no artifact: the job was skipped, cancelled, timed out or failed before its upload)',
      'suite search is missing: no shard reported it',
    ]);
    expect(r.gate.headline).toMatch(/^perf gate: harness error \(exit 2\): shard 2\/2 did not arrive/);
    expect(r.commands).toContain('::error title=perf gate%3A missing::suite search is missing: no shard reported it');
  });

  it('a shard that died before its report, one that died after it, and one that measured another commit', () => {
    const dir = writeShards('died', [
      { shard: 1, exitCode: 2, run: shardRun('embedding', 1) },
      { shard: 2, exitCode: 137, headSha: 'ffffffffffffffffffffffffffffffffffffffff' },
    ]);
    const check = checkArrivals(readShardArtifacts(dir), { shards: 2, suites: ['embedding', 'search'], headSha: HEAD });
    expect(check.problems).toEqual([
      'shard 1/2 exited 2 although its report says 1 (it died after writing the report)',
      'shard 2/2 measured ffffffffffffffffffffffffffffffffffffffff, but the gate is for 6d3f2b1c0a9e8d7c6b5a49382716f5e4d3c2b1a0',
      'shard 2/2 exited 137 without a report.json: its suites are missing',
      'suite search is missing: no shard reported it',
    ]);
    expect(judgeGate(check, 'g').exitCode).toBe(2);
  });

  it('an unreadable artifact, a shard from another matrix and a suite run twice are harness errors', () => {
    const dir = writeShards('odd', [
      { shard: 1, exitCode: 0, run: shardRun('embedding', 1) },
      { shard: 2, exitCode: 0, run: shardRun('embedding', 1) },
    ]);
    fs.mkdirSync(path.join(dir, 'perf-shard-x'));
    fs.writeFileSync(path.join(dir, 'perf-shard-x', 'shard.json'), '{"shard": "one"}');
    const check = checkArrivals(readShardArtifacts(dir), { shards: 2, suites: ['embedding', 'search'] });
    expect(check.problems).toEqual([
      'artifact perf-shard-x: shard.json is malformed (shard: Invalid input: expected number, received string)',
      'suite search is missing: no shard reported it',
      'suite embedding ran in shards 1 and 2',
    ]);
  });

  it('a shard left without a suite (fewer suites than shards) exits 0 with a note; the gate passes on the other shard', () => {
    const empty = finishRun({
      options: { ...defaultOptions(PROJECT_ROOT), print: false, shard: '2/2', filter: 'embedding' },
      runId: 'empty-shard',
      context: syntheticRun().context,
      environmentClass: 'linux-x64-test-2c',
      startedAt: new Date('2024-01-02T00:00:00Z'),
      finishedAt: new Date('2024-01-02T00:01:00Z'),
      metrics: [],
      suites: [],
      errors: [],
    });
    expect(empty.exitCode).toBe(0);
    expect(empty.notes).toContain('shard 2/2 ran no suite: the suites matching --filter embedding all fell to other shards');
    const r = shardRun('embedding', 1);
    const dir = writeShards('empty-shard', [
      { shard: 1, exitCode: 0, run: { ...r, metrics: r.metrics.filter((m) => m.decision.status !== 'BUDGET-FAIL') } },
      { shard: 2, exitCode: 0, run: empty },
    ]);
    expect(judgeGate(checkArrivals(readShardArtifacts(dir), { shards: 2, suites: ['embedding'], headSha: HEAD }), 'g').exitCode).toBe(0);
  });

  it('a shard whose report carries a harness error fails the gate with exit 2, also when the other shard has every suite', () => {
    const broken = { ...shardRun('search', 1), metrics: [], suites: [], errors: ['no perf suite matched --filter typo (perf-tests/**/*.perf.ts)'], exitCode: 2 as const };
    const dir = writeShards('shard-harness-error', [
      { shard: 1, exitCode: 0, run: shardRun('embedding', 1) },
      { shard: 2, exitCode: 2, run: broken },
    ]);
    const g = judgeGate(checkArrivals(readShardArtifacts(dir), { shards: 2, suites: ['embedding'], headSha: HEAD }), 'g');
    expect(g.exitCode).toBe(2);
    expect(g.harnessErrors).toEqual(['no perf suite matched --filter typo (perf-tests/**/*.perf.ts)']);
  });

  it('an unsharded run without any suite is still a harness error', () => {
    const none = finishRun({
      options: { ...defaultOptions(PROJECT_ROOT), print: false, filter: 'typo' },
      runId: 'none',
      context: syntheticRun().context,
      environmentClass: 'linux-x64-test-2c',
      startedAt: new Date('2024-01-02T00:00:00Z'),
      finishedAt: new Date('2024-01-02T00:01:00Z'),
      metrics: [],
      suites: [],
      errors: [],
    });
    expect(none.exitCode).toBe(2);
    expect(none.errors).toEqual(['no perf suite matched --filter typo (perf-tests/**/*.perf.ts)']);
  });

  it('all shards whole and nothing failing: exit 0', () => {
    const pass = (suite: string): RunResult => {
      const r = shardRun(suite, 1);
      return { ...r, metrics: r.metrics.filter((m) => m.decision.status !== 'BUDGET-FAIL') };
    };
    const dir = writeShards('pass', [
      { shard: 1, exitCode: 0, run: pass('embedding') },
      { shard: 2, exitCode: 0, run: pass('search') },
    ]);
    const g = judgeGate(checkArrivals(readShardArtifacts(dir), { shards: 2, suites: ['embedding', 'search'], headSha: HEAD }), 'g');
    expect(g.exitCode).toBe(0);
    expect(g.headline).toMatch(/^perf gate: pass \(exit 0\): 3 metrics/);
  });
});

describe('annotations and comment body', () => {
  it('one error per failing metric, one warning per advisory or inconclusive verdict', () => {
    const anns = annotationsOf(syntheticRun({ shift: 1.3 }));
    expect(anns.map((a) => [a.level, a.title, a.message.split(':')[0], a.file])).toEqual([
      ['error', 'perf embedding', 'embed batch 32', 'perf-tests/embedding.perf.ts'],
      ['error', 'perf search', 'top-10 <latency>', 'perf-tests/search.perf.ts'],
      ['warning', 'perf search', 'queries per claim', 'perf-tests/search.perf.ts'],
    ]);
  });

  it('the comment starts with its marker, names base, head, verdict and the run, and fits in a PR comment', () => {
    const record = gateRecordSchema.parse({
      schemaVersion: 1,
      exitCode: 1,
      verdict: 'regression',
      headline: 'perf gate: regression (exit 1): 1 regressed',
      problems: [],
      harnessErrors: [],
      failing: ['embedding › embed batch 32: REGRESSED +30.0%'],
      event: 'pull_request',
      headSha: HEAD,
      baseSha: BASE,
      pullRequest: { number: 42, headSha: HEAD },
      runUrl: 'https://github.com/o/r/actions/runs/1',
      expectedShards: 3,
    });
    const body = renderComment(record, syntheticRun({ shift: 1.3 }));
    expect(body.split('\n').slice(0, 6)).toEqual([
      COMMENT_MARKER,
      '## Performance gate: 🔴 regression or budget failure (exit 1)',
      '',
      'base `0f1e2d3` → head `6d3f2b1` · mode `compare`, profile `full`, runner `linux-x64-test-2c` · [workflow run](https://github.com/o/r/actions/runs/1)',
      '',
      '> perf gate: regression (exit 1): 1 regressed',
    ]);
    expect(body).toMatch(/^### Performance: 🔴 regression or budget failure$/m);
    const huge = syntheticRun({ shift: 1.3 });
    huge.errors = Array.from({ length: 3000 }, (_, i) => `harness error number ${i} with a long explanation of what went wrong`);
    const cut = renderComment(record, huge);
    expect(cut.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(cut).toContain('cut to fit a PR comment');
  });
});
