// Baselines: named, schema-validated, atomically written records of samples + estimates + context.
export * from './schema.ts';
export * from './stable-json.ts';
export * from './atomic-write.ts';
export * from './store.ts';
