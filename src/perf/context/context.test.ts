// Run context facts and environment comparison.
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { collectContext, environmentClass, environmentDifferences } from './run-context.ts';
import { suiteContext, withSuiteContext } from './suite-context.ts';

describe('run context', () => {
  it('records machine, runtime and git facts', () => {
    const ctx = collectContext(PROJECT_ROOT, 123);
    expect(ctx.cpuCount).toBeGreaterThan(0);
    expect(ctx.node).toBe(process.versions.node);
    expect(ctx.onnxruntime).toMatch(/^\d+\.\d+/);
    expect(ctx.gitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof ctx.gitDirty).toBe('boolean');
    expect(ctx.calibrationScore).toBe(123);
  });
  it('names an environment class from hardware only', () => {
    expect(environmentClass({ platform: 'linux', arch: 'x64', cpuModel: 'AMD EPYC 9R45 96-Core Processor', cpuCount: 2 })).toBe(
      'linux-x64-amd-epyc-9r45-2c',
    );
  });
  it('lists differences that matter, ignoring git and calibration', () => {
    const a = collectContext(PROJECT_ROOT, 1);
    const b = { ...a, gitSha: 'other', calibrationScore: 2 };
    expect(environmentDifferences(a, b)).toEqual([]);
    const c = { ...a, cpuCount: a.cpuCount + 2, database: { engine: 'pglite' } };
    const d = { ...a, database: { engine: 'postgres' } };
    expect(environmentDifferences(a, c)).toEqual([`cpu count: ${a.cpuCount} -> ${a.cpuCount + 2}`]);
    expect(environmentDifferences(c, d).join(' ')).toMatch(/database/);
  });
  it('datasets and models: a changed hash differs, an entry not recorded yet (a suite adds them as it runs) does not', () => {
    const base = { ...collectContext(PROJECT_ROOT), datasets: [{ name: 'corpus 1k', hash: 'a' }, { name: 'corpus 50k', hash: 'b' }], models: [{ id: 'minilm', hash: 'fp' }, { id: 'minilm', hash: 'q8' }] };
    expect(environmentDifferences(base, { ...base, datasets: [{ name: 'corpus 1k', hash: 'a' }], models: [{ id: 'minilm', hash: 'q8' }] })).toEqual([]);
    expect(environmentDifferences(base, { ...base, datasets: [{ name: 'corpus 1k', hash: 'z' }] })).toEqual(['datasets: corpus 1k a -> z']);
    expect(environmentDifferences(base, { ...base, models: [{ id: 'minilm', hash: 'new' }] })).toEqual(['models: minilm fp|q8 -> new']);
  });
  it('suites add model packs, database and datasets', () => {
    suiteContext.reset();
    suiteContext.addModel({ id: 'minilm', hash: 'abc' });
    suiteContext.addModel({ id: 'minilm', hash: 'abc' });
    suiteContext.setDatabase({ engine: 'pglite', version: '18.6', pgvector: '0.8.7' });
    suiteContext.addDataset({ name: 'claims', hash: 'h1' });
    const ctx = withSuiteContext(collectContext(PROJECT_ROOT), suiteContext.snapshot());
    expect(ctx.models).toEqual([{ id: 'minilm', hash: 'abc' }]);
    expect(ctx.database?.engine).toBe('pglite');
    expect(ctx.datasets).toHaveLength(1);
    suiteContext.reset();
  });
});
