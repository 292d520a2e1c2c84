// The graph shapes a BERT pack can ship, by name, built in memory from the same synthetic weights, so
// they can be measured against each other on one machine (scripts/ort-ceiling.ts, docs/performance.md).
// Every variant is something a real pack can be: an export, ORT's transformer optimizer output,
// quantize_dynamic (with or without the activation MatMuls) or quantize_static on calibration data.
import { buildTokenizerJson } from './tokenizer-json.ts';
import { TextTokenizer } from '../tokenize/tokenizer.ts';
import { syntheticVocabulary, syntheticWeights } from './build.ts';
import { calibrateActivations, calibrationInputs } from './calibrate-activations.ts';
import { buildBertModel, type ActivationRange, type GraphOptions } from './onnx-graph.ts';
import type { BertSpec, Variant } from './spec.ts';

export interface GraphVariant {
  name: string;
  variant: Variant;
  graph: GraphOptions;
  what: string;
}

const plain = { attention: 'plain', quantization: 'dynamic', quantizeAttentionMatMuls: false } as const;
const fused = { ...plain, attention: 'fused' } as const;
const mha = { ...plain, attention: 'mha' } as const;

export const GRAPH_VARIANTS: readonly GraphVariant[] = [
  { name: 'fp32-plain', variant: 'fp32', graph: plain, what: 'opset-17 export pattern, fp32' },
  { name: 'fp32-fused', variant: 'fp32', graph: fused, what: 'ORT transformer-optimizer ops (Attention, SkipLayerNormalization, BiasGelu), fp32' },
  { name: 'int8-plain', variant: 'int8', graph: plain, what: 'quantize_dynamic of the export: weight MatMuls int8, activations quantised per run' },
  { name: 'int8-plain-qattn', variant: 'int8', graph: { ...plain, quantizeAttentionMatMuls: true }, what: 'as int8-plain, plus QK^T and probs x V quantised per run' },
  { name: 'int8-plain-static', variant: 'int8', graph: { ...plain, quantization: 'static' }, what: 'quantize_static (QDQ, MinMax on fixture texts) of the export' },
  { name: 'fp32-mha', variant: 'fp32', graph: mha, what: 'packed QKV MatMul + Split + MultiHeadAttention, the rest as exported, fp32' },
  { name: 'int8-mha', variant: 'int8', graph: mha, what: 'quantize_dynamic of the packed-QKV + MultiHeadAttention graph' },
  { name: 'int8-mha-static', variant: 'int8', graph: { ...mha, quantization: 'static' }, what: 'quantize_static of the packed-QKV + MultiHeadAttention graph' },
  { name: 'int8-fused', variant: 'int8', graph: fused, what: 'quantize_dynamic of the optimizer output (QAttention, SkipLayerNormalization, BiasGelu)' },
  { name: 'int8-fused-static', variant: 'int8', graph: { ...fused, quantization: 'static' }, what: 'quantize_static of the optimizer output' },
];

export function graphVariant(name: string): GraphVariant {
  const v = GRAPH_VARIANTS.find((x) => x.name === name);
  if (!v) throw new Error(`unknown graph variant "${name}" (known: ${GRAPH_VARIANTS.map((x) => x.name).join(', ')})`);
  return v;
}

/** Builds the named variants of one spec (weights, tokenizer and calibration made once). */
export async function buildGraphVariants(spec: BertSpec, names: readonly string[]): Promise<Map<string, Uint8Array>> {
  const tokenizer = new TextTokenizer(buildTokenizerJson(syntheticVocabulary().tokens));
  const weights = await syntheticWeights(spec, tokenizer);
  const variants = names.map(graphVariant);
  let ranges: Map<string, ActivationRange> | undefined;
  if (variants.some((v) => v.variant === 'int8' && v.graph.quantization === 'static')) {
    ranges = await calibrateActivations(spec, weights, tokenizer, calibrationInputs(spec, tokenizer));
  }
  const out = new Map<string, Uint8Array>();
  for (const v of variants) out.set(v.name, buildBertModel(spec, weights, v.variant, { ...v.graph, ...(ranges && { ranges }) }));
  return out;
}
