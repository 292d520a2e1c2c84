// Decisions per metric (PASS / IMPROVED / REGRESSED / BUDGET-FAIL / NEW / INCONCLUSIVE).
export * from './decision.ts';
export * from './decide.ts';
export * from './instructions.ts';
