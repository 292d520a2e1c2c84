// NLI options: defaults resolved once into one complete, validated object (docs/code-style.md, rule 7).
import { z } from 'zod';
import { defaultThreads } from '../inference/runner.ts';
import { DEFAULT_NLI_PACK, DEFAULT_VARIANT } from '../models/spec.ts';

export const NliOptionsSchema = z.object({
  pack: z.string().min(1).default(DEFAULT_NLI_PACK),
  cacheDir: z.string().min(1),
  variant: z.enum(['auto', 'fp32', 'int8']).default(DEFAULT_VARIANT),
  /** Pairs per ORT run. */
  batchSize: z.number().int().min(1).max(1024).default(16),
  /** Pair sequence cap ([CLS] premise [SEP] hypothesis [SEP]), truncated longest-first. */
  maxTokens: z.number().int().min(3).max(512).default(512),
  maxBatchTokens: z.number().int().min(1).default(16_384),
  /** intra-op threads per session (default: the cores shared among the sessions). */
  threads: z.number().int().min(1).max(64).optional(),
  /** 0 = in-process session; N = N worker threads with a session each. */
  workers: z.number().int().min(0).max(16).default(0),
  autoBuild: z.boolean().default(true),
});

export type NliOptions = Omit<z.output<typeof NliOptionsSchema>, 'threads'> & { threads: number };
export type NliOptionsInput = z.input<typeof NliOptionsSchema>;

export function resolveNliOptions(input: NliOptionsInput): NliOptions {
  const o = NliOptionsSchema.parse(input);
  return { ...o, threads: o.threads ?? defaultThreads(o.workers) };
}
