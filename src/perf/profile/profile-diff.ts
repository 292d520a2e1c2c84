// Two CPU profiles (.cpuprofile: base and head of the same workload) -> which functions got slower,
// by how much, per workload iteration. Pure: profile objects in, tables and text out.
//
// Time: each sample weighs the time to the next sample (the profile's timeDeltas). When the
// workload's window is known (run-workload.ts writes it to workload.json, in the profile's clock),
// only samples inside it count: model loading and database setup stay out of the comparison.
// Self time goes to the sampled (leaf) frame, total time to every distinct frame on its stack.
// Native time is kept, as named buckets: V8's "(garbage collector)", "(program)" and "(idle)", and
// the time spent inside onnxruntime's JS binding or PGlite (wasm frames or the pglite module) is
// given to one bucket each, where the leaf frame is theirs. Function identity = name + file
// (relative to the project) + line, so the same function in two checkouts is the same row.

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
  scriptId?: string | number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
  hitCount?: number;
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** The part of a profile to count, and how many workload iterations ran in it. */
export interface ProfileSide {
  profile: CpuProfile;
  /** Workload iterations in the window (default 1: figures are per profile). */
  iterations?: number;
  /** Only samples in [startUs, endUs] (the profile's clock, microseconds). */
  window?: { startUs: number; endUs: number };
  /** Project root of the checkout that wrote the profile: file paths are made relative to it. */
  root?: string;
  label?: string;
}

export const BUCKETS = {
  gc: '(garbage collector)',
  program: '(program)',
  idle: '(idle)',
  onnxruntime: '[onnxruntime native + binding]',
  pglite: '[PGlite wasm + module]',
  native: '[native code]',
} as const;

export interface FunctionKey {
  key: string;
  name: string;
  /** Relative to the project root when inside it; '' for buckets. */
  file: string;
  /** 1-based; 0 for buckets. */
  line: number;
  bucket: boolean;
}

export interface SideTimes {
  /** Microseconds per iteration. */
  self: Map<string, number>;
  total: Map<string, number>;
  keys: Map<string, FunctionKey>;
  /** Microseconds per iteration, all samples in the window. */
  wallUs: number;
  samples: number;
  iterations: number;
}

export interface DiffRow {
  fn: FunctionKey;
  /** Milliseconds per iteration. */
  baseSelfMs: number;
  headSelfMs: number;
  baseTotalMs: number;
  headTotalMs: number;
}

export interface ProfileDiff {
  base: { label: string; iterations: number; samples: number; wallMs: number };
  head: { label: string; iterations: number; samples: number; wallMs: number };
  rows: DiffRow[];
}

const ORT = /onnxruntime-(node|common)/;
const PGLITE = /@electric-sql[\\/]pglite|pglite/;

function isWasm(frame: CallFrame): boolean {
  return frame.url.startsWith('wasm://') || frame.functionName.startsWith('wasm-function') || frame.functionName.startsWith('$');
}

const isRuntime = (frame: CallFrame): boolean => frame.url.startsWith('node:') || (frame.url === '' && !frame.functionName.startsWith('('));

function relativeFile(url: string, root: string | undefined): string {
  let file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  if (root) {
    const r = root.endsWith('/') ? root : `${root}/`;
    if (file.startsWith(r)) file = file.slice(r.length);
  }
  // Another checkout of the same project (an A/B worktree): keep the path from the repo's layout on.
  const m = /(?:^|\/)((?:src|perf-tests|bin|scripts|test|node_modules)\/.*)$/.exec(file);
  return m && file.startsWith('/') ? m[1]! : file;
}

export function frameKey(frame: CallFrame, root?: string): FunctionKey {
  const name = frame.functionName;
  if (name === '(garbage collector)' || name === '(program)' || name === '(idle)' || name === '(root)') {
    return { key: name, name, file: '', line: 0, bucket: true };
  }
  const file = frame.url === '' ? '(native)' : relativeFile(frame.url, root);
  const display = name || '(anonymous)';
  const line = frame.lineNumber + 1;
  return { key: `${display} ${file}:${line}`, name: display, file, line, bucket: false };
}

function bucketOf(frame: CallFrame): FunctionKey | undefined {
  const b = (name: string): FunctionKey => ({ key: name, name, file: '', line: 0, bucket: true });
  if (isWasm(frame) || PGLITE.test(frame.url)) return b(BUCKETS.pglite);
  if (ORT.test(frame.url)) return b(BUCKETS.onnxruntime);
  if (frame.url === '' && frame.functionName !== '' && !frame.functionName.startsWith('(')) return b(BUCKETS.native);
  return undefined;
}

/** Self and total time per function (microseconds per iteration) of one side. */
export function sideTimes(side: ProfileSide): SideTimes {
  const { profile } = side;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const iterations = Math.max(1, side.iterations ?? 1);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const keys = new Map<string, FunctionKey>();
  const add = (m: Map<string, number>, k: FunctionKey, us: number): void => {
    keys.set(k.key, k);
    m.set(k.key, (m.get(k.key) ?? 0) + us);
  };
  // Stack keys per node, computed once per node.
  const stackCache = new Map<number, { leaf: FunctionKey; stack: FunctionKey[] }>();
  const stackOf = (id: number): { leaf: FunctionKey; stack: FunctionKey[] } => {
    const cached = stackCache.get(id);
    if (cached) return cached;
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node && node.callFrame.functionName !== '(root)') frames.push(node.callFrame);
    }
    const leafFrame = frames[0];
    const own = leafFrame ? frameKey(leafFrame, side.root) : frameKey({ functionName: '(program)', url: '', lineNumber: -1 });
    // A sample inside onnxruntime's binding or PGlite counts as that bucket's self time wherever
    // in their code it landed; the frames calling into them keep their total time.
    // A leaf in the runtime (a builtin such as performance.now, url '', or Node's own node:
    // modules) counts as the self time of its nearest caller in the project or its dependencies
    // (the bucket's when that caller is onnxruntime's binding or PGlite): "the function got slower"
    // includes the runtime calls it makes. With no such caller: the node: function, or the native bucket.
    const leafBucket = leafFrame && !own.bucket ? bucketOf(leafFrame) : undefined;
    let leaf = own.bucket ? own : (leafBucket ?? own);
    if (leafFrame && !own.bucket && (leafBucket?.key === BUCKETS.native || isRuntime(leafFrame))) {
      const caller = frames.find((f) => !isRuntime(f) && bucketOf(f)?.key !== BUCKETS.native);
      if (caller) leaf = bucketOf(caller) ?? frameKey(caller, side.root);
    }
    const seen = new Map<string, FunctionKey>();
    for (const f of frames) {
      const k = frameKey(f, side.root);
      seen.set(k.key, k);
      const b = bucketOf(f);
      // Total time of onnxruntime and PGlite: every sample with one of their frames on the stack.
      if (b && b.key !== BUCKETS.native) seen.set(b.key, b);
    }
    seen.set(leaf.key, leaf);
    const entry = { leaf, stack: [...seen.values()] };
    stackCache.set(id, entry);
    return entry;
  };
  let wall = 0;
  let counted = 0;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (side.window && (t < side.window.startUs || t > side.window.endUs)) continue;
    // The sample stands for the time until the next one (the last: the mean interval).
    const next = deltas[i + 1] ?? (profile.endTime - profile.startTime) / Math.max(1, samples.length);
    const us = Math.max(0, next);
    const { leaf, stack } = stackOf(samples[i]!);
    add(self, leaf, us);
    for (const k of stack) add(total, k, us);
    wall += us;
    counted++;
  }
  for (const m of [self, total]) for (const [k, v] of m) m.set(k, v / iterations);
  return { self, total, keys, wallUs: wall / iterations, samples: counted, iterations };
}

export function diffProfiles(base: ProfileSide, head: ProfileSide): ProfileDiff {
  const b = sideTimes(base);
  const h = sideTimes(head);
  const keys = new Map([...b.keys, ...h.keys]);
  const ms = (m: Map<string, number>, k: string): number => (m.get(k) ?? 0) / 1000;
  const rows: DiffRow[] = [...keys.values()].map((fn) => ({
    fn,
    baseSelfMs: ms(b.self, fn.key),
    headSelfMs: ms(h.self, fn.key),
    baseTotalMs: ms(b.total, fn.key),
    headTotalMs: ms(h.total, fn.key),
  }));
  const meta = (s: SideTimes, label: string | undefined, fallback: string) => ({
    label: label ?? fallback,
    iterations: s.iterations,
    samples: s.samples,
    wallMs: s.wallUs / 1000,
  });
  return { base: meta(b, base.label, 'base'), head: meta(h, head.label, 'head'), rows };
}

export type Measure = 'self' | 'total';

const value = (r: DiffRow, m: Measure, side: 'base' | 'head'): number =>
  m === 'self' ? (side === 'base' ? r.baseSelfMs : r.headSelfMs) : side === 'base' ? r.baseTotalMs : r.headTotalMs;

/** The largest time by `measure` on either side, first. */
export function topBy(diff: ProfileDiff, measure: Measure, n: number): DiffRow[] {
  return [...diff.rows].sort((a, b) => Math.max(value(b, measure, 'base'), value(b, measure, 'head')) - Math.max(value(a, measure, 'base'), value(a, measure, 'head')) || a.fn.key.localeCompare(b.fn.key)).slice(0, n);
}

/**
 * The largest changes of self time (the function whose own code got slower or faster), largest
 * increase first, then decreases by size. The idle bucket is left out: it is waiting (e.g. for
 * onnxruntime's threads), not work, and moves with everything else.
 */
export function largestChanges(diff: ProfileDiff, n: number, measure: Measure = 'self'): DiffRow[] {
  const delta = (r: DiffRow): number => value(r, measure, 'head') - value(r, measure, 'base');
  return diff.rows
    .filter((r) => r.fn.key !== BUCKETS.idle && r.fn.key !== '(root)' && delta(r) !== 0)
    .sort((a, b) => Math.abs(delta(b)) - Math.abs(delta(a)) || a.fn.key.localeCompare(b.fn.key))
    .slice(0, n);
}

const fmtMs = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

function pct(base: number, head: number): string {
  if (base === 0) return head === 0 ? '0%' : 'new';
  if (head === 0) return 'gone';
  const p = ((head - base) / base) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(Math.abs(p) < 10 ? 1 : 0)}%`;
}

const where = (fn: FunctionKey): string => (fn.bucket ? '' : fn.file === '(native)' ? ' (native)' : ` (${fn.file}:${fn.line})`);

/** One line per change, e.g. "`meanPoolNormalize` (src/x.ts:12) self time +31% (4.10 -> 5.40 ms per iteration)". */
export function diffHeadlines(diff: ProfileDiff, n = 5): string[] {
  return largestChanges(diff, n).map(
    (r) => `\`${r.fn.name}\`${where(r.fn)} self time ${pct(r.baseSelfMs, r.headSelfMs)} (${fmtMs(r.baseSelfMs)} -> ${fmtMs(r.headSelfMs)} ms per iteration)`,
  );
}

function tableRows(rows: DiffRow[], measure: Measure): string[][] {
  return rows.map((r) => {
    const b = value(r, measure, 'base');
    const h = value(r, measure, 'head');
    return [r.fn.name, r.fn.bucket ? '(bucket)' : r.fn.file === '(native)' ? '(native)' : `${r.fn.file}:${r.fn.line}`, fmtMs(b), fmtMs(h), `${h - b >= 0 ? '+' : ''}${fmtMs(h - b)}`, pct(b, h)];
  });
}

const HEADER = ['function', 'where', 'base ms/iter', 'head ms/iter', 'delta ms', 'delta'];

function sideLine(s: ProfileDiff['base']): string {
  return `${s.label}: ${s.iterations} iteration(s), ${s.samples} samples, ${fmtMs(s.wallMs)} ms sampled per iteration`;
}

export function renderDiffMarkdown(diff: ProfileDiff, title = 'CPU profile diff', n = 15): string {
  const md = (rows: string[][]): string =>
    [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.map((c, i) => (i === 0 ? `\`${c.replace(/\|/g, '\\|')}\`` : c.replace(/\|/g, '\\|'))).join(' | ')} |`)].join('\n');
  return [
    `# ${title}`,
    '',
    `- ${sideLine(diff.base)}`,
    `- ${sideLine(diff.head)}`,
    '- times are per workload iteration (the profiles may have run different counts); native time is shown as buckets: (garbage collector), (program), (idle), onnxruntime, PGlite',
    '',
    '## Largest changes (self time)',
    '',
    ...diffHeadlines(diff, 10).map((l) => `- ${l}`),
    '',
    '## Top functions by self time',
    '',
    md(tableRows(topBy(diff, 'self', n), 'self')),
    '',
    '## Top functions by total time',
    '',
    md(tableRows(topBy(diff, 'total', n), 'total')),
    '',
  ].join('\n');
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function renderDiffHtml(diff: ProfileDiff, title = 'CPU profile diff', n = 25): string {
  const table = (rows: string[][]): string =>
    `<table><thead><tr>${HEADER.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c, i) => `<td${i >= 2 ? ' class="n"' : ''}>${i === 0 ? `<code>${esc(c)}</code>` : esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:13px}</style>
</head><body>
<h1>${esc(title)}</h1>
<ul><li>${esc(sideLine(diff.base))}</li><li>${esc(sideLine(diff.head))}</li><li>times per workload iteration; native time as buckets</li></ul>
<h2>Largest changes (self time)</h2>
<ul>${diffHeadlines(diff, 10).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<h2>Top functions by self time</h2>
${table(tableRows(topBy(diff, 'self', n), 'self'))}
<h2>Top functions by total time</h2>
${table(tableRows(topBy(diff, 'total', n), 'total'))}
</body></html>
`;
}
