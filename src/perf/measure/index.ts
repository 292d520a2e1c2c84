// Measurement: clock, timing sampler, memory/leak sampling, GC access and calibration.
export * from './clock.ts';
export * from './gc.ts';
export * from './calibration.ts';
export * from './timing.ts';
export * from './memory.ts';
