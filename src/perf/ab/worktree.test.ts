import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { ensureBaseWorktree, ensureDependencies, overlayHarness, resolveCommit, shareCaches, workingTreeState } from './worktree.ts';

let repo: string;
let first: string;
let second: string;
const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  fs.writeFileSync(path.join(repo, file), text);
};
const lock = (deps: Record<string, string>): string =>
  JSON.stringify({ name: 'scratch', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'scratch', version: '1.0.0', dependencies: deps } } });

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ab-repo-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'test');
  write('.gitignore', '.cache/\nnode_modules\n');
  write('package.json', JSON.stringify({ name: 'scratch', version: '1.0.0' }));
  write('package-lock.json', lock({}));
  write('src/perf/suite/api.ts', 'export const version = 1;\n');
  write('bin/perf.js', '// base runner\n');
  write('perf-tests/a.perf.ts', '// base suite\n');
  git('add', '-A');
  git('commit', '-qm', 'base');
  first = git('rev-parse', 'HEAD');
  write('perf-tests/a.perf.ts', '// head suite\n');
  write('src/perf/suite/api.ts', 'export const version = 2;\n');
  write('src/perf/ab/new.ts', 'export {};\n');
  write('bin/perf.js', '// head runner\n');
  git('commit', '-qam', 'head');
  git('add', '-A');
  git('commit', '-qm', 'head files');
  second = git('rev-parse', 'HEAD');
  fs.mkdirSync(path.join(repo, 'node_modules', 'dep'), { recursive: true });
});

afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

describe('A/B base checkout', () => {
  it('resolves refs to commits and names a bad one with the fix', () => {
    expect(resolveCommit(repo, 'HEAD')).toBe(second);
    expect(resolveCommit(repo, 'HEAD~2')).toBe(first);
    const error = (() => {
      try {
        resolveCommit(repo, 'no-such-branch');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/--base no-such-branch does not name a commit/);
    expect((error as UserError).fix).toMatch(/--base main/);
  });

  it('reports the working tree as dirty when tracked files changed', () => {
    expect(workingTreeState(repo)).toEqual({ sha: second, dirty: false });
    write('perf-tests/a.perf.ts', '// edited\n');
    expect(workingTreeState(repo).dirty).toBe(true);
    git('checkout', '--', 'perf-tests/a.perf.ts');
  });

  it('checks the base out under the cache keyed by commit, overlays head harness, and resets it on reuse', () => {
    const cacheRoot = path.join(repo, '.cache', 'ab');
    const dir = ensureBaseWorktree({ repo, sha: first, cacheRoot });
    expect(dir).toBe(path.join(cacheRoot, `base-${first.slice(0, 12)}`));
    expect(fs.readFileSync(path.join(dir, 'perf-tests/a.perf.ts'), 'utf8')).toBe('// base suite\n');
    overlayHarness(repo, dir, first);
    // head's harness and runner, base's suites
    expect(fs.readFileSync(path.join(dir, 'src/perf/suite/api.ts'), 'utf8')).toBe('export const version = 2;\n');
    expect(fs.existsSync(path.join(dir, 'src/perf/ab/new.ts'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'bin/perf.js'), 'utf8')).toBe('// head runner\n');
    expect(fs.readFileSync(path.join(dir, 'perf-tests/a.perf.ts'), 'utf8')).toBe('// base suite\n');
    // a second run reuses the checkout and starts from base's own files again
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    expect(ensureBaseWorktree({ repo, sha: first, cacheRoot })).toBe(dir);
    expect(fs.readFileSync(path.join(dir, 'src/perf/suite/api.ts'), 'utf8')).toBe('export const version = 1;\n');
    expect(fs.existsSync(path.join(dir, 'src/perf/ab/new.ts'))).toBe(false);
    expect(fs.lstatSync(path.join(dir, 'node_modules')).isSymbolicLink()).toBe(true); // kept
  });

  it('refuses a base whose harness layout predates src/perf/suite, naming the fix', () => {
    const old = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ab-old-'));
    try {
      expect(() => overlayHarness(repo, old, first)).toThrow(/has no src\/perf\/suite/);
    } finally {
      fs.rmSync(old, { recursive: true, force: true });
    }
  });

  it("links head's node_modules when the lockfiles are identical, and installs once per lockfile otherwise", () => {
    const cacheRoot = path.join(repo, '.cache', 'ab');
    const dir = ensureBaseWorktree({ repo, sha: first, cacheRoot });
    const same = ensureDependencies(repo, dir, cacheRoot, () => {}, process.env);
    expect(same.note).toMatch(/head's node_modules/);
    expect(fs.realpathSync(path.join(dir, 'node_modules'))).toBe(fs.realpathSync(path.join(repo, 'node_modules')));
    // base with another lockfile (no dependencies at all, so npm ci needs no network)
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lock({}).replace('"requires":true', '"requires":false'));
    const lines: string[] = [];
    const other = ensureDependencies(repo, dir, cacheRoot, (l) => lines.push(l), process.env);
    expect(other.note).toMatch(/installed once for base's package-lock.json/);
    expect(lines.join('\n')).toMatch(/npm ci/);
    const target = fs.realpathSync(path.join(dir, 'node_modules'));
    expect(target).toBe(path.join(fs.realpathSync(cacheRoot), `deps-${other.lockHash.slice(0, 12)}`, 'node_modules'));
    // the same lockfile again: no second install
    const again: string[] = [];
    ensureDependencies(repo, dir, cacheRoot, (l) => again.push(l), process.env);
    expect(again).toEqual([]);
  });

  it("shares head's content-keyed caches with the base checkout", () => {
    const cacheRoot = path.join(repo, '.cache', 'ab');
    const dir = ensureBaseWorktree({ repo, sha: first, cacheRoot });
    const headCache = path.join(repo, '.cache');
    shareCaches(headCache, dir);
    expect(fs.readlinkSync(path.join(dir, '.cache', 'models'))).toBe(path.join(headCache, 'models'));
    expect(fs.readlinkSync(path.join(dir, '.cache', 'corpora'))).toBe(path.join(headCache, 'corpora'));
    expect(fs.readlinkSync(path.join(dir, '.cache', 'db-dumps'))).toBe(path.join(headCache, 'db-dumps'));
  });
});
