// Tokenisation for the services: wraps the pure-JS HF tokenizer, which ignores tokenizer.json's
// truncation/padding sections and has no batch API, so truncation, padding and batching live here.
import { Tokenizer } from '@huggingface/tokenizers';

export interface Encoded {
  ids: Int32Array;
  /** Segment ids (0 for the first text, 1 for the second of a pair). */
  typeIds: Int32Array;
}

export interface SpecialIds {
  cls: number;
  sep: number;
  pad: number;
}

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  readonly special: SpecialIds;

  constructor(tokenizerJson: object, tokenizerConfig: object = {}) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    const id = (t: string): number => {
      const v = this.tokenizer.token_to_id(t);
      if (v === undefined) throw new Error(`tokenizer.json has no ${t} token`);
      return v;
    };
    this.special = { cls: id('[CLS]'), sep: id('[SEP]'), pad: id('[PAD]') };
  }

  /** Word-piece ids of `text` without special tokens. */
  pieces(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** [CLS] text [SEP], truncated so the whole sequence has at most `maxTokens` ids. */
  encode(text: string, maxTokens: number): Encoded {
    const body = this.pieces(text);
    const n = Math.min(body.length, Math.max(0, maxTokens - 2));
    const ids = new Int32Array(n + 2);
    ids[0] = this.special.cls;
    for (let i = 0; i < n; i++) ids[i + 1] = body[i]!;
    ids[n + 1] = this.special.sep;
    return { ids, typeIds: new Int32Array(n + 2) };
  }

  /**
   * [CLS] a [SEP] b [SEP] with type ids 0.. then 1.., truncated longest-first (one id at a time
   * from the longer text, as HF does) to at most `maxTokens` ids.
   */
  encodePair(a: string, b: string, maxTokens: number): Encoded {
    const pa = this.pieces(a);
    const pb = this.pieces(b);
    let la = pa.length;
    let lb = pb.length;
    const budget = Math.max(0, maxTokens - 3);
    if (la + lb > budget) {
      // Longest-first: trim the longer until equal, then alternate (ties trim the first text).
      const excess = la + lb - budget;
      const diff = Math.abs(la - lb);
      const fromLonger = Math.min(excess, diff);
      if (la > lb) la -= fromLonger;
      else lb -= fromLonger;
      const rest = excess - fromLonger;
      la -= Math.ceil(rest / 2);
      lb -= Math.floor(rest / 2);
    }
    const ids = new Int32Array(la + lb + 3);
    const typeIds = new Int32Array(la + lb + 3);
    ids[0] = this.special.cls;
    for (let i = 0; i < la; i++) ids[1 + i] = pa[i]!;
    ids[1 + la] = this.special.sep;
    for (let i = 0; i < lb; i++) {
      ids[2 + la + i] = pb[i]!;
      typeIds[2 + la + i] = 1;
    }
    ids[2 + la + lb] = this.special.sep;
    typeIds[2 + la + lb] = 1;
    return { ids, typeIds };
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }
}

/** A padded batch in the int64 layout BERT ONNX graphs take. */
export interface Batch {
  size: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

/** Pads `items` to their longest length with `padId`. */
export function padBatch(items: readonly Encoded[], padId: number): Batch {
  let seqLen = 1;
  for (const e of items) seqLen = Math.max(seqLen, e.ids.length);
  const size = items.length;
  const inputIds = new BigInt64Array(size * seqLen).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(size * seqLen);
  const tokenTypeIds = new BigInt64Array(size * seqLen);
  items.forEach((e, row) => {
    const base = row * seqLen;
    for (let i = 0; i < e.ids.length; i++) {
      inputIds[base + i] = BigInt(e.ids[i]!);
      attentionMask[base + i] = 1n;
      tokenTypeIds[base + i] = BigInt(e.typeIds[i]!);
    }
  });
  return { size, seqLen, inputIds, attentionMask, tokenTypeIds };
}

/**
 * Groups item indices into batches of similar length: sort by length (stable on index), then cut
 * into runs of at most `batchSize` items and at most `maxBatchTokens` padded tokens.
 */
export function lengthBuckets(lengths: readonly number[], batchSize: number, maxBatchTokens = Infinity): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const len = lengths[i]!;
    if (current.length > 0 && (current.length >= batchSize || (current.length + 1) * len > maxBatchTokens)) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Throws a clear TypeError when `value` is not a string (the services' input contract). */
export function assertText(value: unknown, where: string): asserts value is string {
  if (typeof value !== 'string') {
    const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    throw new TypeError(`${where} must be a string, got ${got}`);
  }
}
