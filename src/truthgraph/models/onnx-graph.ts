// Builds a BERT encoder as an ONNX ModelProto (opset 17) with onnx-proto, in the plain export pattern
// (Gather embeddings, LayerNormalization, MatMul+Add attention, Softmax(axis=-1), Erf GELU). That pattern
// measured fastest on our CPU: ORT's fused Attention/SkipLayerNorm path was 5-17% slower (docs/platform-notes.md),
// so we deliberately do not emit the com.microsoft fused ops. The int8 variant uses the
// quantize_dynamic pattern (DynamicQuantizeLinear + MatMulInteger + Cast + Mul, int8 per-tensor weights),
// which ORT rewrites into DynamicQuantizeMatMul / MatMulIntegerToFloat.
import onnxProto from 'onnx-proto';
import type { BertSpec, Variant } from './spec.ts';
import type { BertWeights } from './weights.ts';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

type Attr = number | number[] | { f: number };

class GraphBuilder {
  readonly nodes: INode[] = [];
  readonly initializers: ITensor[] = [];
  private counter = 0;

  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, nOut = 1, domain = ''): string[] {
    const base = `${opType}_${this.counter++}`;
    const outputs = Array.from({ length: nOut }, (_, i) => (nOut === 1 ? base : `${base}_${i}`));
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? { name, type: AT.INTS, ints: v }
        : typeof v === 'number'
          ? { name, type: AT.INT, i: v }
          : { name, type: AT.FLOAT, f: v.f },
    );
    this.nodes.push({ opType, input: inputs, output: outputs, name: base, attribute, domain });
    return outputs;
  }

  one(opType: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    return this.op(opType, inputs, attrs)[0]!;
  }

  tensor(name: string, dims: number[], data: Float32Array | Int8Array | Uint8Array | BigInt64Array): string {
    const dataType =
      data instanceof Float32Array ? DT.FLOAT : data instanceof Int8Array ? DT.INT8 : data instanceof Uint8Array ? DT.UINT8 : DT.INT64;
    // rawData is little-endian bytes; typed arrays are little-endian on every platform ORT runs on here.
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, dataType, rawData });
    return name;
  }

  scalarF(name: string, v: number): string {
    return this.tensor(name, [], new Float32Array([v]));
  }

  ints(name: string, v: number[]): string {
    return this.tensor(name, [v.length], BigInt64Array.from(v.map(BigInt)));
  }
}

/** Quantises a weight per tensor to symmetric int8, as quantize_dynamic does for MatMul weights. */
export function quantizeInt8(w: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scale)));
  return { q, scale };
}

/** Quantises an embedding table to uint8 with one scale and offset per row. */
export function quantizeRowsUint8(w: Float32Array, rows: number, cols: number) {
  const q = new Uint8Array(w.length);
  const scale = new Float32Array(rows);
  const offset = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < cols; c++) {
      const v = w[r * cols + c]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const s = hi > lo ? (hi - lo) / 255 : 1;
    scale[r] = s;
    offset[r] = lo;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round((w[r * cols + c]! - lo) / s);
  }
  return { q, scale, offset };
}

export function buildBertModel(spec: BertSpec, w: BertWeights, variant: Variant): Uint8Array {
  const g = new GraphBuilder();
  const H = spec.hidden;
  const headDim = H / spec.heads;
  const eps = { f: spec.layerNormEps };

  const linear = (x: string, name: string, weight: Float32Array, bias: Float32Array, inDim: number, outDim: number): string => {
    const b = g.tensor(`${name}.bias`, [outDim], bias);
    if (variant === 'fp32') {
      const mm = g.one('MatMul', [x, g.tensor(`${name}.weight`, [inDim, outDim], weight)]);
      return g.one('Add', [mm, b]);
    }
    const { q, scale } = quantizeInt8(weight);
    const wq = g.tensor(`${name}.weight_quantized`, [inDim, outDim], q);
    const wScale = g.scalarF(`${name}.weight_scale`, scale);
    const wZero = g.tensor(`${name}.weight_zero_point`, [], new Int8Array([0]));
    const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], {}, 3);
    const mmi = g.one('MatMulInteger', [xq!, wq, xZero!, wZero]);
    const scales = g.one('Mul', [xScale!, wScale]);
    const cast = g.one('Cast', [mmi], { to: DT.FLOAT });
    const out = g.one('Mul', [cast, scales]);
    return g.one('Add', [out, b]);
  };

  const layerNorm = (x: string, name: string, gamma: Float32Array, beta: Float32Array): string =>
    g.one('LayerNormalization', [x, g.tensor(`${name}.weight`, [H], gamma), g.tensor(`${name}.bias`, [H], beta)], { axis: -1, epsilon: eps });

  // Embeddings: word + position (Range over the sequence length) + token type, then LayerNorm.
  let word: string;
  if (variant === 'fp32') {
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

  // Additive mask: 0 where attended, -10000 on padding; shape [batch, 1, 1, seq].
  const mask4 = g.one('Unsqueeze', ['attention_mask', g.ints('const.mask_axes', [1, 2])]);
  const maskF = g.one('Cast', [mask4], { to: DT.FLOAT });
  const additive = g.one('Mul', [g.one('Sub', [g.scalarF('const.one_f', 1), maskF]), g.scalarF('const.mask_min', -10000)]);
  const headsShape = g.ints('const.heads_shape', [0, 0, spec.heads, headDim]);
  const hiddenShape = g.ints('const.hidden_shape', [0, 0, H]);
  const invSqrt = g.scalarF('const.inv_sqrt_head_dim', 1 / Math.sqrt(headDim));
  const sqrt2 = g.scalarF('const.sqrt2', Math.SQRT2);
  const half = g.scalarF('const.half', 0.5);
  const oneF = 'const.one_f';

  w.layers.forEach((L, i) => {
    const p = `encoder.layer.${i}`;
    const heads = (t: string, perm: number[]) => g.one('Transpose', [g.one('Reshape', [t, headsShape])], { perm });
    const q = heads(linear(x, `${p}.attention.self.query`, L.wq, L.bq, H, H), [0, 2, 1, 3]);
    const k = heads(linear(x, `${p}.attention.self.key`, L.wk, L.bk, H, H), [0, 2, 3, 1]);
    const v = heads(linear(x, `${p}.attention.self.value`, L.wv, L.bv, H, H), [0, 2, 1, 3]);
    const scores = g.one('Add', [g.one('Mul', [g.one('MatMul', [q, k]), invSqrt]), additive]);
    const probs = g.one('Softmax', [scores], { axis: -1 });
    const ctx = g.one('Reshape', [g.one('Transpose', [g.one('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), hiddenShape]);
    const attnOut = linear(ctx, `${p}.attention.output.dense`, L.wo, L.bo, H, H);
    x = layerNorm(g.one('Add', [attnOut, x]), `${p}.attention.output.LayerNorm`, L.ln1Gamma, L.ln1Beta);
    const inter = linear(x, `${p}.intermediate.dense`, L.w1, L.b1, H, spec.ffn);
    const gelu = g.one('Mul', [g.one('Mul', [inter, g.one('Add', [g.one('Erf', [g.one('Div', [inter, sqrt2])]), oneF])]), half]);
    const ffnOut = linear(gelu, `${p}.output.dense`, L.w2, L.b2, spec.ffn, H);
    x = layerNorm(g.one('Add', [ffnOut, x]), `${p}.output.LayerNorm`, L.ln2Gamma, L.ln2Beta);
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
    const pooled = g.one('Tanh', [linear(cls, 'pooler.dense', head.poolerW, head.poolerB, H, H)]);
    const labels = head.classifierB.length;
    // The 3-way head stays fp32 in both variants: it is tiny, and quantize_dynamic leaves it similar.
    const logits = g.one('Add', [g.one('MatMul', [pooled, g.tensor('classifier.weight', [H, labels], head.classifierW)]), g.tensor('classifier.bias', [labels], head.classifierB)]);
    g.nodes.push({ opType: 'Identity', input: [logits], output: ['logits'], name: 'logits_out' });
    outputs.push({ name: 'logits', type: dims('batch_size', labels) });
  }

  const int64Input = (name: string) => ({
    name,
    type: { tensorType: { elemType: DT.INT64, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] } } },
  });
  const opsetImport = [{ domain: '', version: 17 }];
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
