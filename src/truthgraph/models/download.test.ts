import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbedder } from '../embedding/embedder.ts';
import { UserError } from '../../shared/errors.ts';
import { downloadHubPack } from './download.ts';
import { startHubServer, type HubServer } from './testing/hub-server.ts';
import { copyPackInt8, TEST_CACHE_DIR } from './testing/packs.ts';

let hub: HubServer;
let cacheDir: string;
beforeAll(async () => {
  // A hub-shaped repo: the synthetic embedder's files (int8 only, to keep the transfer small) + a README.
  const repo = await copyPackInt8('minilm-l6-h384');
  await cp(path.join(repo, 'config.json'), path.join(repo, 'README.md'));
  hub = await startHubServer({ 'truthgraph/minilm-synthetic': repo });
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'tg-hub-cache-'));
});
afterAll(async () => hub?.close());

describe('models download (against a loopback hub)', () => {
  it('downloads the pack files with @huggingface/hub, writes a manifest, and the pack loads and embeds', async () => {
    const r = await downloadHubPack({ id: 'truthgraph/minilm-synthetic', revision: 'main', hubUrl: hub.url, cacheDir });
    expect(r.downloaded).toBe(true);
    expect(r.files.sort()).toEqual(['config.json', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json', 'upstream-manifest.json']);
    expect(hub.requests.some((q) => q.startsWith('GET /api/models/truthgraph/minilm-synthetic/tree/main'))).toBe(true);
    expect(r.manifest).toMatchObject({ id: 'truthgraph/minilm-synthetic@main', kind: 'embedder', synthetic: true });

    const downloaded = await loadEmbedder({ cacheDir, pack: 'truthgraph/minilm-synthetic', variant: 'int8', threads: 1 });
    const local = await loadEmbedder({ cacheDir: TEST_CACHE_DIR, variant: 'int8', threads: 1 });
    try {
      expect(downloaded.pack.hash).toBe(local.pack.hash);
      expect(downloaded.pack.source).toEqual({ hub: 'truthgraph/minilm-synthetic', revision: 'main', hubUrl: hub.url });
      const [a] = await downloaded.embed(['the same text']);
      const [b] = await local.embed(['the same text']);
      expect(Array.from(a!)).toEqual(Array.from(b!));
    } finally {
      await downloaded.dispose();
      await local.dispose();
    }
    const again = await downloadHubPack({ id: 'truthgraph/minilm-synthetic', revision: 'main', hubUrl: hub.url, cacheDir });
    expect(again.downloaded).toBe(false);
  });

  it('reports an unknown repo or revision as a UserError naming the hub', async () => {
    const e1 = await downloadHubPack({ id: 'nobody/nothing', revision: 'main', hubUrl: hub.url, cacheDir }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(UserError);
    expect((e1 as UserError).message).toContain(hub.url);
    await expect(downloadHubPack({ id: 'truthgraph/minilm-synthetic', revision: 'v9', hubUrl: hub.url, cacheDir })).rejects.toThrow(/cannot list/);
  });
});
