// A full disk while a baseline or a run's reports are written, on a real file system that is full:
// a 192 KiB tmpfs (mounting needs root, which CI has; elsewhere the test is skipped and says why).
// The old baseline stays byte for byte, no temp file is left, reports/latest keeps pointing at the
// previous complete run, and the error names the file, says "no space left" and what to do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { collectContext } from '../context/run-context.ts';
import { syntheticRun } from '../report/test-fixtures.ts';
import { writeReports } from '../report/writer.ts';
import { buildBaseline, readBaseline, writeBaseline } from './store.ts';

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-disk-full-'));
let mounted = false;
let whyNot = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=192k', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (error) {
  whyNot = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
}

beforeAll(() => {
  if (!mounted) console.warn(`disk-full tests skipped: cannot mount a tmpfs here (${whyNot}); they need root`);
});
afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

const baseline = (samples: number) =>
  buildBaseline({
    suite: 'example',
    profile: 'quick',
    environmentClass: 'linux-x64-test-2c',
    context: collectContext(PROJECT_ROOT, 100),
    savedAt: new Date('2024-01-01T00:00:00Z'),
    metrics: [{ name: 'sort', unit: 'ms', direction: 'lower', kind: 'timing', samples: Array.from({ length: samples }, (_, i) => 1 + i / samples) }],
  });

function fill(dir: string): void {
  // Leave ~20 KiB free: enough for small files, not for the big write under test.
  const free = fs.statfsSync(dir).bavail * fs.statfsSync(dir).bsize;
  fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(Math.max(0, free - 20 * 1024)));
}

describe.skipIf(!mounted)('disk full', () => {
  it('saving a baseline: the old file is intact, no temp file is left, the error is clear', () => {
    const dir = path.join(mountPoint, 'baselines');
    const file = path.join(dir, 'linux-x64-test-2c', 'example.quick.json');
    writeBaseline(file, baseline(10));
    const before = fs.readFileSync(file);
    fill(mountPoint);
    let error: unknown;
    try {
      writeBaseline(file, baseline(20_000)); // ~200 KB of samples
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const e = error as UserError;
    expect(e.message).toBe(`cannot write ${file}: no space left on the device (ENOSPC); the previous example.quick.json, if any, is unchanged`);
    expect(e.fix).toBe(`free space on the file system of ${path.dirname(file)} (df -h ${path.dirname(file)}), then run the command again`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(readBaseline(file)!.metrics.sort!.samples).toHaveLength(10);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['example.quick.json']);
    fs.rmSync(path.join(mountPoint, 'filler'));
    fs.rmSync(dir, { recursive: true });
  });

  it("writing a run's reports: reports/latest keeps pointing at the previous complete run", () => {
    const reports = path.join(mountPoint, 'reports');
    const previous = { ...syntheticRun(), runId: 'previous-run' };
    writeReports(previous, reports);
    expect(fs.readlinkSync(path.join(reports, 'latest'))).toBe('previous-run');
    fill(mountPoint);
    const next = { ...syntheticRun(), runId: 'next-run' };
    let error: unknown;
    try {
      writeReports(next, reports);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(new RegExp(`^cannot write ${reports}/next-run/\\S+: no space left on the device \\(ENOSPC\\)`));
    expect(fs.readlinkSync(path.join(reports, 'latest'))).toBe('previous-run');
    expect(JSON.parse(fs.readFileSync(path.join(reports, 'latest', 'report.json'), 'utf8'))).toMatchObject({ runId: 'previous-run' });
    const left = fs.existsSync(path.join(reports, 'next-run')) ? fs.readdirSync(path.join(reports, 'next-run')) : [];
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    fs.rmSync(path.join(mountPoint, 'filler'));
  });
});
