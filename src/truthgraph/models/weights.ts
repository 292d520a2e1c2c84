// Seeded synthetic weights. The NLI cross-encoder gets BERT-style random initialisation (std 0.02),
// which makes its [CLS] state, and so its labels, vary with the input. The embedder is built so
// that lexical similarity survives: token embeddings dominate the residual stream, the blocks
// perturb it mildly, and frequent words, punctuation and special tokens put most of their energy
// into one "sink" dimension that the last LayerNorm zeroes, so they weigh little in mean pooling
// (an IDF-like effect that keeps shared content words decisive).
import { tensorPrng } from './prng.ts';
import type { BertSpec } from './spec.ts';
import type { Vocabulary } from './vocab.ts';

export interface LayerWeights {
  wq: Float32Array; bq: Float32Array; wk: Float32Array; bk: Float32Array; wv: Float32Array; bv: Float32Array;
  wo: Float32Array; bo: Float32Array; ln1Gamma: Float32Array; ln1Beta: Float32Array;
  w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; ln2Gamma: Float32Array; ln2Beta: Float32Array;
}

export interface BertWeights {
  wordEmbeddings: Float32Array;
  positionEmbeddings: Float32Array;
  typeEmbeddings: Float32Array;
  embLnGamma: Float32Array;
  embLnBeta: Float32Array;
  layers: LayerWeights[];
  head?: { poolerW: Float32Array; poolerB: Float32Array; classifierW: Float32Array; classifierB: Float32Array };
}

/** The embedder's sink dimension (see the module comment). */
export const SINK_DIM = 0;

export function generateWeights(spec: BertSpec, vocab: Vocabulary): BertWeights {
  const H = spec.hidden;
  const F = spec.ffn;
  const rand = (name: string, n: number, std: number) => tensorPrng(spec.seed, name).fillUniform(new Float32Array(n), std);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const zeros = (n: number) => new Float32Array(n);
  const lexical = spec.kind === 'embedder';

  // Embedder: unit-variance token vectors, small position/type terms. NLI: BERT's std 0.02.
  const wordEmbeddings = rand('word_embeddings', spec.vocabSize * H, lexical ? 1 : 0.02);
  if (lexical) addSinkEnergy(wordEmbeddings, vocab, H);
  const positionEmbeddings = rand('position_embeddings', spec.maxPositions * H, lexical ? 0.05 : 0.02);
  const typeEmbeddings = rand('token_type_embeddings', spec.typeVocab * H, lexical ? 0.05 : 0.02);

  // Input projections see x with per-dimension std ~1, so 1/sqrt(fan_in) keeps activations O(1);
  // the embedder's output projections are scaled down (`mild`) so each block nudges the stream.
  const proj = 1 / Math.sqrt(H);
  const mild = 0.1;
  const layers: LayerWeights[] = [];
  for (let i = 0; i < spec.layers; i++) {
    const p = `layer${i}`;
    const inStd = lexical ? proj : 0.02;
    const L: LayerWeights = {
      wq: rand(`${p}.wq`, H * H, inStd), bq: zeros(H),
      wk: rand(`${p}.wk`, H * H, inStd), bk: zeros(H),
      wv: rand(`${p}.wv`, H * H, inStd), bv: zeros(H),
      wo: rand(`${p}.wo`, H * H, lexical ? mild * proj : 0.1), bo: zeros(H),
      ln1Gamma: ones(H), ln1Beta: zeros(H),
      w1: rand(`${p}.w1`, H * F, inStd), b1: rand(`${p}.b1`, F, 0.02),
      w2: rand(`${p}.w2`, F * H, lexical ? mild / Math.sqrt(F) : 0.02), b2: zeros(H),
      ln2Gamma: ones(H), ln2Beta: zeros(H),
    };
    if (lexical) for (const m of [L.wq, L.wk, L.wv, L.w1]) m.fill(0, SINK_DIM * (m.length / H), (SINK_DIM + 1) * (m.length / H));
    layers.push(L);
  }
  if (lexical) layers[layers.length - 1]!.ln2Gamma[SINK_DIM] = 0;

  const weights: BertWeights = { wordEmbeddings, positionEmbeddings, typeEmbeddings, embLnGamma: ones(H), embLnBeta: zeros(H), layers };
  if (spec.kind === 'nli') {
    const labels = Object.keys(spec.id2label ?? {}).length;
    weights.head = {
      poolerW: rand('pooler.w', H * H, 0.02),
      poolerB: zeros(H),
      classifierW: rand('classifier.w', H * labels, 1),
      classifierB: zeros(labels),
    };
  }
  return weights;
}

/** Frequent words (by popularity rank), punctuation and special tokens load the sink dimension. */
function addSinkEnergy(table: Float32Array, vocab: Vocabulary, H: number): void {
  const FULL = 60; // ~ 0.3 of the token's remaining weight after LayerNorm
  vocab.tokens.forEach((token, id) => {
    const rank = vocab.commonRank[id]!;
    let amp = 0;
    if (token.startsWith('[') && token.endsWith(']')) amp = FULL * 1.5;
    else if ([...token].length === 1 && /[\p{P}\p{S}]/u.test(token)) amp = FULL;
    else if (rank >= 0 && rank < 300) amp = FULL * (1 - Math.log1p(rank) / Math.log1p(300)) + 6;
    table[id * H + SINK_DIM] = amp;
  });
}
