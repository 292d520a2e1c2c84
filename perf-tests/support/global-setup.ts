// vitest globalSetup of the perf project (main process, before any suite): generates the synthetic
// model packs a fresh clone lacks, one at a time with a progress line each, so that the first suite
// does not sit silent for the pack build and parallel workers never build the same pack twice.
import type { TestProject } from 'vitest/node';
import { defaultCacheDir } from '../../src/shared/paths.ts';
import { buildSyntheticPack, syntheticPackDir } from '../../src/truthgraph/models/build.ts';
import { DEFAULT_EMBEDDER_PACK, DEFAULT_NLI_PACK, syntheticSpec } from '../../src/truthgraph/models/spec.ts';
import { progressClient } from '../../src/perf/progress/channel.ts';
import { PROVIDE_KEY, type HarnessOptions } from '../../src/perf/options.ts';
import { existsSync } from 'node:fs';

export default async function setup(project: TestProject): Promise<void> {
  const options = (project.getProvidedContext() as unknown as Record<string, unknown>)[PROVIDE_KEY] as HarnessOptions | undefined;
  const progress = progressClient(options?.progressSocket);
  const cacheDir = defaultCacheDir();
  for (const name of [DEFAULT_EMBEDDER_PACK, DEFAULT_NLI_PACK]) {
    if (existsSync(syntheticPackDir(cacheDir, syntheticSpec(name)!))) continue;
    const label = `model pack ${name} (synthetic, generated once per clone)`;
    await progress.step(label, () => buildSyntheticPack(name, cacheDir, { onPhase: (phase) => progress.line(`${label}: ${phase}`) }));
  }
}
