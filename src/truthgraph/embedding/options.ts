// Embedder options: defaults resolved once into one complete, validated object (docs/code-style.md, rule 7).
import { z } from 'zod';
import { defaultThreads } from '../inference/runner.ts';
import { DEFAULT_EMBEDDER_PACK, DEFAULT_VARIANT } from '../models/spec.ts';

export const EmbedderOptionsSchema = z.object({
  /** Synthetic pack name, pack folder or downloaded hub id. */
  pack: z.string().min(1).default(DEFAULT_EMBEDDER_PACK),
  /** Root of generated state (packs live in <cacheDir>/models). */
  cacheDir: z.string().min(1),
  variant: z.enum(['auto', 'fp32', 'int8']).default(DEFAULT_VARIANT),
  /** Texts per ORT run (batches are cut from length-sorted texts). */
  batchSize: z.number().int().min(1).max(4096).default(32),
  /** Sequence cap including [CLS]/[SEP]; longer texts are truncated. */
  maxTokens: z.number().int().min(2).max(512).default(256),
  /**
   * Cap on batch x padded length. Small batches stay in cache and bound ORT's arena, which grows to
   * the largest shape run and stays: measured on our 2-vCPU Xeon at batch 128 (int8, long / short
   * texts/s, peak RSS): 16,384 -> 215 / 751, 490 MB; 1,024 -> 368 / 1,053, 291 MB (fp32 alike).
   */
  maxBatchTokens: z.number().int().min(1).default(1_024),
  /** intra-op threads per session (default: the cores shared among the sessions). */
  threads: z.number().int().min(1).max(64).optional(),
  /** 0 = in-process session; N = N worker threads with a session each. */
  workers: z.number().int().min(0).max(16).default(0),
  /** Build the synthetic pack if it is not cached yet. */
  autoBuild: z.boolean().default(true),
});

export type EmbedderOptions = Omit<z.output<typeof EmbedderOptionsSchema>, 'threads'> & { threads: number };
export type EmbedderOptionsInput = z.input<typeof EmbedderOptionsSchema>;

export function resolveEmbedderOptions(input: EmbedderOptionsInput): EmbedderOptions {
  const o = EmbedderOptionsSchema.parse(input);
  return { ...o, threads: o.threads ?? defaultThreads(o.workers) };
}
