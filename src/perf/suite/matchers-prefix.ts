// The prefix of every perf matcher failure, shared by the matchers (worker) and the reporter
// (main process) without importing vitest's expect into the reporter.
export const MATCHER_PREFIX = '[perf]';
