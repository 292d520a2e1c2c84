// Real packs: fetch a Hugging Face model folder with @huggingface/hub, write our manifest, and keep
// it under <cacheDir>/models/hub/ so it loads like any pack. Built in a temp folder, then renamed.
import { downloadFile, listFiles } from '@huggingface/hub';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UserError } from '../../shared/errors.ts';
import { MODEL_FILES } from './build.ts';
import { hubPackDir } from './hub-paths.ts';
import { writeManifest, type Manifest } from './manifest.ts';
import type { PackKind } from './spec.ts';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** Files a pack needs (config, tokenizer) or may use; other repo files (weights for other runtimes) are skipped. */
const REQUIRED = ['config.json', 'tokenizer.json'];
const OPTIONAL = ['tokenizer_config.json', 'special_tokens_map.json', MODEL_FILES.fp32, MODEL_FILES.int8];

export interface DownloadOptions {
  id: string;
  revision: string;
  hubUrl: string;
  cacheDir: string;
  accessToken?: string;
  /** Replace an existing download. */
  force?: boolean;
}

export interface DownloadResult {
  dir: string;
  manifest: Manifest | null;
  downloaded: boolean;
  files: string[];
}

export async function downloadHubPack(o: DownloadOptions): Promise<DownloadResult> {
  const dir = hubPackDir(o.cacheDir, o.id, o.revision);
  if (existsSync(dir) && !o.force) return { dir, manifest: null, downloaded: false, files: [] };
  const repo = { type: 'model' as const, name: o.id };
  const common = { repo, revision: o.revision, hubUrl: o.hubUrl, ...(o.accessToken ? { accessToken: o.accessToken } : {}) };
  const fix = `check the hub id, revision and --hub-url (${o.hubUrl}), then rerun npx truthgraph models download ${o.id}`;

  const available = new Set<string>();
  try {
    for await (const entry of listFiles({ ...common, recursive: true })) if (entry.type === 'file') available.add(entry.path);
  } catch (cause) {
    throw new UserError(`cannot list ${o.id}@${o.revision} on ${o.hubUrl}: ${(cause as Error).message}`, { fix, cause });
  }
  const missing = REQUIRED.filter((f) => !available.has(f));
  if (missing.length > 0) throw new UserError(`${o.id}@${o.revision} has no ${missing.join(', ')}: not a usable model pack`, { fix });
  if (!available.has(MODEL_FILES.fp32) && !available.has(MODEL_FILES.int8)) {
    throw new UserError(`${o.id}@${o.revision} has no ONNX export (${MODEL_FILES.fp32} or ${MODEL_FILES.int8})`, {
      fix: 'pick a repository that ships an onnx/ folder (e.g. one exported for Transformers.js)',
    });
  }
  const wanted = [...REQUIRED, ...OPTIONAL.filter((f) => available.has(f))];
  if (available.has('manifest.json')) wanted.push('manifest.json');

  await mkdir(path.dirname(dir), { recursive: true });
  const tmp = await mkdtemp(path.join(path.dirname(dir), '.tmp-download-'));
  try {
    for (const rel of wanted) {
      const blob = await downloadFile({ ...common, path: rel });
      if (!blob) throw new UserError(`${o.id}@${o.revision}: ${rel} disappeared while downloading`, { fix });
      const target = path.join(tmp, rel === 'manifest.json' ? 'upstream-manifest.json' : rel);
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(Readable.fromWeb(blob.stream() as unknown as WebReadableStream), createWriteStream(target));
    }
    const config = JSON.parse(await readFile(path.join(tmp, 'config.json'), 'utf8')) as Record<string, unknown>;
    // A repo that carries our own manifest (a published synthetic pack) keeps its synthetic flag and spec.
    const upstream = available.has('manifest.json')
      ? (JSON.parse(await readFile(path.join(tmp, 'upstream-manifest.json'), 'utf8')) as Partial<Manifest>)
      : null;
    const manifest = await writeManifest(tmp, {
      id: `${o.id}@${o.revision}`,
      name: o.id,
      kind: upstream?.kind ?? kindFromConfig(config),
      synthetic: upstream?.synthetic === true,
      spec: upstream?.spec ?? null,
      source: { hub: o.id, revision: o.revision, hubUrl: o.hubUrl },
    });
    if (o.force) await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { dir, manifest, downloaded: true, files: Object.keys(manifest.files) };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (error instanceof UserError) throw error;
    throw new UserError(`downloading ${o.id}@${o.revision} from ${o.hubUrl} failed: ${(error as Error).message}`, { fix, cause: error });
  }
}

/** A sequence-classification head with labels is an NLI cross-encoder; anything else an embedder. */
export function kindFromConfig(config: Record<string, unknown>): PackKind {
  const arch = Array.isArray(config.architectures) ? config.architectures.join(' ') : '';
  const labels = config.id2label && typeof config.id2label === 'object' ? Object.keys(config.id2label).length : 0;
  return /ForSequenceClassification/.test(arch) && labels >= 2 ? 'nli' : 'embedder';
}
