// The profile diff on small hand-made .cpuprofile objects: where self and total time go (functions,
// V8's buckets, onnxruntime and PGlite), per iteration, inside the workload's window.
import { describe, expect, it } from 'vitest';
import { BUCKETS, diffHeadlines, diffProfiles, largestChanges, renderDiffHtml, renderDiffMarkdown, sideTimes, type CpuProfile } from './profile-diff.ts';

const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 0 });

/**
 * root
 *  ├─ main (src/app.ts:10)
 *  │   ├─ hot (src/app.ts:20)
 *  │   │   └─ now (node:internal/perf/performance)  -> counts as hot's self time
 *  │   └─ InferenceSession run (onnxruntime-node backend.js)
 *  │       └─ native run (url '')                  -> the onnxruntime bucket
 *  ├─ wasm-function[12] (wasm://)                   -> the PGlite bucket
 *  ├─ (garbage collector)
 *  └─ (idle)
 */
function profile(root: string, hits: Record<number, number>, interval = 1000): CpuProfile {
  const nodes = [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2, 7, 8, 9] },
    { id: 2, callFrame: frame('main', `file://${root}/src/app.ts`, 9), children: [3, 5] },
    { id: 3, callFrame: frame('hot', `file://${root}/src/app.ts`, 19), children: [4] },
    { id: 4, callFrame: frame('now', 'node:internal/perf/performance', 136) },
    { id: 5, callFrame: frame('run', `file://${root}/node_modules/onnxruntime-node/dist/backend.js`, 114), children: [6] },
    { id: 6, callFrame: frame('run', '', -1) },
    { id: 7, callFrame: frame('wasm-function[12]', 'wasm://wasm/abc', 0) },
    { id: 8, callFrame: frame('(garbage collector)', '', -1) },
    { id: 9, callFrame: frame('(idle)', '', -1) },
  ];
  const samples = Object.entries(hits).flatMap(([id, n]) => Array.from({ length: n }, () => Number(id)));
  return { nodes, startTime: 1_000_000, endTime: 1_000_000 + samples.length * interval, samples, timeDeltas: samples.map(() => interval) };
}

describe('sideTimes', () => {
  it('gives self time to the sampled function, runtime leaves to their caller, native time to named buckets', () => {
    const t = sideTimes({ profile: profile('/p', { 2: 1, 3: 2, 4: 3, 6: 4, 7: 5, 8: 6, 9: 7 }), root: '/p' });
    const self = (k: string) => (t.self.get(k) ?? 0) / 1000;
    expect(self('main src/app.ts:10')).toBe(1);
    expect(self('hot src/app.ts:20')).toBe(5); // 2 of its own + 3 in performance.now
    expect(self(BUCKETS.onnxruntime)).toBe(4);
    expect(self(BUCKETS.pglite)).toBe(5);
    expect(self(BUCKETS.gc)).toBe(6);
    expect(self(BUCKETS.idle)).toBe(7);
    const total = (k: string) => (t.total.get(k) ?? 0) / 1000;
    expect(total('main src/app.ts:10')).toBe(10); // main + hot + now + ort
    expect(total(BUCKETS.onnxruntime)).toBe(4);
    expect(t.samples).toBe(28);
  });

  it('divides by the iterations and counts only samples inside the window', () => {
    const p = profile('/p', { 3: 10 });
    expect(sideTimes({ profile: p, iterations: 5 }).self.get('hot src/app.ts:20')).toBe(2000);
    // Samples at t = start + 1000 * k, k = 1..10: the window [start + 3000, start + 6000] holds 4.
    const w = sideTimes({ profile: p, window: { startUs: 1_003_000, endUs: 1_006_000 } });
    expect(w.samples).toBe(4);
  });
});

describe('diffProfiles', () => {
  // The same functions in two checkouts (worktrees): identity is name + project-relative file + line.
  const base = { profile: profile('/work/base', { 2: 10, 3: 20, 6: 50 }), iterations: 10, root: '/work/base' };
  const head = { profile: profile('/work/head', { 2: 20, 3: 52, 6: 100 }), iterations: 20, root: '/work/head' };

  it('matches functions across checkouts and normalises by the iteration counts', () => {
    const d = diffProfiles(base, head);
    const hot = d.rows.find((r) => r.fn.name === 'hot')!;
    expect(hot.fn.file).toBe('src/app.ts');
    expect(hot.baseSelfMs).toBeCloseTo(2, 9);
    expect(hot.headSelfMs).toBeCloseTo(2.6, 9);
    const main = d.rows.find((r) => r.fn.name === 'main')!;
    expect(main.baseSelfMs).toBeCloseTo(main.headSelfMs, 9); // twice the samples over twice the iterations
  });

  it('puts the function that got slower first, with its per-iteration times', () => {
    const d = diffProfiles(base, head);
    expect(largestChanges(d, 1)[0]!.fn.name).toBe('hot');
    const [first] = diffHeadlines(d, 5);
    expect(first).toBe('`hot` (src/app.ts:20) self time +30% (2.00 -> 2.60 ms per iteration)');
  });

  it('renders markdown and html tables with both sides', () => {
    const d = diffProfiles({ ...base, label: 'base <main>' }, head);
    const md = renderDiffMarkdown(d);
    expect(md).toContain('## Top functions by self time');
    expect(md).toMatch(/\| `hot` \| src\/app\.ts:20 \| 2\.00 \| 2\.60 \| \+0\.600 \| \+30% \|/);
    expect(md).toContain(`| \`${BUCKETS.onnxruntime}\` | (bucket) |`);
    const html = renderDiffHtml(d);
    expect(html).toContain('base &lt;main&gt;');
    expect(html).toContain('<code>hot</code>');
  });

  it('marks functions only one side has as new or gone', () => {
    const d = diffProfiles({ profile: profile('/p', { 2: 10 }) }, { profile: profile('/p', { 2: 10, 3: 5 }) });
    expect(diffHeadlines(d, 1)[0]).toContain('`hot` (src/app.ts:20) self time new (0.000 -> 5.00 ms per iteration)');
  });
});
