// manifest.json: what a pack is and the sha256 of every file in it. Loading checks the files it uses.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import type { BertSpec, PackKind } from './spec.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 1;

export interface ManifestFile {
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: number;
  /** Stable id: `<name>-<spechash>` for synthetic packs, `<hub-id>@<revision>` for downloads. */
  id: string;
  name: string;
  kind: PackKind;
  synthetic: boolean;
  spec: BertSpec | null;
  source: { hub: string; revision: string; hubUrl: string } | null;
  createdAt: string;
  files: Record<string, ManifestFile>;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(path.join(dir, rel)).isDirectory()) out.push(...listFiles(dir, rel));
    else if (rel !== MANIFEST_FILE) out.push(rel);
  }
  return out;
}

/** Hashes every file under `dir` and writes manifest.json. */
export async function writeManifest(dir: string, meta: Omit<Manifest, 'format' | 'files' | 'createdAt'>): Promise<Manifest> {
  const files: Record<string, ManifestFile> = {};
  for (const rel of listFiles(dir)) {
    files[rel] = { sha256: await sha256File(path.join(dir, rel)), bytes: statSync(path.join(dir, rel)).size };
  }
  const manifest: Manifest = { format: MANIFEST_FORMAT, ...meta, createdAt: new Date().toISOString(), files };
  await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export async function readManifest(dir: string, fix: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new UserError(`model pack ${dir} has no ${MANIFEST_FILE}`, { fix });
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    if (m.format !== MANIFEST_FORMAT || typeof m.files !== 'object' || !m.files) throw new Error(`unsupported manifest format ${m.format}`);
    return m;
  } catch (cause) {
    throw new UserError(`model pack ${dir}: ${MANIFEST_FILE} is unreadable (${(cause as Error).message})`, { fix, cause });
  }
}

/** Checks size and sha256 of the listed files; the error names the first bad file and the fix. */
export async function verifyFiles(dir: string, manifest: Manifest, rels: readonly string[], fix: string): Promise<void> {
  for (const rel of rels) {
    const entry = manifest.files[rel];
    const file = path.join(dir, rel);
    if (!entry) throw new UserError(`model pack ${manifest.id}: ${rel} is not listed in its manifest`, { fix });
    if (!existsSync(file)) throw new UserError(`model pack ${manifest.id}: file ${file} is missing`, { fix });
    const size = statSync(file).size;
    if (size !== entry.bytes || (await sha256File(file)) !== entry.sha256) {
      throw new UserError(`model pack ${manifest.id}: file ${file} is corrupt (sha256 does not match the manifest)`, { fix });
    }
  }
}
