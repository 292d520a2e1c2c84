// Builds a BERT encoder as an ONNX ModelProto (opset 17). Two graph shapes, both what real packs ship:
// - plain: the opset-17 export pattern (Gather embeddings, LayerNormalization, MatMul+Add attention,
//   Softmax(axis=-1), Erf GELU), what `optimum`/`torch.onnx` export and hub repositories publish;
// - fused: what onnxruntime's transformer optimizer writes for BERT (com.microsoft Attention /
//   QAttention, SkipLayerNormalization, BiasGelu), which ORT cannot derive from opset-17 exports itself.
// int8 follows quantize_dynamic (DynamicQuantizeLinear + MatMulInteger + Cast + Mul, int8 per-tensor
// weights, which ORT rewrites into DynamicQuantizeMatMul / MatMulIntegerToFloat) or, with calibrated
// activation ranges, quantize_static's QDQ format. Which shape the packs use is measured, per CPU, in
// docs/performance.md (the fused graph was 5-17% slower on AMD Zen 5 with an older ORT).
import onnxProto from 'onnx-proto';
import { concatColumns, DT, GraphBuilder, MS_DOMAIN, quantizeInt8, quantizeRowsUint8, uint8Params } from './onnx-builder.ts';
import type { BertSpec, Variant } from './spec.ts';
import type { BertWeights } from './weights.ts';

export { quantizeInt8, quantizeRowsUint8 } from './onnx-builder.ts';

const { onnx } = onnxProto;

export interface ActivationRange {
  min: number;
  max: number;
}

export interface GraphOptions {
  /**
   * plain: the export's MatMul/Transpose/Softmax attention; mha: one packed QKV projection + Split +
   * com.microsoft MultiHeadAttention (what ORT's optimizer writes with use_multi_head_attention), the
   * rest as exported; fused: the optimizer's full BERT fusion (Attention/QAttention, SkipLayerNormalization, BiasGelu).
   */
  attention: 'plain' | 'mha' | 'fused';
  /** int8 only: activation scales computed per run (dynamic) or calibrated once (static, needs `ranges`). */
  quantization: 'dynamic' | 'static';
  /** int8 plain only: also quantise the two activation x activation MatMuls (QK^T and probs x V). */
  quantizeAttentionMatMuls: boolean;
  /** Calibrated ranges of the linear inputs, by linearInputKeys(). */
  ranges?: ReadonlyMap<string, ActivationRange>;
  /** Calibration builds: every linear input also becomes a graph output `calib:<key>`. */
  exposeLinearInputs?: boolean;
}

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = { attention: 'plain', quantization: 'dynamic', quantizeAttentionMatMuls: false };

export const CALIBRATION_OUTPUT_PREFIX = 'calib:';

/** The activations a static int8 graph quantises, one key per distinct linear input. */
export function linearInputKeys(spec: BertSpec): string[] {
  const keys: string[] = [];
  for (let i = 0; i < spec.layers; i++) {
    const p = `encoder.layer.${i}`;
    keys.push(`${p}.attention.input`, `${p}.attention.output.dense.input`, `${p}.intermediate.dense.input`, `${p}.output.dense.input`);
  }
  if (spec.kind === 'nli') keys.push('pooler.dense.input');
  return keys;
}

export function buildBertModel(spec: BertSpec, w: BertWeights, variant: Variant, graph: GraphOptions = DEFAULT_GRAPH_OPTIONS): Uint8Array {
  if (variant === 'int8' && graph.quantization === 'static' && !graph.ranges) throw new Error('static quantisation needs calibrated activation ranges');
  const g = new GraphBuilder();
  const H = spec.hidden;
  const headDim = H / spec.heads;
  const eps = { f: spec.layerNormEps };
  const int8 = variant === 'int8';
  const extraOutputs: string[] = [];

  /** x quantised to uint8 for a MatMulInteger-style consumer: dynamic (per run) or with calibrated constants. */
  // One quantisation per activation, shared by its consumers (Q, K and V read the same x).
  const quantized = new Map<string, { xq: string; scale: string; zero: string }>();
  const quantizeInput = (x: string, key: string): { xq: string; scale: string; zero: string } => {
    const known = quantized.get(x);
    if (known) return known;
    let q: { xq: string; scale: string; zero: string };
    if (graph.quantization === 'dynamic') {
      const [xq, scale, zero] = g.op('DynamicQuantizeLinear', [x], {}, 3);
      q = { xq: xq!, scale: scale!, zero: zero! };
    } else {
      const range = graph.ranges!.get(key);
      if (!range) throw new Error(`no calibrated range for ${key}`);
      const { scale, zeroPoint } = uint8Params(range);
      const s = g.scalarF(`${key}.input_scale`, scale);
      const z = g.tensor(`${key}.input_zero_point`, [], new Uint8Array([zeroPoint]));
      q = { xq: g.one('QuantizeLinear', [x, s, z]), scale: s, zero: z };
    }
    quantized.set(x, q);
    return q;
  };

  const expose = (x: string, key: string): void => {
    if (!graph.exposeLinearInputs || extraOutputs.includes(`${CALIBRATION_OUTPUT_PREFIX}${key}`)) return;
    const name = `${CALIBRATION_OUTPUT_PREFIX}${key}`;
    g.nodes.push({ opType: 'Identity', input: [x], output: [name], name: `${name}_out` });
    extraOutputs.push(name);
  };

  /** x @ W (+ bias unless it is left to a fused consumer). `key` names x for calibration. */
  const linear = (x: string, key: string, name: string, weight: Float32Array, bias: Float32Array | null, inDim: number, outDim: number): string => {
    expose(x, key);
    let out: string;
    if (!int8) {
      out = g.one('MatMul', [x, g.tensor(`${name}.weight`, [inDim, outDim], weight)]);
    } else {
      const { q, scale } = quantizeInt8(weight);
      const wq = g.tensor(`${name}.weight_quantized`, [inDim, outDim], q);
      const wScale = g.scalarF(`${name}.weight_scale`, scale);
      const wZero = g.tensor(`${name}.weight_zero_point`, [], new Int8Array([0]));
      if (graph.quantization === 'static') {
        // quantize_static's QDQ format: ORT folds Q/DQ pairs around the MatMul into an integer kernel.
        const { xq, scale: xs, zero: xz } = quantizeInput(x, key);
        const xdq = g.one('DequantizeLinear', [xq, xs, xz]);
        out = g.one('MatMul', [xdq, g.one('DequantizeLinear', [wq, wScale, wZero])]);
      } else {
        const { xq, scale: xs, zero: xz } = quantizeInput(x, key);
        const mmi = g.one('MatMulInteger', [xq, wq, xz, wZero]);
        out = g.one('Mul', [g.one('Cast', [mmi], { to: DT.FLOAT }), g.one('Mul', [xs, wScale])]);
      }
    }
    return bias ? g.one('Add', [out, g.tensor(`${name}.bias`, [outDim], bias)]) : out;
  };

  /** a @ b with both operands activations: fp32, or both quantised per run (quantize_dynamic with MatMulConstBOnly off). */
  const activationMatMul = (a: string, b: string): string => {
    if (!int8 || !graph.quantizeAttentionMatMuls) return g.one('MatMul', [a, b]);
    const [aq, as, az] = g.op('DynamicQuantizeLinear', [a], {}, 3);
    const [bq, bs, bz] = g.op('DynamicQuantizeLinear', [b], {}, 3);
    const mmi = g.one('MatMulInteger', [aq!, bq!, az!, bz!]);
    return g.one('Mul', [g.one('Cast', [mmi], { to: DT.FLOAT }), g.one('Mul', [as!, bs!])]);
  };

  const layerNorm = (x: string, name: string, gamma: Float32Array, beta: Float32Array): string =>
    g.one('LayerNormalization', [x, g.tensor(`${name}.weight`, [H], gamma), g.tensor(`${name}.bias`, [H], beta)], { axis: -1, epsilon: eps });

  /** LayerNorm(input + skip + bias): one SkipLayerNormalization in the fused graph. */
  const addAndNorm = (input: string, skip: string, bias: Float32Array, name: string, biasName: string, gamma: Float32Array, beta: Float32Array): string => {
    if (graph.attention === 'fused') {
      const inputs = [input, skip, g.tensor(`${name}.weight`, [H], gamma), g.tensor(`${name}.bias`, [H], beta), g.tensor(`${biasName}.bias`, [H], bias)];
      return g.one('SkipLayerNormalization', inputs, { epsilon: eps }, MS_DOMAIN);
    }
    return layerNorm(g.one('Add', [g.one('Add', [input, g.tensor(`${biasName}.bias`, [H], bias)]), skip]), name, gamma, beta);
  };

  // Embeddings: word + position (Range over the sequence length) + token type, then LayerNorm.
  let word: string;
  if (!int8) {
    word = g.one('Gather', [g.tensor('embeddings.word_embeddings.weight', [spec.vocabSize, H], w.wordEmbeddings), 'input_ids'], { axis: 0 });
  } else {
    // Per-row uint8 keeps the table 4x smaller while each row keeps its own range.
    const { q, scale, offset } = quantizeRowsUint8(w.wordEmbeddings, spec.vocabSize, H);
    const table = g.tensor('embeddings.word_embeddings.weight_quantized', [spec.vocabSize, H], q);
    const rows = g.one('Gather', [table, 'input_ids'], { axis: 0 });
    const s = g.one('Gather', [g.tensor('embeddings.word_embeddings.row_scale', [spec.vocabSize, 1], scale), 'input_ids'], { axis: 0 });
    const o = g.one('Gather', [g.tensor('embeddings.word_embeddings.row_offset', [spec.vocabSize, 1], offset), 'input_ids'], { axis: 0 });
    word = g.one('Add', [g.one('Mul', [g.one('Cast', [rows], { to: DT.FLOAT }), s]), o]);
  }
  const shape = g.one('Shape', ['input_ids']);
  const seqLen = g.one('Gather', [shape, g.tensor('const.one_scalar', [], BigInt64Array.from([1n]))], { axis: 0 });
  const positions = g.one('Range', [g.tensor('const.zero_i64', [], BigInt64Array.from([0n])), seqLen, g.tensor('const.one_i64', [], BigInt64Array.from([1n]))]);
  const pos = g.one('Gather', [g.tensor('embeddings.position_embeddings.weight', [spec.maxPositions, H], w.positionEmbeddings), positions], { axis: 0 });
  const type = g.one('Gather', [g.tensor('embeddings.token_type_embeddings.weight', [spec.typeVocab, H], w.typeEmbeddings), 'token_type_ids'], { axis: 0 });
  let x = layerNorm(g.one('Add', [g.one('Add', [word, pos]), type]), 'embeddings.LayerNorm', w.embLnGamma, w.embLnBeta);

  // Plain: additive mask 0 where attended, -10000 on padding, [batch, 1, 1, seq]. Fused: the raw
  // 0/1 mask as int32 [batch, seq] (Attention applies the same -10000).
  const plainMask = () => {
    const mask4 = g.one('Unsqueeze', ['attention_mask', g.ints('const.mask_axes', [1, 2])]);
    const maskF = g.one('Cast', [mask4], { to: DT.FLOAT });
    return g.one('Mul', [g.one('Sub', [g.scalarF('const.one_f', 1), maskF]), g.scalarF('const.mask_min', -10000)]);
  };
  const mask = graph.attention === 'plain' ? plainMask() : g.one('Cast', ['attention_mask'], { to: DT.INT32 });
  // Constants of the patterns that use them only (an unused initializer is a load-time warning in ORT).
  const plainOnly = graph.attention === 'plain';
  const headsShape = plainOnly ? g.ints('const.heads_shape', [0, 0, spec.heads, headDim]) : '';
  const hiddenShape = plainOnly ? g.ints('const.hidden_shape', [0, 0, H]) : '';
  const invSqrt = plainOnly ? g.scalarF('const.inv_sqrt_head_dim', 1 / Math.sqrt(headDim)) : '';
  const erfGelu = graph.attention !== 'fused';
  const sqrt2 = erfGelu ? g.scalarF('const.sqrt2', Math.SQRT2) : '';
  const half = erfGelu ? g.scalarF('const.half', 0.5) : '';
  const oneF = erfGelu ? g.scalarF('const.one_gelu', 1) : '';
  const qkvSplit = graph.attention === 'mha' ? g.ints('const.qkv_split', [H, H, H]) : '';

  const selfAttention = (p: string, L: BertWeights['layers'][number]): string => {
    const key = `${p}.attention.input`;
    if (graph.attention === 'fused') {
      expose(x, key);
      const name = `${p}.attention.self.qkv`;
      const weight = concatColumns([L.wq, L.wk, L.wv], H);
      const bias = g.tensor(`${name}.bias`, [3 * H], Float32Array.from([...L.bq, ...L.bk, ...L.bv]));
      if (!int8) return g.one('Attention', [x, g.tensor(`${name}.weight`, [H, 3 * H], weight), bias, mask], { num_heads: spec.heads }, MS_DOMAIN);
      const { q, scale } = quantizeInt8(weight);
      const { xq, scale: xs, zero: xz } = quantizeInput(x, key);
      const inputs = [xq, g.tensor(`${name}.weight_quantized`, [H, 3 * H], q), bias, xs, g.scalarF(`${name}.weight_scale`, scale), mask, xz, g.tensor(`${name}.weight_zero_point`, [], new Int8Array([0]))];
      return g.one('QAttention', inputs, { num_heads: spec.heads }, MS_DOMAIN);
    }
    if (graph.attention === 'mha') {
      const name = `${p}.attention.self.qkv`;
      const qkv = linear(x, key, name, concatColumns([L.wq, L.wk, L.wv], H), Float32Array.from([...L.bq, ...L.bk, ...L.bv]), H, 3 * H);
      const [q, k, v] = g.op('Split', [qkv, qkvSplit], { axis: -1 }, 3);
      return g.one('MultiHeadAttention', [q!, k!, v!, '', mask], { num_heads: spec.heads }, MS_DOMAIN);
    }
    const heads = (t: string, perm: number[]) => g.one('Transpose', [g.one('Reshape', [t, headsShape])], { perm });
    const q = heads(linear(x, key, `${p}.attention.self.query`, L.wq, L.bq, H, H), [0, 2, 1, 3]);
    const k = heads(linear(x, key, `${p}.attention.self.key`, L.wk, L.bk, H, H), [0, 2, 3, 1]);
    const v = heads(linear(x, key, `${p}.attention.self.value`, L.wv, L.bv, H, H), [0, 2, 1, 3]);
    const scores = g.one('Add', [g.one('Mul', [activationMatMul(q, k), invSqrt]), mask]);
    const probs = g.one('Softmax', [scores], { axis: -1 });
    return g.one('Reshape', [g.one('Transpose', [activationMatMul(probs, v)], { perm: [0, 2, 1, 3] }), hiddenShape]);
  };

  w.layers.forEach((L, i) => {
    const p = `encoder.layer.${i}`;
    const ctx = selfAttention(p, L);
    const attnOut = linear(ctx, `${p}.attention.output.dense.input`, `${p}.attention.output.dense`, L.wo, null, H, H);
    x = addAndNorm(attnOut, x, L.bo, `${p}.attention.output.LayerNorm`, `${p}.attention.output.dense`, L.ln1Gamma, L.ln1Beta);
    let gelu: string;
    if (graph.attention === 'fused') {
      const inter = linear(x, `${p}.intermediate.dense.input`, `${p}.intermediate.dense`, L.w1, null, H, spec.ffn);
      gelu = g.one('BiasGelu', [inter, g.tensor(`${p}.intermediate.dense.bias`, [spec.ffn], L.b1)], {}, MS_DOMAIN);
    } else {
      const inter = linear(x, `${p}.intermediate.dense.input`, `${p}.intermediate.dense`, L.w1, L.b1, H, spec.ffn);
      gelu = g.one('Mul', [g.one('Mul', [inter, g.one('Add', [g.one('Erf', [g.one('Div', [inter, sqrt2])]), oneF])]), half]);
    }
    const ffnOut = linear(gelu, `${p}.output.dense.input`, `${p}.output.dense`, L.w2, null, spec.ffn, H);
    x = addAndNorm(ffnOut, x, L.b2, `${p}.output.LayerNorm`, `${p}.output.dense`, L.ln2Gamma, L.ln2Beta);
  });

  const outputs: onnxProto.onnx.IValueInfoProto[] = [];
  const dims = (...names: (string | number)[]) => ({
    tensorType: { elemType: DT.FLOAT, shape: { dim: names.map((n) => (typeof n === 'number' ? { dimValue: n } : { dimParam: n })) } },
  });
  if (spec.kind === 'embedder') {
    g.nodes.push({ opType: 'Identity', input: [x], output: ['last_hidden_state'], name: 'last_hidden_state_out' });
    outputs.push({ name: 'last_hidden_state', type: dims('batch_size', 'sequence_length', H) });
  } else {
    const head = w.head!;
    const cls = g.one('Gather', [x, g.tensor('const.zero_scalar', [], BigInt64Array.from([0n]))], { axis: 1 });
    const pooled = g.one('Tanh', [linear(cls, 'pooler.dense.input', 'pooler.dense', head.poolerW, head.poolerB, H, H)]);
    const labels = head.classifierB.length;
    // The 3-way head stays fp32 in both variants: it is tiny, and quantize_dynamic leaves it similar.
    const logits = g.one('Add', [g.one('MatMul', [pooled, g.tensor('classifier.weight', [H, labels], head.classifierW)]), g.tensor('classifier.bias', [labels], head.classifierB)]);
    g.nodes.push({ opType: 'Identity', input: [logits], output: ['logits'], name: 'logits_out' });
    outputs.push({ name: 'logits', type: dims('batch_size', labels) });
  }
  for (const name of extraOutputs) outputs.push({ name, type: { tensorType: { elemType: DT.FLOAT } } });

  const int64Input = (name: string) => ({
    name,
    type: { tensorType: { elemType: DT.INT64, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] } } },
  });
  const opsetImport = [{ domain: '', version: 17 }, ...(g.nodes.some((n) => n.domain === MS_DOMAIN) ? [{ domain: MS_DOMAIN, version: 1 }] : [])];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'truthgraph-synthetic',
    producerVersion: '1',
    opsetImport,
    graph: {
      name: `${spec.name}-${variant}`,
      node: g.nodes,
      initializer: g.initializers,
      input: [int64Input('input_ids'), int64Input('attention_mask'), int64Input('token_type_ids')],
      output: outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
