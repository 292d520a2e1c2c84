// Generates a synthetic pack into <cacheDir>/models/<name>-<spechash>/: built in a temp folder
// beside it, then renamed into place, so a crash never leaves a half-written pack.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DATASET_DIR } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import { TextTokenizer } from '../tokenize/tokenizer.ts';
import { calibrateHead } from './calibrate.ts';
import { writeManifest, type Manifest } from './manifest.ts';
import { buildBertModel } from './onnx-graph.ts';
import { SYNTHETIC_SPECS, specHash, syntheticSpec, type BertSpec } from './spec.ts';
import { buildTokenizerConfig, buildTokenizerJson } from './tokenizer-json.ts';
import { buildVocabulary, type Vocabulary } from './vocab.ts';
import { generateWeights, type BertWeights } from './weights.ts';

export const MODEL_FILES = { fp32: 'onnx/model.onnx', int8: 'onnx/model_quantized.onnx' } as const;

let vocabCache: Vocabulary | undefined;
/** The synthetic vocabulary (built once per process from the word list and fixtures). */
export function syntheticVocabulary(): Vocabulary {
  return (vocabCache ??= buildVocabulary(DATASET_DIR));
}

export function syntheticPackId(spec: BertSpec): string {
  return `${spec.name}-${specHash(spec, syntheticVocabulary().hash)}`;
}

export function syntheticPackDir(cacheDir: string, spec: BertSpec): string {
  return path.join(cacheDir, 'models', syntheticPackId(spec));
}

export function hfConfig(spec: BertSpec): Record<string, unknown> {
  const config: Record<string, unknown> = {
    architectures: [spec.kind === 'nli' ? 'BertForSequenceClassification' : 'BertModel'],
    model_type: 'bert',
    vocab_size: spec.vocabSize,
    hidden_size: spec.hidden,
    num_hidden_layers: spec.layers,
    num_attention_heads: spec.heads,
    intermediate_size: spec.ffn,
    hidden_act: 'gelu',
    max_position_embeddings: spec.maxPositions,
    type_vocab_size: spec.typeVocab,
    layer_norm_eps: spec.layerNormEps,
    pad_token_id: 0,
  };
  if (spec.id2label) {
    config.id2label = spec.id2label;
    config.label2id = Object.fromEntries(Object.entries(spec.id2label).map(([id, label]) => [label, Number(id)]));
  }
  return config;
}

/** The pack's weights; the NLI head is calibrated on the int8 graph (fast to run), fp32 in both variants. */
export async function syntheticWeights(spec: BertSpec, tokenizer: TextTokenizer): Promise<BertWeights> {
  const weights = generateWeights(spec, syntheticVocabulary());
  if (weights.head) {
    const { scale, bias } = await calibrateHead(buildBertModel(spec, weights, 'int8'), tokenizer, weights.head.classifierB.length);
    weights.head.classifierW = weights.head.classifierW.map((v) => v * scale);
    weights.head.classifierB = bias;
  }
  return weights;
}

export interface BuildResult {
  dir: string;
  manifest: Manifest | null;
  /** False when the pack was already in the cache. */
  built: boolean;
  seconds: number;
}

/** Builds the named synthetic pack unless it is cached (or `force`). */
export async function buildSyntheticPack(
  name: string,
  cacheDir: string,
  options: { force?: boolean; onPhase?: (phase: string) => void } = {},
): Promise<BuildResult> {
  const started = performance.now();
  const spec = syntheticSpec(name);
  if (!spec) {
    throw new UserError(`unknown synthetic pack "${name}"`, { fix: `use one of: ${Object.keys(SYNTHETIC_SPECS).join(', ')}` });
  }
  const dir = syntheticPackDir(cacheDir, spec);
  if (existsSync(dir) && !options.force) return { dir, manifest: null, built: false, seconds: 0 };
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(path.join(parent, `.tmp-${spec.name}-`));
  try {
    const vocab = syntheticVocabulary();
    await mkdir(path.join(tmp, 'onnx'));
    await writeFile(path.join(tmp, 'config.json'), JSON.stringify(hfConfig(spec), null, 2) + '\n');
    await writeFile(path.join(tmp, 'tokenizer.json'), JSON.stringify(buildTokenizerJson(vocab.tokens)));
    await writeFile(path.join(tmp, 'tokenizer_config.json'), JSON.stringify(buildTokenizerConfig(spec.maxPositions), null, 2) + '\n');
    const tokenizer = new TextTokenizer(JSON.parse(await readFile(path.join(tmp, 'tokenizer.json'), 'utf8')));
    // Phases are long synchronous stretches: announce each, and yield so a progress renderer sharing
    // this event loop can draw before the next one starts.
    const phase = async (what: string) => {
      options.onPhase?.(what);
      await new Promise((r) => setImmediate(r));
    };
    await phase(spec.kind === 'nli' ? 'weights + classifier calibration' : 'weights');
    const weights = await syntheticWeights(spec, tokenizer);
    await phase('fp32 graph');
    await writeFile(path.join(tmp, MODEL_FILES.fp32), buildBertModel(spec, weights, 'fp32'));
    await phase('int8 graph');
    await writeFile(path.join(tmp, MODEL_FILES.int8), buildBertModel(spec, weights, 'int8'));
    await phase('manifest (sha256)');
    const manifest = await writeManifest(tmp, {
      id: path.basename(dir),
      name: spec.name,
      kind: spec.kind,
      synthetic: true,
      spec,
      source: null,
    });
    if (options.force) await rm(dir, { recursive: true, force: true });
    try {
      await rename(tmp, dir);
    } catch (error) {
      // Another process finished the same pack first: theirs is identical (deterministic build).
      if (!existsSync(dir)) throw error;
      await rm(tmp, { recursive: true, force: true });
    }
    return { dir, manifest, built: true, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
