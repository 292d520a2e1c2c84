// The embedded-corpus cache: built once per (corpus content, pack), reloaded bit-exact, rebuilt when
// the pack changes or the file is damaged. A tiny deterministic embedder stands in for ORT here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrBuildEmbeddedCorpus, type CorpusEmbedder } from './embedded-corpus.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-corpus-cache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakeEmbedder(hash: string): CorpusEmbedder & { calls: number } {
  return {
    pack: { id: 'fake', variant: 'int8', hash },
    dimension: 8,
    calls: 0,
    async embed(texts) {
      this.calls++;
      return texts.map((t) => Float32Array.from({ length: 8 }, (_, i) => (t.charCodeAt(i % t.length) * (i + 1)) / 1000 + 0.1));
    },
  };
}

describe('loadOrBuildEmbeddedCorpus', () => {
  it('embeds once, then reloads the same vectors from cache without calling the embedder', async () => {
    const embedder = fakeEmbedder('h1');
    const first = await loadOrBuildEmbeddedCorpus(300, embedder, { cacheDir: dir, chunkSize: 100 });
    expect(first.fromCache).toBe(false);
    expect(embedder.calls).toBe(3);
    expect(first.vectors).toHaveLength(300);
    const again = await loadOrBuildEmbeddedCorpus(300, embedder, { cacheDir: dir });
    expect(again).toMatchObject({ fromCache: true, key: first.key, file: first.file, embedMs: 0 });
    expect(embedder.calls).toBe(3);
    expect(again.vectors.map((v) => Array.from(v))).toEqual(first.vectors.map((v) => Array.from(v)));
    expect(again.corpus.items.map((i) => i.id)).toEqual(first.corpus.items.map((i) => i.id));
  });

  it('keys the cache on the pack hash and rebuilds a truncated file', async () => {
    const other = await loadOrBuildEmbeddedCorpus(300, fakeEmbedder('h2'), { cacheDir: dir });
    expect(other.fromCache).toBe(false);
    const base = await loadOrBuildEmbeddedCorpus(300, fakeEmbedder('h1'), { cacheDir: dir });
    expect(other.key).not.toBe(base.key);
    fs.truncateSync(base.file, 100);
    const embedder = fakeEmbedder('h1');
    const rebuilt = await loadOrBuildEmbeddedCorpus(300, embedder, { cacheDir: dir });
    expect(rebuilt.fromCache).toBe(false);
    expect(embedder.calls).toBeGreaterThan(0);
    expect(fs.statSync(rebuilt.file).size).toBe(300 * 8 * 4);
  });

  it('takes a smaller corpus as the prefix of a larger one, embedding only the larger', async () => {
    const embedder = fakeEmbedder('h3');
    const small = await loadOrBuildEmbeddedCorpus(120, embedder, { cacheDir: dir, chunkSize: 100, supersetSize: 300 });
    expect(embedder.calls).toBe(3);
    const whole = await loadOrBuildEmbeddedCorpus(300, embedder, { cacheDir: dir });
    expect(whole.fromCache).toBe(true);
    expect(small.corpus.items.map((i) => i.id)).toEqual(whole.corpus.items.slice(0, 120).map((i) => i.id));
    expect(small.vectors.map((v) => Array.from(v))).toEqual(whole.vectors.slice(0, 120).map((v) => Array.from(v)));
    expect(small.key).not.toBe(whole.key);
  });
});
