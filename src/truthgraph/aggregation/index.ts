// Verdict aggregation: pure strategies over per-evidence NLI judgements.
export * from './types.ts';
export * from './strategies.ts';
