// The NLI service: (premise = evidence, hypothesis = claim) pairs -> pair encoding with
// longest-first truncation -> length-bucketed batches -> logits -> softmax -> probabilities keyed
// by the label NAMES of config.json's id2label (never by an assumed order) + the predicted label.
import { UserError } from '../../shared/errors.ts';
import { createRunner, type Runner } from '../inference/runner.ts';
import { loadPack, type PackInfo } from '../models/pack.ts';
import { assertText, lengthBuckets, padBatch, type Encoded, type TextTokenizer } from '../tokenize/tokenizer.ts';
import { resolveNliOptions, type NliOptions, type NliOptionsInput } from './options.ts';

import type { NliPair } from '../domain.ts';

export type { NliPair } from '../domain.ts';

export interface NliPrediction {
  /** The most probable label name (ties go to the lowest label id). */
  label: string;
  /** Softmax probability per label name; they sum to 1. */
  probabilities: Record<string, number>;
  logits: number[];
}

export interface NliModel {
  readonly pack: PackInfo;
  /** Label names by output index, from config.json id2label. */
  readonly labels: readonly string[];
  readonly options: NliOptions;
  classify(pairs: readonly NliPair[]): Promise<NliPrediction[]>;
  encode(pairs: readonly NliPair[]): Encoded[];
  dispose(): Promise<void>;
}

/** Label names by index from an HF id2label map; every index 0..n-1 must be present. */
export function labelsFromConfig(id2label: unknown, packId: string): string[] {
  const fix = 'use an NLI pack whose config.json has id2label (e.g. nli-l6-h768)';
  if (!id2label || typeof id2label !== 'object') throw new UserError(`model pack ${packId}: config.json has no id2label`, { fix });
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = new Array(entries.length);
  for (const [id, name] of entries) {
    const i = Number(id);
    if (!Number.isInteger(i) || i < 0 || i >= entries.length || typeof name !== 'string') {
      throw new UserError(`model pack ${packId}: config.json id2label entry ${id} -> ${String(name)} is invalid`, { fix });
    }
    labels[i] = name.toLowerCase();
  }
  if (labels.length < 2) throw new UserError(`model pack ${packId}: config.json id2label has fewer than 2 labels`, { fix });
  return labels;
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export async function loadNli(input: NliOptionsInput): Promise<NliModel> {
  const options = resolveNliOptions(input);
  const pack = await loadPack({ pack: options.pack, cacheDir: options.cacheDir, variant: options.variant, autoBuild: options.autoBuild, expectKind: 'nli' });
  const labels = labelsFromConfig(pack.config.id2label, pack.info.id);
  const runner = await createRunner(pack.modelPath, { workers: options.workers, threads: options.threads, fix: pack.fix });
  const maxTokens = Math.min(options.maxTokens, pack.config.max_position_embeddings ?? options.maxTokens);
  return new OnnxNli(pack.info, labels, options, pack.tokenizer, runner, maxTokens);
}

class OnnxNli implements NliModel {
  constructor(
    readonly pack: PackInfo,
    readonly labels: readonly string[],
    readonly options: NliOptions,
    private readonly tokenizer: TextTokenizer,
    private readonly runner: Runner,
    private readonly maxTokens: number,
  ) {}

  encode(pairs: readonly NliPair[]): Encoded[] {
    if (!Array.isArray(pairs)) throw new TypeError(`classify() takes an array of {premise, hypothesis}, got ${pairs === null ? 'null' : typeof pairs}`);
    return pairs.map((pair, i) => {
      if (!pair || typeof pair !== 'object') throw new TypeError(`classify(): pairs[${i}] must be an object {premise, hypothesis}`);
      assertText(pair.premise, `classify(): pairs[${i}].premise`);
      assertText(pair.hypothesis, `classify(): pairs[${i}].hypothesis`);
      return this.tokenizer.encodePair(pair.premise, pair.hypothesis, this.maxTokens);
    });
  }

  async classify(pairs: readonly NliPair[]): Promise<NliPrediction[]> {
    const encoded = this.encode(pairs);
    const result: NliPrediction[] = new Array(encoded.length);
    const batches = lengthBuckets(encoded.map((e) => e.ids.length), this.options.batchSize, this.options.maxBatchTokens);
    const output = this.runner.outputNames.includes('logits') ? 'logits' : this.runner.outputNames[0]!;
    const n = this.labels.length;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const rows = batches[next++]!;
        const batch = padBatch(rows.map((i) => encoded[i]!), this.tokenizer.special.pad);
        const dims = [batch.size, batch.seqLen];
        const feeds: Record<string, { data: BigInt64Array; dims: number[] }> = {
          input_ids: { data: batch.inputIds, dims },
          attention_mask: { data: batch.attentionMask, dims },
        };
        if (this.runner.inputNames.includes('token_type_ids')) feeds.token_type_ids = { data: batch.tokenTypeIds, dims };
        const out = (await this.runner.run(feeds))[output];
        if (!out || out.dims.length !== 2 || out.dims[1] !== n) {
          throw new UserError(`model pack ${this.pack.id}: output ${output} has shape [${out?.dims.join(', ')}], expected [batch, ${n}]`, {
            fix: 'use an NLI cross-encoder pack whose ONNX output is logits [batch, labels]',
          });
        }
        rows.forEach((i, r) => {
          const logits = Array.from(out.data.subarray(r * n, r * n + n));
          const probs = softmax(logits);
          let best = 0;
          for (let k = 1; k < n; k++) if (probs[k]! > probs[best]!) best = k;
          const probabilities: Record<string, number> = {};
          this.labels.forEach((label, k) => (probabilities[label] = probs[k]!));
          result[i] = { label: this.labels[best]!, probabilities, logits };
        });
      }
    };
    const inFlight = Math.max(1, this.runner.parallelism * 2);
    await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, worker));
    return result;
  }

  async dispose(): Promise<void> {
    await this.runner.dispose();
  }
}
