// Statistics used by the harness: pure functions over raw samples (no I/O, no other src imports).
export * from './descriptive.ts';
export * from './distributions.ts';
export * from './rng.ts';
export * from './bootstrap.ts';
export * from './mann-whitney.ts';
export * from './regression.ts';
export * from './paired.ts';
export * from './multiple.ts';
export * from './energy-split.ts';
export * from './change-points.ts';
