// Counted instructions are a function of the code, its inputs and the counting environment, so a
// count is kept under a key made of all of them and reused when every part is the same. This is
// what makes instruction counts cheap in A/B mode: base and head bundles of a workload whose code
// a change does not touch are identical but for the checkout's path, so the workload is counted
// once for both sides (and not again in a later run), instead of twice under valgrind (~50x
// slower than native). A reused count says so in the metric's measurement.
//
// The key: the bundle's files (the project root replaced by a placeholder), the workload name and
// its iterations, Node, V8, valgrind and glibc versions, node and valgrind flags, the CPU model and
// its flags (onnxruntime picks kernels by CPU), package-lock.json (the native packages left out of
// the bundle), the fixtures the workloads read and the names of the model packs (content-hashed).
// PERF_INSTRUCTION_CACHE=0 turns reuse off; repeated counts (PERF_INSTRUCTION_REPEATS) never reuse.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InstructionCount } from './count.ts';

/** Entries kept; older ones (by last use) are removed when a count is stored. */
const MAX_ENTRIES = 96;
const POLL_MS = 250;

export interface CountKeyParts {
  /** Folder of the bundle (entry.mjs and its chunks). */
  bundleDir: string;
  /** Project root whose absolute path is embedded in the bundle. */
  root: string;
  workload: string;
  iterations: number;
  /** Environment facts (versions, flags, CPU): any string that, when it changes, may change counts. */
  environment: readonly string[];
  /** Files or folders the workloads read at run time, hashed by content (missing ones by name). */
  inputs: readonly string[];
  /** Folders whose entry names (not contents) matter, e.g. content-hashed model pack folders. */
  listings: readonly string[];
}

function hashTree(hash: ReturnType<typeof createHash>, target: string): void {
  const st = fs.statSync(target, { throwIfNoEntry: false });
  if (!st) {
    hash.update(`missing:${target}\0`);
    return;
  }
  if (st.isFile()) {
    hash.update(fs.readFileSync(target)).update('\0');
    return;
  }
  for (const name of fs.readdirSync(target).sort()) {
    hash.update(`${name}\0`);
    hashTree(hash, path.join(target, name));
  }
}

export function countKey(p: CountKeyParts): string {
  const hash = createHash('sha256');
  const rootUrl = pathToFileURL(p.root).href;
  // Chunk names are hashes of chunk contents, which embed the root: they are left out too, and
  // the chunks are taken in the order of their normalised texts.
  const texts = fs
    .readdirSync(p.bundleDir)
    .map((name) =>
      fs
        .readFileSync(path.join(p.bundleDir, name), 'utf8')
        .replaceAll(rootUrl, '<root-url>')
        .replaceAll(p.root, '<root>')
        .replace(/chunk-[A-Za-z0-9]+\.mjs/g, 'chunk.mjs'),
    )
    .sort();
  for (const text of texts) hash.update(`${text}\0`);
  hash.update(`${p.workload}\0${p.iterations}\0${p.environment.join('\0')}\0`);
  for (const input of p.inputs) hashTree(hash, input);
  for (const dir of p.listings) hash.update(`${(fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []).join('\0')}\0`);
  return hash.digest('hex').slice(0, 32);
}

export interface CachedCount {
  count: InstructionCount;
  /** The key it is stored under (absent when reuse is off). */
  key?: string;
  /** When set, the count was reused: when and where it was first made. */
  reused?: { countedAt: string; key: string };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lock: string): { pid: number; ageMs: number } | undefined {
  try {
    return { pid: Number(fs.readFileSync(lock, 'utf8').trim()), ageMs: Date.now() - fs.statSync(lock).mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const copyDumps = (from: string, to: string): void => {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) if (f.startsWith('callgrind.out')) fs.copyFileSync(path.join(from, f), path.join(to, f));
};

function prune(cacheDir: string): void {
  const entries = fs
    .readdirSync(cacheDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ dir: path.join(cacheDir, e.name), used: fs.statSync(path.join(cacheDir, e.name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const old of entries.slice(MAX_ENTRIES)) fs.rmSync(old.dir, { recursive: true, force: true });
}

function read(entry: string, key: string, outDir: string): CachedCount | undefined {
  const file = path.join(entry, 'count.json');
  if (!fs.existsSync(file)) return undefined;
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { countedAt: string; count: InstructionCount };
  copyDumps(entry, outDir);
  const now = new Date();
  fs.utimesSync(entry, now, now); // last use, for pruning
  return { count: { ...stored.count, outDir }, key, reused: { countedAt: stored.countedAt, key } };
}

/**
 * The count stored under `key`, or `count()`'s result, stored for the next caller. Two processes
 * asking for the same key at once (the two sides of an A/B run) count once: the first takes a
 * lock file, the other waits for its result (or takes over when the lock's process has died).
 */
export async function cachedCount(cacheDir: string, key: string, outDir: string, count: () => Promise<InstructionCount>): Promise<CachedCount> {
  const entry = path.join(cacheDir, key);
  const lock = `${entry}.lock`;
  fs.mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    const hit = read(entry, key, outDir);
    if (hit) return hit;
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (fd === undefined) {
      const holder = readLock(lock);
      // A dead holder, or a lock whose holder died before writing its pid, is taken over; a lock
      // released meanwhile (undefined) sends us back to read the entry.
      if (holder && (Number.isInteger(holder.pid) && holder.pid > 0 ? !alive(holder.pid) : holder.ageMs > 60_000)) fs.rmSync(lock, { force: true });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      continue;
    }
    try {
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      const hit = read(entry, key, outDir); // finished between our read and the lock
      if (hit) return hit;
      const counted = await count();
      // Written beside, then renamed into place: a reader never sees half an entry.
      const tmp = `${entry}.${process.pid}.tmp`;
      fs.rmSync(tmp, { recursive: true, force: true });
      copyDumps(counted.outDir, tmp);
      fs.writeFileSync(path.join(tmp, 'count.json'), JSON.stringify({ countedAt: new Date().toISOString(), count: counted }));
      try {
        fs.renameSync(tmp, entry);
      } catch (error) {
        // Another process stored the same key first (it took over a lock it thought stale).
        fs.rmSync(tmp, { recursive: true, force: true });
        if (!fs.existsSync(path.join(entry, 'count.json'))) throw error;
      }
      prune(cacheDir);
      return { count: counted, key };
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
}
