// A small ONNX graph builder over onnx-proto (ModelProto, opset 17 + com.microsoft contrib ops) and
// the weight quantisers the int8 graphs use. Graph assembly (which nodes a BERT layer has) lives in
// onnx-graph.ts; this module only knows how to write nodes and tensors.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
export const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

export type Attr = number | number[] | { f: number };

export const MS_DOMAIN = 'com.microsoft';

export class GraphBuilder {
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

  one(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, domain = ''): string {
    return this.op(opType, inputs, attrs, 1, domain)[0]!;
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

/** Asymmetric uint8 parameters for a calibrated activation range (the range always includes 0, as ONNX requires). */
export function uint8Params(range: { min: number; max: number }): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, range.min);
  const hi = Math.max(0, range.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

/** Concatenates [rows x cols_i] row-major matrices along the columns. */
export function concatColumns(parts: readonly Float32Array[], rows: number): Float32Array {
  const widths = parts.map((p) => p.length / rows);
  const total = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * total);
  for (let r = 0; r < rows; r++) {
    let at = r * total;
    parts.forEach((p, i) => {
      out.set(p.subarray(r * widths[i]!, (r + 1) * widths[i]!), at);
      at += widths[i]!;
    });
  }
  return out;
}
