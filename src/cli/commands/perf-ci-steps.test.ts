// The steps that talk to GitHub (sticky comment, refresh plan, recheck) against a loopback fake of
// the REST API with recorded event payloads; the refresh's upload checks; the history file; and
// the workflows' own security rules (pins, permissions, credentials, shard count).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { run as cli } from '../main.ts';
import { memoryIo } from '../../shared/io.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { syntheticRun } from '../../perf/report/test-fixtures.ts';
import { buildBaseline, writeBaseline } from '../../perf/baseline/store.ts';
import { appendHistory, historyEntry, readHistory } from '../../perf/runner/history.ts';
import { COMMENT_MARKER, gateRecordSchema } from '../../perf/runner/github/comment.ts';
import { parseStepOutputs } from '../../perf/runner/github/outputs.ts';
import { startFakeApi, type FakeApi } from '../../perf/runner/github/testing/fake-api.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ghsteps-'));
const FIXTURES = path.join(import.meta.dirname, '..', '..', 'perf', 'runner', 'github', 'fixtures');
const fixture = (name: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi({ pulls: { '42': fixture('api.pulls.42.json') } });
});
afterAll(async () => {
  await api.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function env(eventName: string, payload: string): NodeJS.ProcessEnv {
  const base = fixture('env.pull_request.json') as Record<string, string>;
  const output = path.join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(output, '');
  return { ...base, GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: path.join(FIXTURES, payload), GITHUB_API_URL: api.url, GITHUB_TOKEN: 'test-token', GITHUB_OUTPUT: output };
}

async function run(argv: string[], e: NodeJS.ProcessEnv) {
  const io = memoryIo({ env: e, cwd: tmp });
  const code = await cli(argv, io);
  return { code, out: io.out.join(''), err: io.err.join(''), outputs: e.GITHUB_OUTPUT ? parseStepOutputs(fs.readFileSync(e.GITHUB_OUTPUT, 'utf8')) : {} };
}

function artifact(name: string, headSha: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const record = gateRecordSchema.parse({
    schemaVersion: 1,
    exitCode: 1,
    verdict: 'regression',
    headline: 'perf gate: regression (exit 1): 1 regressed',
    problems: [],
    harnessErrors: [],
    failing: [],
    event: 'pull_request',
    headSha: '6d3f2b1c0a9e8d7c6b5a49382716f5e4d3c2b1a0',
    baseSha: '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6',
    pullRequest: { number: 42, headSha },
    runUrl: null,
    expectedShards: 3,
  });
  fs.writeFileSync(path.join(dir, 'gate.json'), JSON.stringify(record));
  fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(syntheticRun({ shift: 1.3 })));
  return dir;
}

describe('perf comment (workflow_run): one sticky comment, only for the commit the run measured', () => {
  it('creates the comment, then updates the same one', async () => {
    const e = env('workflow_run', 'workflow_run.completed.json');
    const first = await run(['perf', 'comment', artifact('a1', HEAD)], e);
    expect(first.out).toMatch(/^created comment \d+ on PR #42/);
    const second = await run(['perf', 'comment', artifact('a2', HEAD)], e);
    expect(second.out).toMatch(/^updated comment \d+ on PR #42/);
    expect(api.state.comments['42']).toHaveLength(1);
    expect(api.state.comments['42']![0]!.body.startsWith(`${COMMENT_MARKER}\n## Performance gate: 🔴`)).toBe(true);
  });
  it('an artifact that names another commit than the run is refused (exit 2); a PR that moved on is skipped', async () => {
    const e = env('workflow_run', 'workflow_run.completed.json');
    const lying = await run(['perf', 'comment', artifact('a3', 'b'.repeat(40))], e);
    expect(lying.code).toBe(2);
    expect(lying.err).toMatch(/claims head b{40} for PR #42, but the workflow run measured a1b2c3d/);
    api.state.pulls['42'] = { ...(api.state.pulls['42'] as object), head: { sha: 'c'.repeat(40), ref: 'faster-pooling', repo: { full_name: 'truthgraph/truthgraph-perf' } } };
    const stale = await run(['perf', 'comment', artifact('a4', HEAD)], e);
    api.state.pulls['42'] = fixture('api.pulls.42.json');
    expect(stale.code).toBe(0);
    expect(stale.out).toMatch(/has moved past a1b2c3d: not commenting/);
  });
});

describe('refresh plan: same-repository PRs, the head commit, the reason', () => {
  it('labeled: the newest maintainer comment gives the reason; a contributor comment does not', async () => {
    api.state.comments['42'] = [
      { id: 1, body: '/refresh-baselines reason: older reason', user: { login: 'm1', type: 'User' }, author_association: 'OWNER', created_at: '2026-01-01T00:00:00Z' },
      { id: 2, body: 'looks good\n/refresh-baselines reason: new reference runner', user: { login: 'm2', type: 'User' }, author_association: 'MEMBER', created_at: '2026-01-02T00:00:00Z' },
      { id: 3, body: '/refresh-baselines reason: let me in', user: { login: 'x', type: 'User' }, author_association: 'CONTRIBUTOR', created_at: '2026-01-03T00:00:00Z' },
    ];
    const r = await run(['perf', 'refresh-plan'], env('pull_request_target', 'pull_request_target.labeled.json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ pr: '42', 'head-sha': HEAD, 'head-ref': 'faster-pooling', 'base-sha': '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6', reason: 'new reference runner', 'reason-source': 'PR comment by @m2' });
  });
  it('dispatch: the PR from the API and the reason input', async () => {
    const r = await run(['perf', 'refresh-plan'], env('workflow_dispatch', 'workflow_dispatch.refresh.json'));
    expect(r.outputs.reason).toBe('tokenizer rewrite: 8% slower, accepted for correctness');
    expect(r.outputs['reason-source']).toBe('dispatch input');
    expect(r.outputs['head-sha']).toBe(HEAD);
  });
  it('a fork PR is refused with the fix', async () => {
    const r = await run(['perf', 'refresh-plan'], env('pull_request_target', 'pull_request_target.fork-labeled.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/PR #42 comes from someone\/truthgraph-perf: baselines are refreshed only for branches of truthgraph\/truthgraph-perf \(the commit is pushed to the PR branch\)\n {2}fix: push the branch/);
  });
  it('recheck dispatches the perf workflow on the PR branch', async () => {
    const r = await run(['perf', 'recheck', '--ref', 'faster-pooling', '--pr', '42', '--base', '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6'], env('pull_request_target', 'pull_request_target.labeled.json'));
    expect(r.code).toBe(0);
    expect(api.state.dispatches.at(-1)).toEqual({ workflow: 'perf.yml', ref: 'faster-pooling', inputs: { pr: '42', base: '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6' } });
  });
});

describe('apply-baselines: only well-formed baseline files reach the PR', () => {
  const run0 = syntheticRun({ shift: 1 });
  const baseline = buildBaseline({ suite: 'embedding', profile: 'quick', environmentClass: 'linux-x64-test-2c', context: run0.context, metrics: run0.metrics.filter((m) => m.suite === 'embedding'), forcedReason: 'new runner' });
  it('writes checked files; refuses unexpected paths and files that do not match their path', async () => {
    const up = path.join(tmp, 'upload');
    writeBaseline(path.join(up, 'linux-x64-test-2c', 'embedding.quick.json'), baseline);
    const into = path.join(tmp, 'pr', 'baselines');
    const ok = await run(['perf', 'apply-baselines', up, '--into', into], {});
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(into, 'linux-x64-test-2c', 'embedding.quick.json'), 'utf8')).toContain('"reason": "new runner"');
    fs.writeFileSync(path.join(up, 'evil.sh'), 'echo');
    expect((await run(['perf', 'apply-baselines', up, '--into', into], {})).err).toMatch(/unexpected path evil.sh/);
    fs.rmSync(path.join(up, 'evil.sh'));
    fs.renameSync(path.join(up, 'linux-x64-test-2c', 'embedding.quick.json'), path.join(up, 'linux-x64-test-2c', 'embedding.full.json'));
    expect((await run(['perf', 'apply-baselines', up, '--into', into], {})).err).toMatch(/holds suite embedding, profile quick, class linux-x64-test-2c: it does not match its path/);
  });
});

describe('history file', () => {
  it('appends one JSON line per run and refuses the same run twice', async () => {
    const file = path.join(tmp, 'history.jsonl');
    const report = path.join(tmp, 'report.json');
    fs.writeFileSync(report, JSON.stringify(syntheticRun({ shift: 1.3 })));
    const r = await run(['perf', 'history-append', report, '--file', file, '--base-sha', 'abc'], {});
    expect(r.out).toMatch(/appended run run-1 \(4 metrics, linux-x64-test-2c\).*1 run\(s\)/);
    const [entry] = readHistory(file);
    expect(entry!.metrics[0]).toMatchObject({ suite: 'embedding', name: 'embed batch 32', unit: 'ms', status: 'REGRESSED' });
    expect(entry!.metrics[0]!.ci![0]).toBeLessThan(entry!.metrics[0]!.estimate);
    expect(entry!.baseSha).toBe('abc');
    expect(() => appendHistory(file, historyEntry(syntheticRun()))).toThrow(/already holds run run-1/);
  });
});

describe('the workflows', () => {
  const dir = path.join(PROJECT_ROOT, '.github', 'workflows');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yml'));
  const parsed = files.map((f) => ({ file: f, text: fs.readFileSync(path.join(dir, f), 'utf8'), yaml: parseYaml(fs.readFileSync(path.join(dir, f), 'utf8')) as { permissions: unknown; env?: Record<string, unknown>; jobs: Record<string, { permissions?: Record<string, string>; steps: { uses?: string; with?: Record<string, unknown> }[]; strategy?: { matrix?: { shard?: unknown[] } } }> } }));
  it('pin every action by full commit SHA with its version in a comment', () => {
    for (const { file, text } of parsed) {
      for (const line of text.split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l))) {
        expect(line, `${file}: ${line.trim()}`).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  });
  it('grant contents: read at workflow level, writes only to named jobs, never always()', () => {
    const writers: string[] = [];
    for (const { file, text, yaml } of parsed) {
      expect(yaml.permissions, file).toEqual({ contents: 'read' });
      expect(text, file).not.toMatch(/always\(\)/);
      for (const [id, job] of Object.entries(yaml.jobs)) {
        for (const [scope, level] of Object.entries(job.permissions ?? {})) if (level === 'write') writers.push(`${file}:${id}:${scope}`);
      }
    }
    expect(writers.sort()).toEqual(['perf-comment.yml:comment:pull-requests', 'perf-main.yml:history:contents', 'refresh-baselines.yml:commit:actions', 'refresh-baselines.yml:commit:contents']);
  });
  it('never persist credentials where PR code runs; the gate expects as many shards as the matrix starts', () => {
    const perf = parsed.find((p) => p.file === 'perf.yml')!.yaml;
    const refresh = parsed.find((p) => p.file === 'refresh-baselines.yml')!.yaml;
    for (const job of [...Object.values(perf.jobs), refresh.jobs.measure!, refresh.jobs.plan!]) {
      for (const s of job.steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
    }
    expect(perf.jobs.perf!.strategy!.matrix!.shard).toHaveLength(Number(perf.env!.SHARDS));
  });
});
