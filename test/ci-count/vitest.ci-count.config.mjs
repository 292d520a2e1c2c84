// The fixture project of test/ci-count.test.ts: test files that fail in ways vitest 4's JSON
// report does not count as failed tests (an import error, a failing beforeAll / afterAll).
export default { test: { include: ['test/ci-count/*.case.mjs'], pool: 'forks' } };
