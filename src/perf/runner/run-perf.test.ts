// runPerf end to end on a fixture vitest project: exit codes 0 / 1 / 2, baseline save and the
// rule that a regressed run leaves the baseline byte-identical, strict mode, bad options.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../shared/io.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { collectContext, environmentClass } from '../context/run-context.ts';
import { runPerf } from './run-perf.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-runperf-'));
const baselines = path.join(tmp, 'baselines');
const reports = path.join(tmp, 'reports');
const file = path.join(baselines, environmentClass(collectContext(PROJECT_ROOT)), 'exact-metric.full.json');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => void delete process.env.TG_FIXTURE);

async function perf(mode: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  process.env.TG_FIXTURE = mode;
  const io = memoryIo({ env: {} });
  const code = await runPerf(['--baselines-dir', baselines, '--reports-dir', reports, ...args], io, {
    config: path.join(PROJECT_ROOT, 'src/perf/runner/fixtures/vitest.fixture.config.ts'),
    project: 'fixture',
    quiet: true,
  });
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('npm run perf (runPerf) exit codes and baseline safety', () => {
  it('strict compare without a baseline is a harness error naming npm run perf:baseline', async () => {
    const r = await perf('ok', '--strict');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/npm run perf:baseline/);
  });
  it('saves a baseline (exit 0), then compares PASS (exit 0)', async () => {
    const save = await perf('ok', '--save-baseline');
    expect(save.code).toBe(0);
    expect(save.out).toContain(`baseline written: ${file}`);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.context.database).toEqual({ engine: 'fixture-db', version: '1' });
    const compare = await perf('ok');
    expect(compare.code).toBe(0);
    expect(compare.out).toMatch(/PASS\s+exact-metric › queries per claim/);
    const latest = JSON.parse(fs.readFileSync(path.join(reports, 'latest', 'report.json'), 'utf8'));
    expect(latest.exitCode).toBe(0);
  });
  it('a regression exits 1, and a save attempt leaves the baseline byte-identical', async () => {
    const before = fs.readFileSync(file);
    const compare = await perf('regress');
    expect(compare.code).toBe(1);
    expect(compare.out).toMatch(/REGRESSED\s+exact-metric › queries per claim/);
    // A failing suite is re-run under the CPU profiler and the profile is linked from the report.
    expect(compare.out).toMatch(/profiling 1 failing suite/);
    expect(fs.existsSync(path.join(reports, 'latest', 'profiles', 'exact-metric.cpuprofile'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(reports, 'latest', 'report.json'), 'utf8')).profiles).toEqual(['profiles/exact-metric.cpuprofile']);
    const save = await perf('regress', '--save-baseline', '--no-profile-regressions');
    expect(save.code).toBe(1);
    expect(save.out).toMatch(/baseline NOT written.*not saving baselines/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
  it('a forced save with a reason overwrites and records the reason', async () => {
    const save = await perf('regress', '--save-baseline', '--force', '--reason', 'accepted: new query plan', '--no-profile-regressions');
    expect(save.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).forced).toEqual({ reason: 'accepted: new query plan' });
    expect((await perf('regress')).code).toBe(0);
  });
  it('a budget failure exits 1', async () => {
    expect((await perf('budget', '--no-baseline', '--no-profile-regressions')).code).toBe(1);
  });
  it('a crashing suite exits 2', async () => {
    const r = await perf('throw');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/error in exact-metric: .*the suite crashed/);
  });
  it('a malformed baseline exits 2 before running, naming file, problem and fix', async () => {
    const before = fs.readFileSync(file);
    fs.writeFileSync(file, before.subarray(0, 50));
    const r = await perf('ok');
    expect(r.code).toBe(2);
    expect(r.err).toContain(file);
    expect(r.err).toMatch(/not valid JSON/);
    expect(r.err).toMatch(/fix: .*npm run perf:baseline/);
    fs.writeFileSync(file, before);
  });
  it('bad options exit 2 with usage', async () => {
    const r = await perf('ok', '--bogus');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--bogus'/i);
    expect((await perf('ok', '--force')).err).toMatch(/--force only applies to --save-baseline/);
  });
});
