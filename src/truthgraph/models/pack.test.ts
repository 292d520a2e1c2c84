import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { createSession } from '../inference/session.ts';
import { syntheticVocabulary } from './build.ts';
import { buildBertModel } from './onnx-graph.ts';
import { loadPack } from './pack.ts';
import { SYNTHETIC_SPECS, specHash, type BertSpec } from './spec.ts';
import { TEST_CACHE_DIR, copyPackInt8, packDir } from './testing/packs.ts';
import { generateWeights } from './weights.ts';

describe('synthetic packs', () => {
  it('have the HF layout, a manifest with sha256 of every file, and the specified config', async () => {
    const dir = await packDir('nli-l6-h768');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual(['config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    for (const f of Object.values(manifest.files) as Array<{ sha256: string }>) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest).toMatchObject({ kind: 'nli', synthetic: true, name: 'nli-l6-h768' });
    expect(path.basename(dir)).toBe(manifest.id);
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      hidden_size: 768, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 3072,
      vocab_size: 30522, max_position_embeddings: 512, type_vocab_size: 2,
    });
    expect(config.id2label).toEqual({ '0': 'contradiction', '1': 'entailment', '2': 'neutral' });
  });

  it('key the cache folder by a hash of spec, generator and vocabulary', () => {
    const spec = SYNTHETIC_SPECS['minilm-l6-h384']!;
    const vocab = syntheticVocabulary();
    expect(vocab.tokens).toHaveLength(30522);
    expect(new Set(vocab.tokens).size).toBe(30522);
    expect(specHash(spec, vocab.hash)).toBe(specHash({ ...spec }, vocab.hash));
    expect(specHash({ ...spec, hidden: 512 }, vocab.hash)).not.toBe(specHash(spec, vocab.hash));
  });

  it('generate deterministic graphs that onnxruntime loads, fp32 and int8 (tiny spec)', async () => {
    const tiny: BertSpec = { ...SYNTHETIC_SPECS['nli-l6-h768']!, name: 'tiny', hidden: 16, heads: 2, ffn: 32, layers: 2, maxPositions: 64 };
    const vocab = syntheticVocabulary();
    for (const variant of ['fp32', 'int8'] as const) {
      const a = buildBertModel(tiny, generateWeights(tiny, vocab), variant);
      const b = buildBertModel(tiny, generateWeights(tiny, vocab), variant);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tg-tiny-')), `${variant}.onnx`);
      writeFileSync(file, a);
      const session = await createSession(file, { threads: 1 });
      expect(session.outputNames).toEqual(['logits']);
      await session.release();
    }
  });
});

describe('loading a pack', () => {
  it('names a corrupt file and the command that rebuilds it', async () => {
    const dir = await copyPackInt8('minilm-l6-h384');
    appendFileSync(path.join(dir, 'onnx/model_quantized.onnx'), 'x');
    const error = await loadPack({ pack: dir, cacheDir: TEST_CACHE_DIR, variant: 'int8' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/model_quantized\.onnx is corrupt/);
    expect((error as UserError).fix).toContain(dir);
  });

  it('names a missing file', async () => {
    const dir = await copyPackInt8('minilm-l6-h384');
    rmSync(path.join(dir, 'tokenizer.json'));
    await expect(loadPack({ pack: dir, cacheDir: TEST_CACHE_DIR, variant: 'int8' })).rejects.toThrow(/tokenizer\.json is missing/);
  });

  it('says which variants exist when one is absent from the manifest', async () => {
    const dir = await copyPackInt8('minilm-l6-h384');
    const manifestPath = path.join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    delete m.files['onnx/model.onnx'];
    writeFileSync(manifestPath, JSON.stringify(m));
    await expect(loadPack({ pack: dir, cacheDir: TEST_CACHE_DIR, variant: 'fp32' })).rejects.toThrow(/has no fp32 variant/);
  });

  it('variant auto picks int8 when the pack ships it, else fp32', async () => {
    expect((await loadPack({ pack: 'minilm-l6-h384', cacheDir: TEST_CACHE_DIR, variant: 'auto' })).info.variant).toBe('int8');
    const dir = await copyPackInt8('minilm-l6-h384');
    const manifestPath = path.join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    delete m.files['onnx/model_quantized.onnx'];
    writeFileSync(manifestPath, JSON.stringify(m));
    await expect(loadPack({ pack: dir, cacheDir: TEST_CACHE_DIR, variant: 'auto' })).rejects.toThrow(/onnx\/model\.onnx is missing/); // fp32 chosen; the copy lacks it
  });

  it('for a synthetic pack name, the fix is `npx truthgraph models build <name>`', async () => {
    const error = await loadPack({ pack: 'minilm-l6-h384', cacheDir: path.join(TEST_CACHE_DIR, 'nonexistent-cache'), variant: 'int8', autoBuild: false }).catch((e: unknown) => e);
    expect((error as UserError).fix).toBe('npx truthgraph models build minilm-l6-h384');
  });

  it('rejects unknown names and undownloaded hub ids with the fix', async () => {
    await expect(loadPack({ pack: 'no-such-pack', cacheDir: TEST_CACHE_DIR, variant: 'fp32' })).rejects.toThrow(/unknown model pack/);
    const error = await loadPack({ pack: 'someone/some-model', cacheDir: TEST_CACHE_DIR, variant: 'fp32' }).catch((e: unknown) => e);
    expect((error as UserError).fix).toBe('npx truthgraph models download someone/some-model');
  });

  it('rejects the wrong kind of pack', async () => {
    await expect(loadPack({ pack: 'nli-l6-h768', cacheDir: TEST_CACHE_DIR, variant: 'int8', expectKind: 'embedder' })).rejects.toThrow(/is an nli pack/);
  });
});
