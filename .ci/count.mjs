// Prints the closing line CI reads (`N passed, N failed, N skipped`, alone on the last line) from the
// steps .ci/run recorded. Usage: node .ci/count.mjs --step 'name|exit code|result file' ...
// (the result file is optional). Rules, so that a broken run can never look green:
// - vitest JSON: tests count by their own status; a test file that failed with no failing test in it
//   (an import error, a failing beforeAll/afterAll) counts as one failure, and the tests it never ran
//   are "not run", not "skipped" (vitest 4 reports them as pending).
// - perf report.json: one entry per judged metric; REGRESSED / BUDGET-FAIL fail unless advisory; an
//   advisory failure is neither passed nor failed: it is listed on its own line; each harness error
//   and each suite that failed with errors counts as a failure.
// - a result file that is missing or unreadable counts as one failure;
// - a step that exited non-zero without a failure in its results (or with no results at all, e.g.
//   `npm ci` or the type-check) counts as one failure.
// Exit code: 1 when anything failed, else 0.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const FAILING = new Set(['REGRESSED', 'BUDGET-FAIL']);

export function tallyVitest(r) {
  const t = { passed: 0, failed: 0, skipped: 0, notRun: 0, notes: [] };
  for (const file of r.testResults ?? []) {
    const statuses = (file.assertionResults ?? []).map((a) => a.status);
    const failedTests = statuses.filter((s) => s === 'failed').length;
    t.passed += statuses.filter((s) => s === 'passed').length;
    t.failed += failedTests;
    const others = statuses.filter((s) => s !== 'passed' && s !== 'failed').length;
    if (file.status === 'failed' && failedTests === 0) {
      t.failed += 1;
      t.notRun += others;
      const why = String(file.message ?? '').split('\n')[0] || 'no message';
      t.notes.push(`test file failed outside its tests (import error or failing hook): ${file.name}: ${why}`);
    } else {
      t.skipped += others;
    }
  }
  if ((r.testResults ?? []).length === 0) t.notes.push('no test files ran');
  return t;
}

export function tallyPerf(r) {
  const t = { passed: 0, failed: 0, skipped: 0, notRun: 0, notes: [], advisory: [] };
  for (const m of r.metrics) {
    const failing = FAILING.has(m.decision.status);
    if (failing && m.decision.advisory) t.advisory.push(`${m.suite} › ${m.name}: ${m.decision.status}`);
    else if (failing) t.failed += 1;
    else t.passed += 1;
  }
  const failedSuites = r.suites.filter((s) => s.state === 'failed' && s.errors.length > 0);
  t.failed += r.errors.length + failedSuites.length;
  for (const e of r.errors) t.notes.push(`harness error: ${String(e).split('\n')[0]}`);
  for (const s of failedSuites) t.notes.push(`suite ${s.name} failed: ${String(s.errors[0]).split('\n')[0]}`);
  return t;
}

export function tallyFile(file) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return Array.isArray(r.metrics) ? tallyPerf(r) : tallyVitest(r);
}

/** steps: [{ name, exitCode, file? }] -> totals and the lines to print. */
export function count(steps) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  const lines = [];
  const advisory = [];
  for (const step of steps) {
    let t = { passed: 0, failed: 0, skipped: 0, notRun: 0, notes: [] };
    if (step.file) {
      try {
        t = tallyFile(step.file);
      } catch (error) {
        t.failed = 1;
        t.notes.push(`results ${step.file} missing or unreadable (${error.message.split('\n')[0]})`);
      }
    }
    if (step.exitCode !== 0 && t.failed === 0) {
      t.failed = 1;
      t.notes.push(step.file ? `exited ${step.exitCode} although its results show no failure` : `exited ${step.exitCode}`);
    }
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
    advisory.push(...(t.advisory ?? []));
    const notRun = t.notRun ? `, ${t.notRun} not run` : '';
    const counts = step.file ? `: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${notRun}` : t.failed ? ': failed' : ': ok';
    lines.push(`  ${step.name}${counts}${step.exitCode !== 0 ? ` (exit ${step.exitCode})` : ''}`);
    for (const note of t.notes) lines.push(`    ${note}`);
  }
  if (advisory.length > 0) {
    lines.push(`advisory (reported, not gating): ${advisory.length} metric(s) regressed or over budget`);
    for (const a of advisory) lines.push(`    ${a}`);
  }
  return { total, lines, closing: `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped` };
}

export function parseSteps(argv) {
  const steps = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--step') throw new Error(`unexpected argument ${argv[i]} (usage: --step 'name|exit code|result file')`);
    const [name, code, file] = String(argv[++i]).split('|');
    steps.push({ name, exitCode: Number(code), ...(file ? { file } : {}) });
  }
  return steps;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let result;
  try {
    result = count(parseSteps(process.argv.slice(2)));
  } catch (error) {
    console.error(`count.mjs: ${error.message}`);
    result = { total: { failed: 1 }, lines: [], closing: '0 passed, 1 failed, 0 skipped' };
  }
  console.log('steps:');
  for (const line of result.lines) console.log(line);
  console.log(result.closing);
  process.exitCode = result.total.failed > 0 ? 1 : 0;
}
