// Run context: what every result records about where and on what it ran.
export * from './run-context.ts';
export * from './suite-context.ts';
