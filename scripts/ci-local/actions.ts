// Local stand-ins for the actions our workflows use (`uses:`) and for the `run:` steps that
// only make sense on a GitHub runner. Each one prints what it did instead, so a local log says
// exactly where it differs from a hosted run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ActionEnv {
  /** The job's workspace ($GITHUB_WORKSPACE). */
  workspace: string;
  /** Where artifacts of this local workflow run are kept. */
  artifactsDir: string;
  /** The git URL standing in for the GitHub repository (a local bare repository). */
  remote: string;
  /** This project's checkout: node_modules and caches are borrowed from it. */
  projectRoot: string;
  /** Commit and ref of the run (github.sha, github.ref). */
  sha: string;
  ref: string;
  /** Artifacts to lose on upload (a job cancelled or killed before its upload finished). */
  dropArtifacts: ReadonlySet<string>;
  log: (line: string) => void;
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function checkout(w: Record<string, string>, a: ActionEnv): void {
  const dir = path.resolve(a.workspace, w.path ?? '.');
  fs.mkdirSync(dir, { recursive: true });
  if (fs.readdirSync(dir).length > 0 && !w.path) fs.rmSync(path.join(dir, '.git'), { recursive: true, force: true });
  git(dir, 'init', '-q');
  git(dir, 'remote', 'add', 'origin', a.remote);
  git(dir, 'fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*');
  const ref = w.ref || a.ref;
  if (ref && !/^[0-9a-f]{40}$/.test(ref)) {
    const branch = ref.replace(/^refs\/heads\//, '');
    if (ref.startsWith('refs/heads/') || !ref.startsWith('refs/')) {
      git(dir, 'checkout', '-q', '-B', branch, `origin/${branch}`);
    } else {
      git(dir, 'fetch', '-q', 'origin', `+${ref}:${ref}`);
      git(dir, 'checkout', '-q', '--detach', ref);
    }
  } else {
    git(dir, 'checkout', '-q', '--detach', ref || a.sha);
  }
  if (w['persist-credentials'] === 'false') {
    // No credentials stay behind: a push from this checkout must fail, as on GitHub.
    git(dir, 'remote', 'set-url', '--push', 'origin', 'persist-credentials-false://no-push');
  }
  a.log(`checkout: ${path.relative(a.workspace, dir) || '.'} at ${git(dir, 'rev-parse', '--short', 'HEAD')} (${w.ref || a.ref || a.sha})${w['persist-credentials'] === 'false' ? ', no credentials persisted' : ''}`);
}

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  fs.cpSync(from, to, { recursive: true, dereference: true });
}

function upload(w: Record<string, string>, a: ActionEnv): void {
  const paths = (w.path ?? '').split('\n').map((p) => p.trim()).filter(Boolean);
  if (paths.length !== 1) throw new Error(`upload-artifact: the local runner supports one path, got ${paths.length}`);
  const src = path.resolve(a.workspace, paths[0]!);
  const dest = path.join(a.artifactsDir, w.name ?? 'artifact');
  if (a.dropArtifacts.has(w.name ?? '')) {
    a.log(`upload-artifact: ${w.name} DROPPED (--drop-artifact: as if the job was cancelled before its upload)`);
    return;
  }
  if (fs.existsSync(dest)) throw new Error(`upload-artifact: an artifact named ${w.name} already exists in this run`);
  if (!fs.existsSync(src) || (fs.statSync(src).isDirectory() && fs.readdirSync(src).length === 0)) {
    if ((w['if-no-files-found'] ?? 'warn') === 'error') throw new Error(`upload-artifact: no files found at ${paths[0]}`);
    a.log(`upload-artifact: no files at ${paths[0]}, nothing uploaded`);
    return;
  }
  if (fs.statSync(src).isDirectory()) copyDir(src, dest);
  else copyDir(path.dirname(src), dest);
  a.log(`upload-artifact: ${w.name} <- ${paths[0]} (${fs.readdirSync(dest).length} entries)`);
}

function download(w: Record<string, string>, a: ActionEnv): void {
  const dest = path.resolve(a.workspace, w.path ?? '.');
  const all = fs.existsSync(a.artifactsDir) ? fs.readdirSync(a.artifactsDir).sort() : [];
  if (w.name) {
    if (!all.includes(w.name)) throw new Error(`download-artifact: no artifact named ${w.name} (have: ${all.join(', ') || 'none'})`);
    copyDir(path.join(a.artifactsDir, w.name), dest);
    a.log(`download-artifact: ${w.name} -> ${w.path ?? '.'}`);
    return;
  }
  const re = new RegExp(`^${(w.pattern ?? '*').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const matching = all.filter((n) => re.test(n));
  if (matching.length === 0) throw new Error(`download-artifact: no artifact matches ${w.pattern}`);
  for (const n of matching) copyDir(path.join(a.artifactsDir, n), path.join(dest, n));
  a.log(`download-artifact: ${matching.join(', ')} -> ${w.path ?? '.'}/<name>/`);
}

function cache(w: Record<string, string>, a: ActionEnv): void {
  for (const p of (w.path ?? '').split('\n').map((x) => x.trim()).filter(Boolean)) {
    const from = path.join(a.projectRoot, p);
    const to = path.join(a.workspace, p);
    if (fs.existsSync(from) && !fs.existsSync(to)) {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.symlinkSync(fs.realpathSync(from), to);
      a.log(`cache: ${p} linked from this machine's ${from} (key ${w.key})`);
    } else a.log(`cache: ${p} not restored (key ${w.key})`);
  }
}

/** Run a `uses:` step locally; throws on failure. */
export function runAction(uses: string, withInputs: Record<string, string>, a: ActionEnv): void {
  const name = uses.split('@')[0]!;
  switch (name) {
    case 'actions/checkout':
      return checkout(withInputs, a);
    case 'actions/setup-node':
      return a.log(`setup-node: using this machine's Node ${process.versions.node} (the workflow asks for ${withInputs['node-version'] ?? 'default'})`);
    case 'actions/cache':
    case 'actions/cache/restore':
      return cache(withInputs, a);
    case 'actions/upload-artifact':
      return upload(withInputs, a);
    case 'actions/download-artifact':
      return download(withInputs, a);
    default:
      throw new Error(`the local runner cannot run ${uses}`);
  }
}

/** A `run:` script that needs a GitHub runner, replaced by what does the same here; undefined to run it as written. */
export function localReplacement(script: string, cwd: string, a: ActionEnv): string | undefined {
  const s = script.trim();
  if (s === 'npm ci') {
    const lock = (d: string): string => fs.readFileSync(path.join(d, 'package-lock.json'), 'utf8');
    if (lock(cwd) === lock(a.projectRoot)) {
      fs.rmSync(path.join(cwd, 'node_modules'), { recursive: true, force: true });
      fs.symlinkSync(path.join(a.projectRoot, 'node_modules'), path.join(cwd, 'node_modules'));
      return ': # npm ci: same package-lock.json as this checkout, node_modules linked from it';
    }
    return undefined;
  }
  if (/apt-get install .*valgrind/.test(s)) {
    return 'command -v valgrind >/dev/null && echo "valgrind present: $(valgrind --version)" || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind)';
  }
  if (s === 'docker pull pgvector/pgvector:pg17') {
    // No image registry here: the image is built from Debian packages by the project's script.
    return 'docker image inspect pgvector/pgvector:pg17 >/dev/null 2>&1 && echo "pgvector/pgvector:pg17 present locally" || { if [ -f .ci/docker.sh ]; then bash .ci/docker.sh; else echo "pgvector/pgvector:pg17 is missing and this checkout has no local image builder" >&2; exit 1; fi; }';
  }
  return undefined;
}
