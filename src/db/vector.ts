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
