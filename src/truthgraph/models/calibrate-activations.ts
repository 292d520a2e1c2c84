// Activation calibration for static int8 graphs (what quantize_static's MinMax calibrator does): run
// the fp32 graph, with every linear input exposed as an output, on fixture texts of the model's kind
// and keep each input's min and max. A real pack is calibrated the same way, on its own data.
import { createSession, ort } from '../inference/session.ts';
import { loadSeedPassages } from '../corpus/generate.ts';
import { padBatch, type Encoded, type TextTokenizer } from '../tokenize/tokenizer.ts';
import { calibrationPairs } from './calibrate.ts';
import { buildBertModel, CALIBRATION_OUTPUT_PREFIX, DEFAULT_GRAPH_OPTIONS, type ActivationRange } from './onnx-graph.ts';
import type { BertSpec } from './spec.ts';
import type { BertWeights } from './weights.ts';

/** Fixture inputs of the model's kind: evidence passages (embedder) or (evidence, claim) pairs (NLI). */
export function calibrationInputs(spec: BertSpec, tokenizer: TextTokenizer, maxTokens = 256): Encoded[] {
  if (spec.kind === 'nli') return calibrationPairs().map((p) => tokenizer.encodePair(p.premise, p.hypothesis, maxTokens));
  return loadSeedPassages().map((p) => tokenizer.encode(p.content, maxTokens));
}

export async function calibrateActivations(
  spec: BertSpec,
  weights: BertWeights,
  tokenizer: TextTokenizer,
  inputs: readonly Encoded[],
): Promise<Map<string, ActivationRange>> {
  const bytes = buildBertModel(spec, weights, 'fp32', { ...DEFAULT_GRAPH_OPTIONS, exposeLinearInputs: true });
  const session = await createSession(bytes, { threads: 2 });
  const ranges = new Map<string, ActivationRange>();
  try {
    const outputs = session.outputNames.filter((n) => n.startsWith(CALIBRATION_OUTPUT_PREFIX));
    for (let i = 0; i < inputs.length; i += 16) {
      const b = padBatch(inputs.slice(i, i + 16), tokenizer.special.pad);
      const dims = [b.size, b.seqLen];
      const out = await session.run({
        input_ids: new ort.Tensor('int64', b.inputIds, dims),
        attention_mask: new ort.Tensor('int64', b.attentionMask, dims),
        token_type_ids: new ort.Tensor('int64', b.tokenTypeIds, dims),
      });
      for (const name of outputs) {
        const data = out[name]!.data as Float32Array;
        const key = name.slice(CALIBRATION_OUTPUT_PREFIX.length);
        const r = ranges.get(key) ?? { min: Infinity, max: -Infinity };
        // Padding positions count too: at run time they are quantised with the same constants.
        for (let j = 0; j < data.length; j++) {
          const v = data[j]!;
          if (v < r.min) r.min = v;
          if (v > r.max) r.max = v;
        }
        ranges.set(key, r);
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}
