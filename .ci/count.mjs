// Prints the closing line CI reads (`N passed, N failed, N skipped`) from result files:
// vitest JSON results (tests) and the perf harness's report.json (one entry per judged metric:
// failed when REGRESSED / BUDGET-FAIL and not advisory; each harness error counts as a failure).
// A missing or unreadable file counts as one failure, so a crashed step can never look green.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(r.metrics)) {
      const failing = r.metrics.filter((m) => !m.decision.advisory && ['REGRESSED', 'BUDGET-FAIL'].includes(m.decision.status));
      passed += r.metrics.length - failing.length;
      failed += failing.length + r.errors.length + r.suites.filter((s) => s.state === 'failed' && s.errors.length > 0).length;
      console.error(`${file}: ${r.metrics.length} metrics judged, ${failing.length} failing, ${r.errors.length} harness errors`);
    } else {
      passed += r.numPassedTests ?? 0;
      failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
      skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      if (r.numTotalTests === 0) console.error(`${file}: no tests ran`);
    }
  } catch (error) {
    console.error(`${file}: unreadable (${error.message})`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
