// Run context facts and environment comparison.
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { collectContext, environmentClass, environmentDifferences, legacyEnvironmentClass } from './run-context.ts';
import { parseCpuQuota, parseInferenceFlags } from './cpu-features.ts';
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
  it('names an environment class from hardware only: CPU model, cores, inference flags and a CPU quota', () => {
    const epyc = { platform: 'linux', arch: 'x64', cpuModel: 'AMD EPYC 9R45 96-Core Processor', cpuCount: 2 };
    expect(environmentClass(epyc)).toBe('linux-x64-amd-epyc-9r45-2c');
    const xeon = { platform: 'linux', arch: 'x64', cpuModel: 'Intel(R) Xeon(R) Processor', cpuCount: 2 };
    expect(environmentClass({ ...xeon, cpuFlags: ['avx512_vnni', 'amx_int8', 'amx_bf16'], cpuQuota: null })).toBe('linux-x64-intel-xeon-2c-avx512vnni-amxint8-amxbf16');
    expect(environmentClass({ ...xeon, cpuFlags: [], cpuQuota: 1.5 })).toBe('linux-x64-intel-xeon-2c-quota1.5');
    // A quota of at least the core count limits nothing.
    expect(environmentClass({ ...xeon, cpuFlags: [], cpuQuota: 2 })).toBe('linux-x64-intel-xeon-2c');
    expect(legacyEnvironmentClass({ ...xeon, cpuFlags: ['avx512_vnni'], cpuQuota: 1 } as never)).toBe('linux-x64-intel-xeon-2c');
  });
  it('ends the class with the run environment tag: the database engine', () => {
    const xeon = { platform: 'linux', arch: 'x64', cpuModel: 'Intel(R) Xeon(R) Processor', cpuCount: 2, cpuFlags: ['avx512_vnni'], cpuQuota: null };
    expect(environmentClass(xeon, 'pglite')).toBe('linux-x64-intel-xeon-2c-avx512vnni-pglite');
    expect(environmentClass(xeon, 'postgres-container')).toBe('linux-x64-intel-xeon-2c-avx512vnni-postgres-container');
    expect(legacyEnvironmentClass(xeon, 'pglite')).toBe('linux-x64-intel-xeon-2c-pglite');
  });
  it('reads the inference flags of /proc/cpuinfo and the cgroup CPU quota (v1 and v2)', () => {
    const cpuinfo = 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 avx512f amx_bf16 avx512_bf16 amx_tile amx_int8 avx512_vnni\n\nprocessor\t: 1\nflags\t\t: fpu\n';
    expect(parseInferenceFlags(cpuinfo)).toEqual(['avx512_vnni', 'avx512_bf16', 'amx_int8', 'amx_bf16']);
    expect(parseInferenceFlags('flags\t: fpu sse2 avx2 avx_vnni\n')).toEqual([]);
    expect(parseInferenceFlags('no flags line')).toEqual([]);
    expect(parseCpuQuota({ cpuMax: 'max 100000\n' })).toBeNull();
    expect(parseCpuQuota({ cpuMax: '150000 100000\n' })).toBe(1.5);
    expect(parseCpuQuota({ cfsQuotaUs: '-1\n', cfsPeriodUs: '100000\n' })).toBeNull();
    expect(parseCpuQuota({ cfsQuotaUs: '50000', cfsPeriodUs: '100000' })).toBe(0.5);
    expect(parseCpuQuota({})).toBeNull();
  });
  it('lists differences that matter, ignoring git and calibration', () => {
    const a = collectContext(PROJECT_ROOT, 1);
    const b = { ...a, gitSha: 'other', calibrationScore: 2 };
    expect(environmentDifferences(a, b)).toEqual([]);
    expect(environmentDifferences({ ...a, cpuFlags: ['avx512_vnni'] }, { ...a, cpuFlags: ['avx512_vnni', 'amx_int8'] })).toEqual(['cpu flags: "avx512_vnni" -> "avx512_vnni amx_int8"']);
    // Baselines saved before flags and quota were recorded: not a difference.
    const { cpuFlags: _f, cpuQuota: _q, ...old } = a;
    expect(environmentDifferences(old, { ...a, cpuFlags: ['amx_int8'], cpuQuota: 1 })).toEqual([]);
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
