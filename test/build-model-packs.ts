// vitest globalSetup: build the synthetic model packs once, before any test file starts, so that
// parallel test files on a fresh clone do not all generate the same packs at once.
import { buildSyntheticPack } from '../src/truthgraph/models/build.ts';
import { defaultCacheDir } from '../src/shared/paths.ts';

export default async function setup(): Promise<void> {
  const cacheDir = defaultCacheDir();
  for (const name of ['minilm-l6-h384', 'nli-l6-h768']) await buildSyntheticPack(name, cacheDir);
}
