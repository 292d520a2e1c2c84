// The base side of an A/B run on disk: a git worktree of the base commit under .cache/ab/,
// keyed by commit, with head's harness (src/perf, bin/perf.js) copied over base's so the same
// instrument measures both sides, dependencies installed once per package-lock.json hash (head's
// node_modules when the lockfiles are identical), and the content-keyed caches (model packs,
// embedded corpora) shared with head.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';

export interface GitState {
  sha: string;
  dirty: boolean;
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The commit a ref names, or a UserError naming the ref. */
export function resolveCommit(repo: string, ref: string): string {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) {
    throw new UserError(`--base ${ref} does not name a commit of the repository at ${repo}`, {
      fix: 'pass a branch, tag or commit that exists locally, e.g. --base main or --base HEAD (fetch it first if it lives on a remote)',
    });
  }
  return r.stdout.trim();
}

/** The head side: the working tree's commit and whether it has uncommitted changes. */
export function workingTreeState(repo: string): GitState {
  return { sha: git(repo, ['rev-parse', 'HEAD']), dirty: git(repo, ['status', '--porcelain', '--untracked-files=no']).length > 0 };
}

export interface BaseTreeOptions {
  /** The repository (head's working tree). */
  repo: string;
  sha: string;
  /** Folder of A/B state (default <repo>/.cache/ab). */
  cacheRoot: string;
}

/** A clean checkout of `sha` at <cacheRoot>/base-<sha12>, reused when it exists. */
export function ensureBaseWorktree(o: BaseTreeOptions): string {
  const dir = path.join(o.cacheRoot, `base-${o.sha.slice(0, 12)}`);
  fs.mkdirSync(o.cacheRoot, { recursive: true });
  const reusable = fs.existsSync(path.join(dir, '.git')) && spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).stdout?.trim() === o.sha;
  if (reusable) {
    // Undo the previous run's harness overlay; keep the dependency link and the caches.
    git(dir, ['checkout', '--force', '--detach', o.sha]);
    git(dir, ['clean', '-fdq', '-e', 'node_modules', '-e', '.cache']);
    return dir;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  git(o.repo, ['worktree', 'prune']);
  git(o.repo, ['worktree', 'add', '--detach', '--force', dir, o.sha]);
  return dir;
}

/**
 * Copy head's harness over the base checkout: the same sampler, statistics and lockstep client
 * measure both sides. Base's suites (perf-tests/) and product code stay base's.
 */
export function overlayHarness(headRoot: string, baseDir: string, baseSha: string): void {
  if (!fs.existsSync(path.join(baseDir, 'src', 'perf', 'suite'))) {
    throw new UserError(`the base commit ${baseSha.slice(0, 12)} has no src/perf/suite (an older layout of the harness): its suites cannot run under head's harness`, {
      fix: 'choose a base at or after the commit that introduced src/perf/suite, or compare with stored baselines (`npm run perf`)',
    });
  }
  fs.rmSync(path.join(baseDir, 'src', 'perf'), { recursive: true, force: true });
  fs.cpSync(path.join(headRoot, 'src', 'perf'), path.join(baseDir, 'src', 'perf'), { recursive: true });
  fs.copyFileSync(path.join(headRoot, 'bin', 'perf.js'), path.join(baseDir, 'bin', 'perf.js'));
}

export function fileHash(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export interface DepsResult {
  /** How the base side got its node_modules, in words (for the report). */
  note: string;
  lockHash: string;
}

/** Point <baseDir>/node_modules at dependencies installed for base's package-lock.json. */
export function ensureDependencies(headRoot: string, baseDir: string, cacheRoot: string, log: (line: string) => void, env: NodeJS.ProcessEnv): DepsResult {
  const baseLock = path.join(baseDir, 'package-lock.json');
  const headLock = path.join(headRoot, 'package-lock.json');
  if (!fs.existsSync(baseLock)) throw new UserError(`the base checkout ${baseDir} has no package-lock.json`, { fix: 'choose a base commit with a package-lock.json' });
  const lockHash = fileHash(baseLock);
  const link = path.join(baseDir, 'node_modules');
  let target: string;
  let note: string;
  if (fs.existsSync(headLock) && fileHash(headLock) === lockHash && fs.existsSync(path.join(headRoot, 'node_modules'))) {
    target = fs.realpathSync(path.join(headRoot, 'node_modules'));
    note = "head's node_modules (identical package-lock.json)";
  } else {
    const depsDir = path.join(cacheRoot, `deps-${lockHash.slice(0, 12)}`);
    target = path.join(depsDir, 'node_modules');
    note = `installed once for base's package-lock.json ${lockHash.slice(0, 12)} (${depsDir})`;
    if (!fs.existsSync(path.join(depsDir, INSTALLED))) installDependencies(baseDir, depsDir, log, env);
  }
  const current = fs.lstatSync(link, { throwIfNoEntry: false });
  if (!current || !current.isSymbolicLink() || fs.readlinkSync(link) !== target) {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(target, link, 'dir');
  }
  return { note, lockHash };
}

/** Written last into a dependency folder: its install finished. */
const INSTALLED = '.installed';

function installDependencies(baseDir: string, depsDir: string, log: (line: string) => void, env: NodeJS.ProcessEnv): void {
  const tmp = `${depsDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', '.npmrc', '.puppeteerrc.cjs']) {
    if (fs.existsSync(path.join(baseDir, f))) fs.copyFileSync(path.join(baseDir, f), path.join(tmp, f));
  }
  log(`  ab: installing base dependencies (npm ci) into ${depsDir}`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: tmp,
    encoding: 'utf8',
    env: { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new UserError(`npm ci for the base revision failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-5).join(' | ')}`, {
      fix: "check that the base's package-lock.json installs (`npm ci` in a checkout of it)",
    });
  }
  fs.mkdirSync(path.join(tmp, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(tmp, INSTALLED), `${new Date().toISOString()}\n`);
  fs.rmSync(depsDir, { recursive: true, force: true });
  fs.renameSync(tmp, depsDir);
}

/**
 * Share head's content-keyed caches with base: model packs (by spec hash), embedded corpora (by
 * model hash) and database dumps of built indexes (by corpus, model and index spec), so neither
 * side rebuilds what the other already made.
 */
export function shareCaches(headCacheDir: string, baseDir: string): void {
  const baseCache = path.join(baseDir, '.cache');
  fs.mkdirSync(baseCache, { recursive: true });
  for (const name of ['models', 'corpora', 'db-dumps', 'instruction-counts']) {
    const target = path.join(headCacheDir, name);
    fs.mkdirSync(target, { recursive: true });
    const link = path.join(baseCache, name);
    const st = fs.lstatSync(link, { throwIfNoEntry: false });
    if (st?.isSymbolicLink() && fs.readlinkSync(link) === target) continue;
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(target, link, 'dir');
  }
}
