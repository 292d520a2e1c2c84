// NLI options: defaults resolved once into one complete, validated object (docs/code-style.md, rule 7).
import { z } from 'zod';
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
  threads: z.number().int().min(1).max(64).default(2),
  workers: z.number().int().min(0).max(16).default(0),
  autoBuild: z.boolean().default(true),
});

export type NliOptions = z.output<typeof NliOptionsSchema>;
export type NliOptionsInput = z.input<typeof NliOptionsSchema>;

export function resolveNliOptions(input: NliOptionsInput): NliOptions {
  return NliOptionsSchema.parse(input);
}
