// Mean pooling over the attention mask, then L2 normalisation: one vector per row of a batch.

/**
 * `hidden` is [batch, seq, dim] row-major; `lengths[r]` is row r's real token count (its mask is a
 * prefix of ones, as our padding always is). Returns one unit-length Float32Array(dim) per row;
 * a row whose mean is all zeros stays all zeros.
 */
export function meanPoolNormalize(hidden: Float32Array, lengths: readonly number[], seq: number, dim: number): Float32Array[] {
  const out: Float32Array[] = [];
  const acc = new Float64Array(dim);
  for (let r = 0; r < lengths.length; r++) {
    acc.fill(0);
    const n = lengths[r]!;
    for (let t = 0; t < n; t++) {
      const base = (r * seq + t) * dim;
      for (let d = 0; d < dim; d++) acc[d]! += hidden[base + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += acc[d]! * acc[d]!;
    norm = Math.sqrt(norm);
    const v = new Float32Array(dim);
    if (norm > 0) for (let d = 0; d < dim; d++) v[d] = acc[d]! / norm;
    out.push(v);
  }
  return out;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
