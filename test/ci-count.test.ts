// CI's closing line must never look green when something broke: test files that fail outside their
// tests (import error, failing beforeAll/afterAll) count as failures, advisory perf failures are
// listed apart, and .ci/run prints the line from its EXIT trap even when `npm ci` or the type-check
// aborts the script. Real vitest runs, the real scripts; only `npm`/`npx` are replaced by failing
// commands (fault injection) in the trap cases.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/shared/paths.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ci-count-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const COUNT = path.join(PROJECT_ROOT, '.ci', 'count.mjs');

function count(...steps: string[]) {
  const r = spawnSync(process.execPath, [COUNT, ...steps.flatMap((s) => ['--step', s])], { encoding: 'utf8', timeout: 30_000 });
  const lines = r.stdout.trimEnd().split('\n');
  return { status: r.status, stdout: r.stdout, closing: lines[lines.length - 1] };
}

describe('.ci/count.mjs', () => {
  it('counts test files that failed outside their tests as failures (vitest 4 JSON)', () => {
    const json = path.join(tmp, 'unit.json');
    const vitest = spawnSync(
      process.execPath,
      [path.join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'test/ci-count/vitest.ci-count.config.mjs', '--reporter=json', `--outputFile.json=${json}`],
      { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(vitest.status).toBe(1);
    const r = count(`npm test|1|${json}`);
    // mixed: 1 passed, 1 failed, 1 skipped; after-all: 1 passed + the file; import error and
    // before-all: the file each (their 2 tests were never run: not "skipped").
    expect(r.closing).toBe('2 passed, 4 failed, 1 skipped');
    expect(r.stdout).toMatch(/npm test: 2 passed, 4 failed, 1 skipped, 2 not run \(exit 1\)/);
    expect(r.stdout).toMatch(/import-error\.case\.mjs: .*this-module-does-not-exist/);
    expect(r.stdout).toMatch(/failing-before-all\.case\.mjs: set-up failed/);
    expect(r.stdout).toMatch(/failing-after-all\.case\.mjs: tear-down failed/);
    expect(r.status).toBe(1);
  }, 150_000);

  it('lists advisory perf failures apart; binding failures, harness errors and failed suites count', () => {
    const metric = (name: string, status: string, advisory: boolean) => ({ suite: 's', name, decision: { status, advisory } });
    const report = {
      metrics: [metric('ok', 'PASS', false), metric('timing', 'REGRESSED', true), metric('exact', 'BUDGET-FAIL', false), metric('new', 'NEW', false)],
      errors: ['unhandled: boom'],
      suites: [{ name: 's', state: 'failed', errors: ['s threw'] }],
    };
    const file = path.join(tmp, 'perf.json');
    fs.writeFileSync(file, JSON.stringify(report));
    const r = count(`perf|1|${file}`);
    expect(r.closing).toBe('2 passed, 3 failed, 0 skipped');
    expect(r.stdout).toMatch(/advisory \(reported, not gating\): 1 metric\(s\) regressed or over budget\n\s+s › timing: REGRESSED/);
  });

  it('a step that exits non-zero with clean (or no) results is a failure; a missing result file too', () => {
    const clean = path.join(tmp, 'clean.json');
    fs.writeFileSync(clean, JSON.stringify({ testResults: [{ name: 'x', status: 'passed', assertionResults: [{ status: 'passed' }] }] }));
    const r = count(`npm test|1|${clean}`, 'workflow lint|3|', `perf|0|${path.join(tmp, 'missing.json')}`, 'npm ci|0|');
    expect(r.closing).toBe('1 passed, 3 failed, 0 skipped');
    expect(r.stdout).toMatch(/exited 1 although its results show no failure/);
    expect(r.stdout).toMatch(/workflow lint: failed \(exit 3\)/);
    expect(r.stdout).toMatch(/missing\.json missing or unreadable/);
    expect(count(`npm test|0|${clean}`)).toMatchObject({ closing: '1 passed, 0 failed, 0 skipped', status: 0 });
  });
});

describe('.ci/run EXIT trap', () => {
  // A copy of .ci/ in a scratch folder, with `npm` / `npx` replaced by scripts that fail at one step.
  function runCi(failing: 'npm ci' | 'typecheck') {
    const root = fs.mkdtempSync(path.join(tmp, 'clone-'));
    fs.cpSync(path.join(PROJECT_ROOT, '.ci'), path.join(root, '.ci'), { recursive: true });
    const shims = path.join(root, 'shims');
    fs.mkdirSync(shims);
    const shim = (name: string, body: string) => fs.writeFileSync(path.join(shims, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    shim('npm', failing === 'npm ci' ? 'echo "npm ERR! simulated install failure" >&2; exit 1' : 'exit 0');
    shim('npx', 'echo "src/x.ts(1,1): error TS2322: simulated" >&2; exit 2');
    shim('chromium', 'exit 0');
    // Results of an earlier run must not be counted.
    fs.mkdirSync(path.join(root, 'reports', 'ci'), { recursive: true });
    fs.writeFileSync(path.join(root, 'reports', 'ci', 'unit.json'), JSON.stringify({ testResults: [{ name: 'old', status: 'passed', assertionResults: [{ status: 'passed' }] }] }));
    const r = spawnSync('bash', [path.join(root, '.ci', 'run')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PATH: `${shims}:${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });
    const lines = r.stdout.trimEnd().split('\n');
    return { status: r.status, stdout: r.stdout, closing: lines[lines.length - 1], stale: fs.existsSync(path.join(root, 'reports', 'ci', 'unit.json')) };
  }

  it('prints the closing line when npm ci fails', () => {
    const r = runCi('npm ci');
    expect(r.closing).toBe('0 passed, 1 failed, 0 skipped');
    expect(r.stdout).toMatch(/npm ci: failed \(exit 1\)/);
    expect(r.status).toBe(1);
    expect(r.stale).toBe(false);
  }, 70_000);

  it('prints the closing line when the type-check fails', () => {
    const r = runCi('typecheck');
    expect(r.closing).toBe('0 passed, 1 failed, 0 skipped');
    expect(r.stdout).toMatch(/npm ci: ok\n\s+typecheck: failed \(exit 2\)/);
    expect(r.status).toBe(2);
  }, 70_000);
});
