// Calibrates the synthetic NLI head so that its labels vary across inputs. A randomly initialised
// cross-encoder's [CLS] state is mostly input-independent, so raw logits pick one label for
// everything; we run the encoder once on fixture pairs and set the (fp32) classifier so logits are
// centred on those pairs with a spread of ~TARGET_STD. Deterministic: same pack bytes every build.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATASET_DIR } from '../../shared/paths.ts';
import { createSession, ort } from '../inference/session.ts';
import { TextTokenizer, padBatch, type Encoded } from '../tokenize/tokenizer.ts';

const TARGET_STD = 2;

/** Fixture (evidence, claim) pairs: each test claim with its linked sample evidence. */
export function calibrationPairs(): Array<{ premise: string; hypothesis: string }> {
  const claims = JSON.parse(readFileSync(path.join(DATASET_DIR, 'test_claims.json'), 'utf8')).claims as Array<{ text: string; evidence_ids?: string[] }>;
  const evidence = JSON.parse(readFileSync(path.join(DATASET_DIR, 'sample_evidence.json'), 'utf8')).evidence as Array<{ id: string; content: string }>;
  const byId = new Map(evidence.map((e) => [e.id, e.content]));
  return claims.flatMap((c) => (c.evidence_ids ?? []).flatMap((id) => (byId.has(id) ? [{ premise: byId.get(id)!, hypothesis: c.text }] : [])));
}

/** Runs `modelPath` on the calibration pairs and returns [pairs x labels] logits. */
async function logitsOn(modelPath: string | Uint8Array, tokenizer: TextTokenizer, labels: number): Promise<number[][]> {
  const session = await createSession(modelPath, { threads: 2 });
  try {
    const encoded: Encoded[] = calibrationPairs().map((p) => tokenizer.encodePair(p.premise, p.hypothesis, 512));
    const rows: number[][] = [];
    for (let i = 0; i < encoded.length; i += 16) {
      const b = padBatch(encoded.slice(i, i + 16), tokenizer.special.pad);
      const dims = [b.size, b.seqLen];
      const out = await session.run({
        input_ids: new ort.Tensor('int64', b.inputIds, dims),
        attention_mask: new ort.Tensor('int64', b.attentionMask, dims),
        token_type_ids: new ort.Tensor('int64', b.tokenTypeIds, dims),
      });
      const data = out.logits!.data as Float32Array;
      for (let r = 0; r < b.size; r++) rows.push(Array.from(data.subarray(r * labels, (r + 1) * labels)));
    }
    return rows;
  } finally {
    await session.release();
  }
}

/**
 * Given a model built with classifier bias 0, returns the scale for the classifier weights and the
 * bias that centre and spread the logits (logits are linear in the classifier weights and bias).
 */
export async function calibrateHead(modelPath: string | Uint8Array, tokenizer: TextTokenizer, labels: number): Promise<{ scale: number; bias: Float32Array }> {
  const rows = await logitsOn(modelPath, tokenizer, labels);
  const mean = new Float64Array(labels);
  for (const r of rows) r.forEach((v, k) => (mean[k]! += v / rows.length));
  let variance = 0;
  for (const r of rows) r.forEach((v, k) => (variance += (v - mean[k]!) ** 2 / (rows.length * labels)));
  const scale = TARGET_STD / Math.max(Math.sqrt(variance), 1e-6);
  const bias = Float32Array.from(mean, (m) => -m * scale);
  return { scale, bias };
}
