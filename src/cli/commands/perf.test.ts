// `truthgraph perf report|compare|ci-summary` as functions of (argv, io).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../main.ts';
import { memoryIo } from '../../shared/io.ts';
import { syntheticRun } from '../../perf/report/test-fixtures.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-perf-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const a = path.join(tmp, 'a.json');
const b = path.join(tmp, 'b.json');
fs.writeFileSync(a, JSON.stringify(syntheticRun({ shift: 1 })));
fs.writeFileSync(b, JSON.stringify(syntheticRun({ shift: 1.3 })));

async function cli(...argv: string[]) {
  const io = memoryIo({ cwd: tmp });
  const code = await run(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('truthgraph perf', () => {
  it('report re-renders a run in every format with the run exit code', async () => {
    const t = await cli('perf', 'report', 'b.json');
    expect(t.out).toMatch(/REGRESSED\s+embedding › embed batch 32/);
    expect(t.code).toBe(1);
    expect((await cli('perf', 'report', 'b.json', '--format', 'md')).out).toMatch(/^## Performance/);
    const html = await cli('perf', 'report', 'b.json', '--format', 'html', '--out', 'r.html');
    expect(html.out).toContain('wrote r.html');
    expect(fs.readFileSync(path.join(tmp, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });
  it('compare judges B against A metric by metric', async () => {
    const r = await cli('perf', 'compare', 'a.json', 'b.json');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/REGRESSED\s+embedding › embed batch 32\s+\S+\s+\S+\s+\+\d+\.\d%/);
    const same = await cli('perf', 'compare', 'a.json', 'a.json', '--format', 'json');
    expect(JSON.parse(same.out).counts.REGRESSED).toBe(0);
  });
  it('merge joins sharded runs into one report', async () => {
    const r = await cli('perf', 'merge', 'a.json', 'b.json', '--reports-dir', 'merged');
    expect(r.code).toBe(2); // the same suites in both shards: duplicate metric names are an error
    expect(r.out).toMatch(/recorded by two tests/);
    const one = await cli('perf', 'merge', 'b.json', '--reports-dir', 'merged');
    expect(one.code).toBe(1);
    expect(fs.existsSync(path.join(tmp, 'merged', 'latest', 'report.html'))).toBe(true);
  });
  it('bad input files exit 2 with a fix', async () => {
    fs.writeFileSync(path.join(tmp, 'bad.json'), '{"hello": 1}');
    const r = await cli('perf', 'report', 'bad.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a perf run result[\s\S]*fix: /);
    expect((await cli('perf', 'report', 'missing.json')).code).toBe(2);
    expect((await cli('perf', 'report', 'b.json', '--format', 'pdf')).err).toMatch(/unknown format pdf/);
  });
  it('ci-summary writes the job summary when GITHUB_STEP_SUMMARY exists', async () => {
    const summary = path.join(tmp, 'summary.md');
    fs.writeFileSync(summary, '');
    const old = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    const captured: string[] = [];
    process.stdout.write = ((chunk: string) => {
      captured.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const r = await cli('perf', 'ci-summary', 'b.json');
      expect(r.out).toMatch(/job summary written, \d+ annotation/);
    } finally {
      process.stdout.write = stdoutWrite;
      if (old === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = old;
    }
    expect(fs.readFileSync(summary, 'utf8')).toMatch(/## Performance/);
    expect(captured.join('')).toMatch(/::error title=perf embedding,file=perf-tests\/embedding.perf.ts::embed batch 32: REGRESSED/);
  });
});
