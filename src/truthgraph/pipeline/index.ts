// The verification pipeline's public surface (CLI, perf suites): open it, verify claims, summarise runs.
export { Verifier, verifyBatch, verifyClaim, verifyClaims, type PipelineDeps, type BatchContext, type BatchProgress } from './verify.ts';
export { openPipeline, createPipeline, resolveRuntimeConfig, type Pipeline, type PipelineRuntime, type RuntimeConfig, type ModelChoice } from './runtime.ts';
export { resolveVerifyOptions, DEFAULT_VERIFY_OPTIONS, PIPELINE_VERSION, type VerifyOptions, type VerifyOptionsInput } from './options.ts';
export { DbEvidenceStore, embedderAdapter, nliAdapter, packUse, toNliPrediction } from './adapters.ts';
export { EmbeddingCache, type CacheStats } from './embedding-cache.ts';
export { Limiter, BackpressureError, mapBounded, type LimiterOptions } from './limiter.ts';
export { normaliseClaim, type NormalisedClaim } from './normalise.ts';
export { parseClaims, readClaimsFile, writeFileAtomic } from './claims-file.ts';
export { summariseRun, type RunSummary } from './summary.ts';
export { loadSampleDataset, loadRealWorldDataset, loadEdgeCaseDataset, type Dataset, type DatasetClaim } from './datasets.ts';
export { loadDatasetEvidence } from './demo.ts';
export * from './types.ts';
