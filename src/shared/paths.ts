// Where the project keeps generated, git-ignored state (model packs, embedded database data).
// Resolved from the package root, not the process cwd, so `npx truthgraph` works from any folder.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Root of all generated state; `TRUTHGRAPH_CACHE_DIR` overrides it (read once, by the CLI/config layer). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TRUTHGRAPH_CACHE_DIR ? path.resolve(env.TRUTHGRAPH_CACHE_DIR) : path.join(PROJECT_ROOT, '.cache');
}

export const FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');
export const DATASET_DIR = path.join(FIXTURES_DIR, 'truthgraph');
