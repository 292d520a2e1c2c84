// Test helpers: the shared synthetic packs (built once into the project cache) and throwaway copies.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultCacheDir } from '../../../shared/paths.ts';
import { buildSyntheticPack } from '../build.ts';
import { sha256File, type Manifest } from '../manifest.ts';

export const TEST_CACHE_DIR = defaultCacheDir({});

export async function packDir(name: string): Promise<string> {
  return (await buildSyntheticPack(name, TEST_CACHE_DIR)).dir;
}

/** Copies the small files + the int8 model of a pack into a temp folder (the manifest still lists fp32). */
export async function copyPackInt8(name: string): Promise<string> {
  const src = await packDir(name);
  const dst = await mkdtemp(path.join(os.tmpdir(), `tg-pack-${name}-`));
  for (const rel of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'manifest.json', 'onnx/model_quantized.onnx']) {
    await cp(path.join(src, rel), path.join(dst, rel), { recursive: true });
  }
  return dst;
}

/** Rewrites a file of a pack and updates its manifest entry (a deliberate, consistent edit). */
export async function rewritePackFile(dir: string, rel: string, content: string): Promise<void> {
  await writeFile(path.join(dir, rel), content);
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  manifest.files[rel] = { sha256: await sha256File(path.join(dir, rel)), bytes: Buffer.byteLength(content) };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
}
