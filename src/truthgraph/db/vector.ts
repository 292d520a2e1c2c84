// The pgvector codec: validation and text encoding of vectors that travel as bound parameters.
import * as pgvector from 'pgvector';

export const EMBEDDING_DIM = 384;

export type VectorLike = Float32Array | readonly number[];

/** Why a vector cannot be stored, or undefined when it is valid. */
export function vectorProblem(vector: VectorLike, dim: number = EMBEDDING_DIM): string | undefined {
  if (vector.length !== dim) return `expected ${dim} dimensions, got ${vector.length}`;
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) return `component ${i} is ${vector[i]} (not a finite number)`;
  }
  return undefined;
}

export class InvalidVectorError extends Error {
  override readonly name = 'InvalidVectorError';
}

/** Encodes for a `$n::vector` parameter; throws InvalidVectorError for a bad vector. */
export function vectorToSql(vector: VectorLike, dim: number = EMBEDDING_DIM): string {
  const problem = vectorProblem(vector, dim);
  if (problem) throw new InvalidVectorError(`invalid vector: ${problem}`);
  return pgvector.toSql(Array.from(vector)) as string;
}

// Binary parameters: pg sends a Buffer parameter in binary format, so the server decodes it with
// integer byte swaps instead of parsing decimal text. In PGlite (wasm) text float parsing costs ~2 ms
// per 384-d vector, which dominated both bulk ingest and single-query latency.

/** A `$n::vector` parameter in pgvector's binary format (int16 dim, int16 0, float4 big-endian). */
export function vectorToBinary(vector: VectorLike, dim: number = EMBEDDING_DIM): Buffer {
  const problem = vectorProblem(vector, dim);
  if (problem) throw new InvalidVectorError(`invalid vector: ${problem}`);
  const buf = Buffer.allocUnsafe(4 + dim * 4);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setInt16(0, dim);
  view.setInt16(2, 0);
  for (let i = 0; i < dim; i++) view.setFloat32(4 + i * 4, vector[i]!);
  return buf;
}

const FLOAT4_OID = 700;

/**
 * Many vectors as ONE flat binary `real[]` parameter (n * dim elements, row-major). SQL takes row o
 * (1-based) with `($p::real[])[(o - 1) * dim + 1 : o * dim]::vector`; real[] needs no type oid lookup,
 * unlike a binary vector[] (whose header must carry the extension's per-database oid).
 */
export function vectorsToBinaryArray(vectors: readonly VectorLike[], dim: number = EMBEDDING_DIM): Buffer {
  vectors.forEach((v, i) => {
    const problem = vectorProblem(v, dim);
    if (problem) throw new InvalidVectorError(`invalid vector ${i}: ${problem}`);
  });
  const n = vectors.length * dim;
  const buf = Buffer.allocUnsafe(20 + n * 8);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // array_recv header: ndim, has-nulls flag, element type, then (length, lower bound) per dimension.
  view.setInt32(0, 1);
  view.setInt32(4, 0);
  view.setInt32(8, FLOAT4_OID);
  view.setInt32(12, n);
  view.setInt32(16, 1);
  let o = 20;
  for (const v of vectors) {
    for (let i = 0; i < dim; i++) {
      view.setInt32(o, 4);
      view.setFloat32(o + 4, v[i]!);
      o += 8;
    }
  }
  return buf;
}

export function vectorFromSql(text: string): Float32Array {
  return Float32Array.from(pgvector.fromSql(text) as number[]);
}

export function cosineSimilarity(a: VectorLike, b: VectorLike): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}
