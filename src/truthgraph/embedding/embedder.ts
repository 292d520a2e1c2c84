// The embedding service: texts -> tokenise (truncate) -> length buckets -> batches -> ORT ->
// mean pooling over the mask -> L2 normalise -> one Float32Array(dim) per text, in input order.
import { UserError } from '../../shared/errors.ts';
import { createRunner, type Runner } from '../inference/runner.ts';
import { loadPack, type PackInfo } from '../models/pack.ts';
import { assertText, lengthBuckets, padBatch, type Encoded, type TextTokenizer } from '../tokenize/tokenizer.ts';
import { resolveEmbedderOptions, type EmbedderOptions, type EmbedderOptionsInput } from './options.ts';
import { meanPoolNormalize } from './pooling.ts';

export interface Embedder {
  readonly pack: PackInfo;
  readonly dimension: number;
  readonly options: EmbedderOptions;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Tokenises like embed() does (for shape-matched raw-session measurements). */
  encode(texts: readonly string[]): Encoded[];
  dispose(): Promise<void>;
}

export async function loadEmbedder(input: EmbedderOptionsInput): Promise<Embedder> {
  const options = resolveEmbedderOptions(input);
  const pack = await loadPack({ pack: options.pack, cacheDir: options.cacheDir, variant: options.variant, autoBuild: options.autoBuild, expectKind: 'embedder' });
  const runner = await createRunner(pack.modelPath, { workers: options.workers, threads: options.threads, fix: pack.fix });
  const output = runner.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : runner.outputNames[0]!;
  if (!['input_ids', 'attention_mask'].every((n) => runner.inputNames.includes(n))) {
    await runner.dispose();
    throw new UserError(`model pack ${pack.info.id} does not take input_ids and attention_mask (inputs: ${runner.inputNames.join(', ')})`, {
      fix: 'use a BERT-style embedder pack such as minilm-l6-h384',
    });
  }
  const maxTokens = Math.min(options.maxTokens, pack.config.max_position_embeddings ?? options.maxTokens);
  return new OnnxEmbedder(pack.info, pack.config.hidden_size, options, pack.tokenizer, runner, output, maxTokens);
}

class OnnxEmbedder implements Embedder {
  constructor(
    readonly pack: PackInfo,
    readonly dimension: number,
    readonly options: EmbedderOptions,
    private readonly tokenizer: TextTokenizer,
    private readonly runner: Runner,
    private readonly output: string,
    private readonly maxTokens: number,
  ) {}

  encode(texts: readonly string[]): Encoded[] {
    if (!Array.isArray(texts)) throw new TypeError(`embed() takes an array of strings, got ${texts === null ? 'null' : typeof texts}`);
    return texts.map((text, i) => {
      assertText(text, `embed(): texts[${i}]`);
      return this.tokenizer.encode(text, this.maxTokens);
    });
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const encoded = this.encode(texts);
    const result: Float32Array[] = new Array(encoded.length);
    const batches = lengthBuckets(encoded.map((e) => e.ids.length), this.options.batchSize, this.options.maxBatchTokens);
    const wantsTypes = this.runner.inputNames.includes('token_type_ids');
    // Keep every worker busy with one batch queued behind it, without tokenising into memory twice.
    const inFlight = Math.max(1, this.runner.parallelism * 2);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const rows = batches[next++]!;
        const items = rows.map((i) => encoded[i]!);
        const batch = padBatch(items, this.tokenizer.special.pad);
        const dims = [batch.size, batch.seqLen];
        const feeds: Record<string, { data: BigInt64Array; dims: number[] }> = {
          input_ids: { data: batch.inputIds, dims },
          attention_mask: { data: batch.attentionMask, dims },
        };
        if (wantsTypes) feeds.token_type_ids = { data: batch.tokenTypeIds, dims };
        const out = await this.runner.run(feeds);
        const hidden = out[this.output];
        if (!hidden || hidden.dims.length !== 3 || hidden.dims[2] !== this.dimension) {
          throw new UserError(`model pack ${this.pack.id}: output ${this.output} has shape [${hidden?.dims.join(', ')}], expected [batch, seq, ${this.dimension}]`, {
            fix: 'use an embedder pack whose ONNX output is last_hidden_state',
          });
        }
        const vectors = meanPoolNormalize(hidden.data, items.map((e) => e.ids.length), batch.seqLen, this.dimension);
        rows.forEach((i, r) => (result[i] = vectors[r]!));
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, worker));
    return result;
  }

  async dispose(): Promise<void> {
    await this.runner.dispose();
  }
}
