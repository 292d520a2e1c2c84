// The baseline file format (zod-validated): one JSON file per suite, environment class and
// profile, holding raw samples, estimates and the run context they were recorded in.
import { z } from 'zod';

export const BASELINE_SCHEMA_VERSION = 1;

const budgetSchema = z.object({
  max: z.number().optional(),
  min: z.number().optional(),
  statistic: z.enum(['median', 'mean', 'p95', 'p99', 'min', 'max']).optional(),
  source: z.string().optional(),
});

/** How instruction counts were taken: a count is only compared with one taken the same way. */
export const instrumentationSchema = z.object({
  tool: z.string(),
  valgrind: z.string(),
  node: z.string(),
  v8: z.string(),
  nodeFlags: z.array(z.string()),
  valgrindFlags: z.array(z.string()),
  /** `NAME=value` settings of the counted process's environment; absent in baselines saved before they were recorded. */
  env: z.array(z.string()).optional(),
});

export const runContextSchema = z.object({
  cpuModel: z.string(),
  cpuCount: z.number().int(),
  cpuFlags: z.array(z.string()).nullable().optional(),
  cpuQuota: z.number().nullable().optional(),
  totalMemoryBytes: z.number(),
  platform: z.string(),
  osRelease: z.string(),
  arch: z.string(),
  node: z.string(),
  onnxruntime: z.string().nullable(),
  gitSha: z.string().nullable(),
  gitDirty: z.boolean().nullable(),
  calibrationScore: z.number().nullable(),
  models: z.array(z.object({ id: z.string(), hash: z.string(), variant: z.string().optional(), synthetic: z.boolean().optional() })),
  database: z.object({ engine: z.string(), version: z.string().optional(), pgvector: z.string().optional() }).nullable(),
  datasets: z.array(z.object({ name: z.string(), hash: z.string() })),
  v8: z.string().optional(),
  instrumentation: instrumentationSchema.nullable().optional(),
});

export const baselineMetricSchema = z.object({
  unit: z.string(),
  direction: z.enum(['lower', 'higher']),
  kind: z.enum(['timing', 'exact', 'instructions']),
  tolerance: z.number().optional(),
  judge: z.enum(['baseline', 'budget-only']).optional(),
  budget: budgetSchema.optional(),
  samples: z.array(z.number()).min(1),
  estimates: z.object({ n: z.number().int(), median: z.number(), p5: z.number(), p95: z.number(), p99: z.number(), mad: z.number() }),
});

export const profileSchema = z.enum(['full', 'quick']);

export const baselineFileSchema = z.object({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  suite: z.string().min(1),
  profile: profileSchema,
  environmentClass: z.string().min(1),
  savedAt: z.string(),
  /** Present when the save was forced (--force --reason, over a failing run or not): why. */
  forced: z.object({ reason: z.string().min(1) }).optional(),
  context: runContextSchema,
  metrics: z.record(z.string(), baselineMetricSchema),
});

export type BaselineFile = z.infer<typeof baselineFileSchema>;
export type BaselineMetric = z.infer<typeof baselineMetricSchema>;
export type Profile = z.infer<typeof profileSchema>;
