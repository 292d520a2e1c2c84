// Real callgrind runs of a bundled fixture (no valgrind: skipped, saying how to install it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { bundleWorkloads } from './bundle.ts';
import { countInstructions } from './count.ts';
import { probeValgrind } from './valgrind.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/scaling-workloads.ts', import.meta.url));
const probe = probeValgrind();

describe('instruction counting', () => {
  it('bundles a declarations module that plain node runs and lists', async () => {
    const entry = await bundleWorkloads(FIXTURE, path.join(PROJECT_ROOT, '.cache', 'instructions'));
    const listed = JSON.parse(execFileSync(process.execPath, [entry, '--list'], { encoding: 'utf8' })) as Array<{ name: string }>;
    expect(listed.map((w) => w.name)).toEqual(['sum x1', 'sum x2']);
  });

  it.skipIf(!probe.available)(`counts per operation, scaling with the work (${probe.available ? `valgrind ${probe.version}` : 'SKIPPED: apt-get install -y valgrind'})`, async () => {
    const entry = await bundleWorkloads(FIXTURE, path.join(PROJECT_ROOT, '.cache', 'instructions'));
    const out = mkdtempSync(path.join(os.tmpdir(), 'icount-test-'));
    const [x1, x2] = await Promise.all(
      ['sum x1', 'sum x2'].map((workload) => countInstructions({ bundle: entry, workload, iterations: 200, outDir: path.join(out, workload.replace(' ', '-')), cwd: PROJECT_ROOT, breakdown: true })),
    );
    // 4,000 vs 8,000 multiply-adds per call: the count doubles (within 3%: loop set-up is fixed).
    expect(x2!.perOp / x1!.perOp).toBeGreaterThan(1.94);
    expect(x2!.perOp / x1!.perOp).toBeLessThan(2.03);
    // At least a load, a multiply-add and the loop's compare-and-branch per element: a count in
    // the low thousands means compiler work landed in the N part and was subtracted from the 2N part's.
    expect(x1!.perOp).toBeGreaterThan(3 * 4_000);
    // Start-up is outside the parts: node alone executes ~500 M instructions before the first op
    // (had it leaked into a part, the x2 / x1 ratio above would not be ~2).
    expect(x1!.parts.startup).toBeGreaterThan(300_000_000);
    // The Sparkplug-compiled loop is JIT code, which callgrind cannot name: the breakdown says so
    // (beside the builtins it calls, which are named: Builtins_LoadIC and others).
    expect(x1!.breakdown!.entries.some((e) => /JIT-compiled JavaScript/.test(e.function))).toBe(true);
    expect(x1!.breakdown!.unnamedJitShare).toBeGreaterThan(0);
  }, 600_000);
});
