// Baseline files: stable bytes, validation errors that name file + problem + fix, the save
// policy, and atomicity under a real SIGKILL in the middle of a write.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { collectContext } from '../context/run-context.ts';
import { UserError } from '../../shared/errors.ts';
import { baselineMetric, baselinePath, buildBaseline, checkSavePolicy, locateBaseline, missingBaselineError, readBaseline, writeBaseline } from './store.ts';
import { stableStringify } from './stable-json.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-baseline-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const context = collectContext(PROJECT_ROOT, 100);
const sample = buildBaseline({
  suite: 'example',
  profile: 'full',
  environmentClass: 'linux-x64-test-2c',
  context,
  savedAt: new Date('2024-01-01T00:00:00Z'),
  metrics: [
    { name: 'sort', unit: 'ms', direction: 'lower', kind: 'timing', samples: [1.23456789, 1.3, 1.25], budget: { max: 5 } },
    { name: 'queries', unit: 'queries', direction: 'lower', kind: 'exact', samples: [3] },
  ],
});

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected an error');
}

describe('baseline files', () => {
  it('round-trip with sorted keys, rounded numbers and identical bytes on rewrite', () => {
    const file = baselinePath(tmp, 'linux-x64-test-2c', 'example', 'full');
    expect(file).toBe(path.join(tmp, 'linux-x64-test-2c', 'example.full.json'));
    writeBaseline(file, sample);
    const first = fs.readFileSync(file);
    writeBaseline(file, readBaseline(file)!);
    expect(fs.readFileSync(file).equals(first)).toBe(true);
    const text = first.toString();
    expect(text).toContain('"samples": [1.23457, 1.3, 1.25]');
    expect(text.indexOf('"context"')).toBeLessThan(text.indexOf('"environmentClass"'));
    expect(baselineMetric(readBaseline(file)!, 'sort')).toMatchObject({ unit: 'ms', kind: 'timing', budget: { max: 5 } });
    expect(readBaseline(path.join(tmp, 'missing.json'))).toBeUndefined();
    expect(stableStringify({ b: 1, a: [0.1234567, 2] })).toBe('{\n  "a": [0.123457, 2],\n  "b": 1\n}\n');
  });
  it('a truncated file names the file, the problem and the fix', () => {
    const file = path.join(tmp, 'truncated.json');
    fs.writeFileSync(file, stableStringify(sample).slice(0, 200));
    const e = errorOf(() => readBaseline(file));
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/not valid JSON \(truncated/);
    expect(e.fix).toMatch(/npm run perf:baseline/);
    expect(e.exitCode).toBe(2);
    fs.writeFileSync(file, '');
    expect(errorOf(() => readBaseline(file)).message).toMatch(/empty/);
  });
  it('a wrong-schema file names the offending fields', () => {
    const file = path.join(tmp, 'wrong.json');
    fs.writeFileSync(file, JSON.stringify({ ...sample, schemaVersion: 99, metrics: { x: { unit: 'ms' } } }));
    const e = errorOf(() => readBaseline(file));
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/schema version 99 \(expected 1\)/);
    expect(e.message).toMatch(/metrics\.x\./);
    expect(e.fix).toMatch(/git checkout/);
  });
  it('a machine reads its class folder, else the legacy folder of its CPU model whose files predate CPU flags', () => {
    const dir = path.join(tmp, 'locate');
    const xeon = { platform: 'linux', arch: 'x64', cpuModel: 'Intel(R) Xeon(R) Processor', cpuCount: 2, cpuFlags: ['avx512_vnni'], cpuQuota: null };
    const { cpuFlags: _f, cpuQuota: _q, ...unrecorded } = context;
    writeBaseline(path.join(dir, 'linux-x64-intel-xeon-2c', 'legacy.full.json'), { ...sample, suite: 'legacy', environmentClass: 'linux-x64-intel-xeon-2c', context: unrecorded });
    const found = locateBaseline(dir, xeon, 'legacy', 'full');
    expect(found.readFrom).toBe(path.join(dir, 'linux-x64-intel-xeon-2c', 'legacy.full.json'));
    expect(found.file).toBe(path.join(dir, 'linux-x64-intel-xeon-2c-avx512vnni', 'legacy.full.json')); // a save goes here
    expect(found.data?.suite).toBe('legacy');
    // A file of a machine whose flags are recorded (none of the inference flags) is not this machine's.
    writeBaseline(path.join(dir, 'linux-x64-intel-xeon-2c', 'noflags.full.json'), { ...sample, suite: 'noflags', environmentClass: 'linux-x64-intel-xeon-2c', context: { ...context, cpuFlags: [] } });
    expect(locateBaseline(dir, xeon, 'noflags', 'full').data).toBeUndefined();
    // The class's own folder wins.
    writeBaseline(path.join(dir, 'linux-x64-intel-xeon-2c-avx512vnni', 'legacy.full.json'), { ...sample, suite: 'own' });
    expect(locateBaseline(dir, xeon, 'legacy', 'full').data?.suite).toBe('own');
  });
  it('strict mode names the command that records a baseline', () => {
    expect(missingBaselineError('/b/x.json', 'embedding').fix).toMatch(/npm run perf:baseline -- --filter embedding/);
  });
  it('save policy: never over failing metrics unless forced with a reason', () => {
    expect(checkSavePolicy({ failingMetrics: [], force: false })).toEqual({ allowed: true });
    expect(checkSavePolicy({ failingMetrics: ['a'], force: false })).toMatchObject({ allowed: false });
    expect(checkSavePolicy({ failingMetrics: ['a'], force: true })).toMatchObject({ allowed: false, why: expect.stringMatching(/--reason/) });
    expect(checkSavePolicy({ failingMetrics: ['a'], force: true, reason: ' new hardware ' })).toEqual({ allowed: true, forcedReason: 'new hardware' });
    // A forced save records its reason also when nothing failed (a new runner class: every metric NEW).
    expect(checkSavePolicy({ failingMetrics: [], force: true, reason: 'new runner class' })).toEqual({ allowed: true, forcedReason: 'new runner class' });
  });
  it('an interrupted save (SIGKILL during the write) leaves the old file intact', async () => {
    const file = path.join(tmp, 'atomic', 'suite.full.json');
    writeBaseline(file, sample);
    const before = fs.readFileSync(file);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'slow-writer.child.ts'), file], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const killedAfter = await new Promise<string>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/chunk (\d+)/.test(out) && !child.killed) {
          child.kill('SIGKILL');
          resolve(out);
        }
      });
    });
    await new Promise((resolve) => child.on('exit', resolve));
    expect(killedAfter).toMatch(/chunk \d+\/\d+/);
    expect(out).not.toContain('done');
    expect(child.signalCode).toBe('SIGKILL');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    // The half-written temp file is left beside it, never under the real name.
    const leftovers = fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'));
    expect(leftovers.length).toBe(1);
    expect(readBaseline(file)).toBeDefined();
  }, 30_000);
});
