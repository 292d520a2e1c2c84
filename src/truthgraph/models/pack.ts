// Finding and loading a model pack: a Hugging Face-layout folder verified against its manifest.
// A pack reference is a folder path, a synthetic pack name (built on demand), or a hub id
// (`owner/name[@revision]`, downloaded beforehand with `models download`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { TextTokenizer } from '../tokenize/tokenizer.ts';
import { MODEL_FILES, buildSyntheticPack, syntheticPackDir } from './build.ts';
import { hubPackDir, parseHubRef } from './hub-paths.ts';
import { MANIFEST_FILE, readManifest, verifyFiles, type Manifest } from './manifest.ts';
import { SYNTHETIC_SPECS, syntheticSpec, type PackKind, type Variant, type VariantChoice } from './spec.ts';

export interface PackInfo {
  id: string;
  name: string;
  kind: PackKind;
  synthetic: boolean;
  variant: Variant;
  dir: string;
  /** The ONNX file the session loads, relative to `dir`. */
  modelFile: string;
  /** sha256 of that ONNX file (from the verified manifest): the model hash run contexts record. */
  hash: string;
  source: Manifest['source'];
}

export interface BertConfig {
  hidden_size: number;
  max_position_embeddings: number;
  id2label?: Record<string, string>;
  [key: string]: unknown;
}

export interface LoadedPack {
  info: PackInfo;
  config: BertConfig;
  tokenizer: TextTokenizer;
  modelPath: string;
  /** The command that rebuilds or re-downloads this pack (for errors about its files). */
  fix: string;
}

export interface PackRequest {
  /** Folder path, synthetic pack name or hub id. */
  pack: string;
  cacheDir: string;
  variant: VariantChoice;
  /** Build a synthetic pack that is not in the cache yet (default true). */
  autoBuild?: boolean;
  /** The kind the caller needs: loading another kind is a clear error, not a shape crash later. */
  expectKind?: PackKind;
}

interface Resolved {
  dir: string;
  fix: string;
}

async function resolvePack(pack: string, cacheDir: string, autoBuild: boolean): Promise<Resolved> {
  const spec = syntheticSpec(pack);
  if (spec) {
    const fix = `npx truthgraph models build ${spec.name} --force`;
    const dir = syntheticPackDir(cacheDir, spec);
    if (!existsSync(dir)) {
      if (!autoBuild) throw new UserError(`synthetic pack ${pack} is not built yet`, { fix: `npx truthgraph models build ${spec.name}` });
      await buildSyntheticPack(spec.name, cacheDir);
    }
    return { dir, fix };
  }
  if (existsSync(pack) && statSync(pack).isDirectory()) {
    return { dir: path.resolve(pack), fix: `rebuild or re-download the pack in ${path.resolve(pack)}` };
  }
  const hub = parseHubRef(pack);
  if (hub) {
    const dir = hubPackDir(cacheDir, hub.id, hub.revision);
    const fix = `npx truthgraph models download ${hub.id}${hub.revision === 'main' ? '' : ` --revision ${hub.revision}`}`;
    if (!existsSync(dir)) throw new UserError(`model pack ${pack} is not downloaded`, { fix });
    return { dir, fix };
  }
  throw new UserError(`unknown model pack "${pack}"`, {
    fix: `use a synthetic pack (${Object.keys(SYNTHETIC_SPECS).join(', ')}), a pack folder, or a hub id downloaded with npx truthgraph models download <hub-id>`,
  });
}

/** Resolves, (builds,) verifies and opens a pack: config, tokenizer and the variant's ONNX file. */
export async function loadPack(req: PackRequest): Promise<LoadedPack> {
  const { dir, fix } = await resolvePack(req.pack, req.cacheDir, req.autoBuild ?? true);
  const manifest = await readManifest(dir, fix);
  if (req.expectKind && manifest.kind !== req.expectKind) {
    const suggestion = Object.values(SYNTHETIC_SPECS).find((s) => s.kind === req.expectKind)?.name;
    throw new UserError(`model pack ${manifest.id} is an ${manifest.kind} pack, but an ${req.expectKind} pack is needed here`, {
      fix: `pass an ${req.expectKind} pack${suggestion ? ` (e.g. ${suggestion})` : ''}`,
    });
  }
  const variant: Variant = req.variant === 'auto' ? (manifest.files[MODEL_FILES.int8] ? 'int8' : 'fp32') : req.variant;
  const modelFile = MODEL_FILES[variant];
  if (!manifest.files[modelFile]) {
    throw new UserError(`model pack ${manifest.id} has no ${variant} variant (${modelFile})`, {
      fix: `use the variant the pack has (${Object.entries(MODEL_FILES).filter(([, f]) => manifest.files[f]).map(([v]) => v).join(', ') || 'none'})`,
    });
  }
  await verifyFiles(dir, manifest, ['config.json', 'tokenizer.json', modelFile], fix);
  const readJson = async (rel: string): Promise<Record<string, unknown>> => {
    try {
      return JSON.parse(await readFile(path.join(dir, rel), 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new UserError(`model pack ${manifest.id}: ${rel} is not valid JSON`, { fix, cause });
    }
  };
  const config = (await readJson('config.json')) as BertConfig;
  const tokenizerConfig = existsSync(path.join(dir, 'tokenizer_config.json')) ? await readJson('tokenizer_config.json') : {};
  let tokenizer: TextTokenizer;
  try {
    tokenizer = new TextTokenizer(await readJson('tokenizer.json'), tokenizerConfig);
  } catch (cause) {
    if (cause instanceof UserError) throw cause;
    throw new UserError(`model pack ${manifest.id}: tokenizer.json cannot be used (${(cause as Error).message})`, { fix, cause });
  }
  if (typeof config.hidden_size !== 'number') throw new UserError(`model pack ${manifest.id}: config.json has no hidden_size`, { fix });
  const info: PackInfo = {
    id: manifest.id,
    name: manifest.name,
    kind: manifest.kind,
    synthetic: manifest.synthetic,
    variant,
    dir,
    modelFile,
    hash: manifest.files[modelFile]!.sha256,
    source: manifest.source,
  };
  return { info, config, tokenizer, modelPath: path.join(dir, modelFile), fix };
}

export interface PackListing {
  name: string;
  id: string | null;
  kind: PackKind;
  synthetic: boolean;
  dir: string | null;
  built: boolean;
  variants: Variant[];
  bytes: number;
}

/** Every known synthetic pack (built or not) and every pack folder in the cache. */
export function listPacks(cacheDir: string): PackListing[] {
  const root = path.join(cacheDir, 'models');
  const seen = new Set<string>();
  const out: PackListing[] = [];
  const dirs = existsSync(root) ? readdirSync(root).filter((d) => !d.startsWith('.')).map((d) => path.join(root, d)) : [];
  const hubRoot = path.join(root, 'hub');
  if (existsSync(hubRoot)) dirs.push(...readdirSync(hubRoot).filter((d) => !d.startsWith('.')).map((d) => path.join(hubRoot, d)));
  for (const dir of dirs) {
    const file = path.join(dir, MANIFEST_FILE);
    if (!existsSync(file)) continue;
    try {
      const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      seen.add(dir);
      out.push({
        name: m.name, id: m.id, kind: m.kind, synthetic: m.synthetic, dir, built: true,
        variants: (Object.keys(MODEL_FILES) as Variant[]).filter((v) => m.files[MODEL_FILES[v]]),
        bytes: Object.values(m.files).reduce((s, f) => s + f.bytes, 0),
      });
    } catch {
      // An unreadable manifest is reported when the pack is loaded.
    }
  }
  for (const spec of Object.values(SYNTHETIC_SPECS)) {
    const dir = syntheticPackDir(cacheDir, spec);
    if (!seen.has(dir)) out.push({ name: spec.name, id: null, kind: spec.kind, synthetic: true, dir: null, built: false, variants: [], bytes: 0 });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
