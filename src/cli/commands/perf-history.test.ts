// `truthgraph perf history` end to end on a generated CI history file with a known step: the
// terminal view, the offline page, and --check's exit code both ways.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../main.ts';
import { memoryIo } from '../../shared/io.ts';
import { normalSamples } from '../../perf/stats/rng.ts';
import { historyEntry, type HistoryEntry } from '../../perf/runner/history.ts';
import { syntheticRun } from '../../perf/report/test-fixtures.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-perf-history-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = memoryIo({ cwd: tmp });
  const code = await run(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** 60 nightly runs: a latency (lower is better) that steps by `step` at run 40, and a flat count. */
function historyFile(name: string, step: number): string {
  const noise = normalSamples(60, 1, 0.03, 7);
  const lines = noise.map((z, i): HistoryEntry => ({
    schemaVersion: 1,
    runId: `run-${i}`,
    sha: i.toString(16).padStart(7, '0').padEnd(40, 'b'),
    baseSha: null,
    date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    envClass: 'linux-x64-test-2c-pglite',
    mode: 'compare',
    profile: 'quick',
    event: 'schedule',
    runUrl: null,
    exitCode: 0,
    metrics: [
      { suite: 'pipeline', name: 'verify latency p50', unit: 'ms', direction: 'lower', kind: 'timing', estimate: 100 * z * (i >= 40 ? 1 + step : 1), ci: [95 * z, 105 * z], status: 'PASS', ratio: null, ratioCi: null },
      { suite: 'db-queries', name: 'round trips', unit: 'count', direction: 'lower', kind: 'exact', estimate: 3, ci: null, status: 'PASS', ratio: null, ratioCi: null },
    ],
  }));
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

const slower = historyFile('slower.jsonl', 0.1);
const faster = historyFile('faster.jsonl', -0.1);
const common = ['--no-git', '--reports-dir', 'no-reports'];

describe('truthgraph perf history', () => {
  it('finds the 10% slowdown at run 40 and fails --check (exit 1)', async () => {
    const r = await cli('perf', 'history', '--file', slower, '--out', 'out-slower', '--check', ...common);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/▁/);
    expect(r.out).toMatch(/pipeline › verify latency p50 \(quick\) \[60 pts\]\s+1 step/);
    expect(r.out).toMatch(/REGRESSION \+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\] at point 40 0000027\.\.0000028 \(2026-02-09 -> 2026-02-10\)/);
    expect(r.out).toMatch(/check: 1 metric\(s\) whose newest step is a regression/);
    expect(fs.readFileSync(path.join(tmp, 'out-slower', 'history.txt'), 'utf8')).toMatch(/steps found \(1\)/);
  });

  it('passes --check when the newest step is an improvement (exit 0)', async () => {
    const r = await cli('perf', 'history', '--file', faster, '--out', 'out-faster', '--check', ...common);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/improvement -\d+\.\d%/);
    expect(r.out).toMatch(/check: no metric's newest step is a regression/);
  });

  it('writes one offline page: uPlot inlined, the step in the no-JS table, no http(s) address', async () => {
    await cli('perf', 'history', '--file', slower, '--out', 'out-page', ...common);
    const html = fs.readFileSync(path.join(tmp, 'out-page', 'history.html'), 'utf8');
    expect(html).toContain('var uPlot=function(){');
    expect(html).toContain('.uplot');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).toMatch(/<tr class="bad"><td>linux-x64-test-2c-pglite quick<\/td><td>pipeline › verify latency p50<\/td><td>REGRESSION<\/td>/);
  });

  it('filters by suite and metric, and says what exists when nothing matches (exit 2)', async () => {
    const ok = await cli('perf', 'history', '--file', slower, '--out', 'out-f', '--suite', 'db-queries', ...common);
    expect(ok.code).toBe(0);
    expect(ok.out).not.toMatch(/verify latency/);
    const bad = await cli('perf', 'history', '--file', slower, '--out', 'out-f', '--suite', 'nope', ...common);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no history for a suite matching "nope"\n {2}fix: use one of: db-queries, pipeline/);
    const metric = await cli('perf', 'history', '--file', slower, '--out', 'out-f', '--metric', 'nope', ...common);
    expect(metric.code).toBe(2);
    expect(metric.err).toMatch(/fix: use part of one of these names: round trips, verify latency p50/);
  });

  it('reads reports/<run>/report.json, and counts a run that is also in the history file once', async () => {
    const run = syntheticRun();
    fs.mkdirSync(path.join(tmp, 'reports', run.runId), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'reports', run.runId, 'report.json'), JSON.stringify(run));
    fs.writeFileSync(path.join(tmp, 'both.jsonl'), JSON.stringify(historyEntry(run)) + '\n');
    const r = await cli('perf', 'history', '--no-git', '--reports-dir', 'reports', '--file', 'both.jsonl', '--out', 'out-both');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 run\(s\) in .*reports; 1 run\(s\) in .*both\.jsonl \(1 also under reports\/, counted once\)/);
    expect(r.out).toMatch(/embedding › embed batch 32 \(full\) \[1 pts\]/);
  });

  it('rejects a missing history file, a bad option and a malformed line (exit 2, with a fix)', async () => {
    const missing = await cli('perf', 'history', '--file', 'nothing.jsonl', ...common);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no history file at .*nothing\.jsonl\n {2}fix: /);
    const alpha = await cli('perf', 'history', '--file', slower, '--alpha', '2', ...common);
    expect(alpha.code).toBe(2);
    expect(alpha.err).toMatch(/--alpha must be a number between 0 and 1, got 2\n {2}fix: /);
    fs.writeFileSync(path.join(tmp, 'broken.jsonl'), '{"schemaVersion":1}\nnot json\n');
    const broken = await cli('perf', 'history', '--file', 'broken.jsonl', ...common);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/broken\.jsonl line 1 is not a history entry/);
  });
});
