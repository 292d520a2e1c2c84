// Raw onnxruntime measurements for the ceiling analysis (docs/performance.md, scripts/ort-ceiling.ts):
// sessions of several graph variants on one exact input shape, run interleaved in one process (each
// round runs every variant forward then backward, A B .. B A, so drift hits all alike), timed by wall
// clock and by process CPU time (CPU time per item is the work a kernel costs, and barely moves when
// other processes share the cores; wall time adds how well the work spreads over the threads).
// Also: single-GEMM graphs at the model's shapes (fp32 vs int8 kernels alone) and ORT's per-node profile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSession, ort, type SessionOptions } from '../../src/truthgraph/inference/session.ts';
import { loadSeedPassages } from '../../src/truthgraph/corpus/generate.ts';
import { calibrationPairs } from '../../src/truthgraph/models/calibrate.ts';
import { DT, GraphBuilder, quantizeInt8 } from '../../src/truthgraph/models/onnx-builder.ts';
import type { PackKind } from '../../src/truthgraph/models/spec.ts';
import type { TextTokenizer } from '../../src/truthgraph/tokenize/tokenizer.ts';
import onnxProto from 'onnx-proto';

export interface Shape {
  batch: number;
  seq: number;
}

export const shapeName = (s: Shape): string => `${s.batch}x${s.seq}`;

type Feeds = Record<string, ort.Tensor>;

/** A passage repeated `times` times: the longest shape (128 tokens) is longer than any one fixture passage. */
const repeated = (text: string, times: number): string => Array.from({ length: times }, () => text).join(' ');

/** Real token ids (fixture passages, or evidence/claim pairs for NLI) truncated to exactly `seq`: no padding. */
export function shapeFeeds(kind: PackKind, tokenizer: TextTokenizer, shape: Shape): () => Feeds {
  const { batch, seq } = shape;
  const encoded =
    kind === 'nli'
      ? calibrationPairs().map((p) => tokenizer.encodePair(repeated(p.premise, 4), p.hypothesis, seq))
      : loadSeedPassages().map((p) => tokenizer.encode(repeated(p.content, 4), seq));
  const full = encoded.filter((e) => e.ids.length === seq);
  if (full.length === 0) throw new Error(`no fixture text reaches ${seq} tokens`);
  const ids = new BigInt64Array(batch * seq);
  const types = new BigInt64Array(batch * seq);
  for (let r = 0; r < batch; r++) {
    const e = full[r % full.length]!;
    for (let i = 0; i < seq; i++) {
      ids[r * seq + i] = BigInt(e.ids[i]!);
      types[r * seq + i] = BigInt(e.typeIds[i]!);
    }
  }
  const mask = new BigInt64Array(batch * seq).fill(1n);
  return () => ({
    input_ids: new ort.Tensor('int64', ids, [batch, seq]),
    attention_mask: new ort.Tensor('int64', mask, [batch, seq]),
    token_type_ids: new ort.Tensor('int64', types, [batch, seq]),
  });
}

export interface Contender {
  name: string;
  /** Items one run processes (rows of the batch). */
  items: number;
  run: () => Promise<unknown>;
}

export interface ContenderResult {
  name: string;
  /** Median items/s by wall clock over the rounds. */
  itemsPerSec: number;
  /** Median process CPU ms per item. */
  cpuMsPerItem: number;
  /** Per-round wall ms per run (mean of the forward and the backward run). */
  wallMs: number[];
  cpuMs: number[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export interface PairedRatio {
  median: number;
  min: number;
  max: number;
}

/** Ratio of a's time to b's time, paired per round (> 1: b is faster). */
export function pairedRatio(a: readonly number[], b: readonly number[]): PairedRatio {
  const r = a.map((x, i) => x / b[i]!);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}

async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** Runs every contender `rounds` times, interleaved; `warmup` untimed runs each first. */
export async function interleave(contenders: readonly Contender[], rounds: number, warmup = 2): Promise<ContenderResult[]> {
  for (const c of contenders) for (let i = 0; i < warmup; i++) await c.run();
  const wall = contenders.map(() => [] as number[]);
  const cpu = contenders.map(() => [] as number[]);
  const order = contenders.map((_, i) => i);
  for (let r = 0; r < rounds; r++) {
    // Rotate the start each round, then run the same order backwards: A B C C B A, B C A A C B, ...
    const forward = order.map((_, i) => order[(i + r) % order.length]!);
    const sums = contenders.map(() => ({ wall: 0, cpu: 0 }));
    for (const i of [...forward, ...[...forward].reverse()]) {
      const t = await timed(contenders[i]!.run);
      sums[i]!.wall += t.wall / 2;
      sums[i]!.cpu += t.cpu / 2;
    }
    sums.forEach((s, i) => {
      wall[i]!.push(s.wall);
      cpu[i]!.push(s.cpu);
    });
  }
  return contenders.map((c, i) => ({
    name: c.name,
    itemsPerSec: (c.items * 1000) / median(wall[i]!),
    cpuMsPerItem: median(cpu[i]!) / c.items,
    wallMs: wall[i]!,
    cpuMs: cpu[i]!,
  }));
}

/** A session over ONNX bytes with our defaults (threads, no spinning) and `extra` overrides. */
export function openSession(bytes: Uint8Array, threads: number, extra: Partial<SessionOptions> = {}): Promise<ort.InferenceSession> {
  return createSession(bytes, { threads, ...extra });
}

export type GemmKind = 'fp32' | 'int8-dynamic' | 'int8-static';

/** One [M,K] x [K,N] product as its own graph: MatMul (fp32), the quantize_dynamic pattern, or QDQ with a fixed input scale. */
export function gemmGraph(kind: GemmKind, m: number, k: number, n: number): Uint8Array {
  const g = new GraphBuilder();
  const w = new Float32Array(k * n);
  for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 12.9898) * 0.05;
  let y: string;
  if (kind === 'fp32') y = g.one('MatMul', ['x', g.tensor('w', [k, n], w)]);
  else {
    const { q, scale } = quantizeInt8(w);
    const wq = g.tensor('wq', [k, n], q);
    const ws = g.scalarF('ws', scale);
    const wz = g.tensor('wz', [], new Int8Array([0]));
    if (kind === 'int8-dynamic') {
      const [xq, xs, xz] = g.op('DynamicQuantizeLinear', ['x'], {}, 3);
      y = g.one('Mul', [g.one('Cast', [g.one('MatMulInteger', [xq!, wq, xz!, wz])], { to: DT.FLOAT }), g.one('Mul', [xs!, ws])]);
    } else {
      const xs = g.scalarF('xs', 4 / 255);
      const xz = g.tensor('xz', [], new Uint8Array([128]));
      const xdq = g.one('DequantizeLinear', [g.one('QuantizeLinear', ['x', xs, xz]), xs, xz]);
      y = g.one('MatMul', [xdq, g.one('DequantizeLinear', [wq, ws, wz])]);
    }
  }
  g.nodes.push({ opType: 'Identity', input: [y], output: ['y'], name: 'y_out' });
  const { onnx } = onnxProto;
  const t = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: DT.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: `gemm-${kind}`, node: g.nodes, initializer: g.initializers, input: [t('x', [m, k])], output: [t('y', [m, n])] },
  });
  return onnx.ModelProto.encode(model).finish();
}

export function gemmFeeds(m: number, k: number): () => Feeds {
  const x = new Float32Array(m * k);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 78.233) * 2;
  return () => ({ x: new ort.Tensor('float32', x, [m, k]) });
}

export interface OpShare {
  op: string;
  msPerRun: number;
  share: number;
}

/** ORT's per-node profile of `runs` runs: kernel time by op type (1 thread: CPU time of each kernel). */
export async function opProfile(bytes: Uint8Array, feeds: () => Feeds, runs: number, threads = 1): Promise<OpShare[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ort-profile-'));
  try {
    const session = await openSession(bytes, threads, { profileFilePrefix: path.join(dir, 'ort') });
    for (let i = 0; i < runs + 2; i++) await session.run(feeds());
    session.endProfiling();
    await session.release();
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error('onnxruntime wrote no profile');
    const events = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Array<{ cat: string; name: string; dur: number; args?: { op_name?: string } }>;
    const byOp = new Map<string, number>();
    let total = 0;
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const op = e.args?.op_name ?? '?';
      byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
      total += e.dur;
    }
    // The profile includes the 2 warm-up runs: shares are unaffected, ms per run divides them in.
    return [...byOp].map(([op, us]) => ({ op, msPerRun: us / 1000 / (runs + 2), share: us / total })).sort((a, b) => b.share - a.share);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
