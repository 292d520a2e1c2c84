// The ceiling analysis of docs/performance.md: raw onnxruntime throughput of BERT graph variants per
// input shape (interleaved in one process), the fp32 and int8 GEMM kernels alone at the model's
// shapes, ORT's per-node profile, and which instruction sets the kernels execute (perf sampling).
// Every variant is built in memory from the synthetic pack's weights (src/truthgraph/models/graph-variants.ts).
//
// Usage: npx tsx scripts/ort-ceiling.ts [--pack minilm-l6-h384|nli-l6-h768] [--variants fp32-plain,int8-plain,...]
//          [--shapes 32x16,16x32,8x64,8x128] [--threads 2] [--rounds 8] [--gemm] [--ops] [--isa] [--json FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { syntheticVocabulary } from '../src/truthgraph/models/build.ts';
import { buildGraphVariants, GRAPH_VARIANTS, graphVariant } from '../src/truthgraph/models/graph-variants.ts';
import { SYNTHETIC_SPECS } from '../src/truthgraph/models/spec.ts';
import { buildTokenizerJson } from '../src/truthgraph/models/tokenizer-json.ts';
import { TextTokenizer } from '../src/truthgraph/tokenize/tokenizer.ts';
import { gemmFeeds, gemmGraph, interleave, opProfile, openSession, pairedRatio, shapeFeeds, shapeName, type GemmKind, type Shape } from '../perf-tests/workloads/ort-ceiling.ts';
import { isaSamplingUnavailable, sampleIsa } from '../perf-tests/workloads/isa-samples.ts';

const { values } = parseArgs({
  options: {
    pack: { type: 'string', default: 'minilm-l6-h384' },
    variants: { type: 'string', default: 'fp32-plain,fp32-fused,int8-plain,int8-plain-qattn,int8-plain-static,int8-fused,int8-fused-static' },
    shapes: { type: 'string', default: '32x16,16x32,8x64,8x128' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '8' },
    gemm: { type: 'boolean', default: false },
    ops: { type: 'boolean', default: false },
    isa: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const spec = SYNTHETIC_SPECS[values.pack!];
if (!spec) throw new Error(`--pack: one of ${Object.keys(SYNTHETIC_SPECS).join(', ')}`);
const names = values.variants!.split(',').map((n) => graphVariant(n.trim()).name);
const shapes: Shape[] = values.shapes!.split(',').map((s) => {
  const [batch, seq] = s.split('x').map(Number);
  if (!Number.isInteger(batch) || !Number.isInteger(seq)) throw new Error(`--shapes: BATCHxSEQ, got ${s}`);
  return { batch: batch!, seq: seq! };
});
const threads = Number(values.threads);
const rounds = Number(values.rounds);
const out = (line = '') => console.log(line);
const fixed = (x: number, d = 2) => x.toFixed(d);
const report: Record<string, unknown> = {};

// Machine context: the instruction sets that decide which MLAS kernels exist for this CPU.
const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(/\s+/));
const isaFlags = ['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_tile', 'amx_int8', 'amx_bf16'].map((f) => `${f} ${flags.has(f) ? 'yes' : 'no'}`);
const family = /^cpu family\s*:\s*(\d+)/m.exec(cpuinfo)?.[1];
const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
const machine = { cpu: os.cpus()[0]?.model, family, cores: os.cpus().length, onnxruntime: ortVersion, loadStart: os.loadavg()[0] };
out(`# ORT ceiling: ${spec.name} (synthetic weights, real shapes), onnxruntime-node ${ortVersion}, ${threads} intra-op thread(s), ${rounds} interleaved rounds`);
out(`CPU: ${machine.cpu} (family ${family}), ${machine.cores} cores; ${isaFlags.join(', ')}; load average at start ${fixed(os.loadavg()[0]!)}`);
report.machine = { ...machine, flags: isaFlags };

const tokenizer = new TextTokenizer(buildTokenizerJson(syntheticVocabulary().tokens));
const started = performance.now();
const models = await buildGraphVariants(spec, names);
out(`built ${names.length} variants in ${fixed((performance.now() - started) / 1000, 1)} s`);
const reference = names.includes('fp32-plain') ? 'fp32-plain' : names[0]!;

// Agreement with the reference graph: a faster variant must compute the same model.
{
  const feeds = shapeFeeds(spec.kind, tokenizer, shapes[0]!);
  const outputsOf = async (name: string) => {
    const s = await openSession(models.get(name)!, 1);
    const r = await s.run(feeds());
    await s.release();
    return r[s.outputNames[0]!]!.data as Float32Array;
  };
  const ref = await outputsOf(reference);
  const rows: string[] = [];
  for (const name of names) {
    const o = await outputsOf(name);
    let agreement: string;
    if (spec.kind === 'nli') {
      const n = o.length / 3;
      let same = 0;
      for (let i = 0; i < n; i++) {
        const arg = (d: Float32Array) => [0, 1, 2].reduce((b, k) => (d[i * 3 + k]! > d[i * 3 + b]! ? k : b), 0);
        if (arg(o) === arg(ref)) same++;
      }
      agreement = `labels ${same}/${n}`;
    } else {
      let dot = 0, na = 0, nb = 0;
      for (let i = 0; i < o.length; i++) [dot, na, nb] = [dot + o[i]! * ref[i]!, na + o[i]! ** 2, nb + ref[i]! ** 2];
      agreement = `cosine ${fixed(dot / Math.sqrt(na * nb), 5)}`;
    }
    rows.push(`| ${name} | ${agreement} | ${fixed(models.get(name)!.byteLength / 1e6, 1)} MB | ${GRAPH_VARIANTS.find((v) => v.name === name)!.what} |`);
  }
  out(`\n## Variants (agreement with ${reference} on ${shapeName(shapes[0]!)})\n\n| variant | agreement | file | what |\n|---|---|---|---|\n${rows.join('\n')}`);
}

// Throughput per shape, every variant interleaved.
const throughput: unknown[] = [];
for (const shape of shapes) {
  const feeds = shapeFeeds(spec.kind, tokenizer, shape);
  const sessions = await Promise.all(names.map((n) => openSession(models.get(n)!, threads)));
  const results = await interleave(
    names.map((name, i) => ({ name, items: shape.batch, run: () => sessions[i]!.run(feeds()) })),
    rounds,
  );
  await Promise.all(sessions.map((s) => s.release()));
  const ref = results.find((r) => r.name === reference)!;
  out(`\n## ${shapeName(shape)} (batch x tokens), load ${fixed(os.loadavg()[0]!)}\n\n| variant | items/s (wall) | CPU ms / item | speed-up vs ${reference}, wall (min-max) | speed-up, CPU time |\n|---|---|---|---|---|`);
  for (const r of results) {
    const w = pairedRatio(ref.wallMs, r.wallMs);
    const c = pairedRatio(ref.cpuMs, r.cpuMs);
    out(`| ${r.name} | ${fixed(r.itemsPerSec, 0)} | ${fixed(r.cpuMsPerItem, 3)} | ${fixed(w.median)}x (${fixed(w.min)}-${fixed(w.max)}) | ${fixed(c.median)}x (${fixed(c.min)}-${fixed(c.max)}) |`);
    throughput.push({ shape: shapeName(shape), ...r, wallSpeedup: w, cpuSpeedup: c });
  }
}
report.throughput = throughput;

if (values.gemm) {
  // The model's GEMMs alone: M = batch x tokens rows, (K, N) of the QKV / output / FFN projections.
  const H = spec.hidden;
  const dims: Array<[number, number]> = [[H, H], [H, spec.ffn], [spec.ffn, H]];
  const kinds: GemmKind[] = ['fp32', 'int8-dynamic', 'int8-static'];
  out(`\n## GEMM kernels alone (1 thread, CPU time, GFLOP/s = 2MKN / time)\n\n| M x K x N | fp32 | int8 dynamic | int8 static | int8 dynamic / fp32 | int8 static / fp32 |\n|---|---|---|---|---|---|`);
  const gemm: unknown[] = [];
  for (const m of [...new Set(shapes.map((s) => s.batch * s.seq))]) {
    for (const [k, n] of dims) {
      const sessions = await Promise.all(kinds.map((kind) => openSession(gemmGraph(kind, m, k, n), 1)));
      const feeds = gemmFeeds(m, k);
      const reps = Math.max(1, Math.round(2e8 / (m * k * n)));
      const runReps = (i: number) => async () => {
        for (let r = 0; r < reps; r++) await sessions[i]!.run(feeds());
      };
      const res = await interleave(kinds.map((kind, i) => ({ name: kind, items: 1, run: runReps(i) })), rounds);
      await Promise.all(sessions.map((s) => s.release()));
      const gflops = res.map((r) => (2 * m * k * n * reps) / (r.cpuMsPerItem * 1e6));
      const d = pairedRatio(res[0]!.cpuMs, res[1]!.cpuMs);
      const s = pairedRatio(res[0]!.cpuMs, res[2]!.cpuMs);
      out(`| ${m} x ${k} x ${n} | ${fixed(gflops[0]!, 1)} | ${fixed(gflops[1]!, 1)} | ${fixed(gflops[2]!, 1)} | ${fixed(d.median)}x (${fixed(d.min)}-${fixed(d.max)}) | ${fixed(s.median)}x (${fixed(s.min)}-${fixed(s.max)}) |`);
      gemm.push({ m, k, n, gflops: Object.fromEntries(kinds.map((kind, i) => [kind, gflops[i]])), dynamicVsFp32: d, staticVsFp32: s });
    }
  }
  report.gemm = gemm;
}

if (values.ops) {
  const shape = shapes[0]!;
  const profiles: Record<string, unknown> = {};
  for (const name of names) {
    const shares = await opProfile(models.get(name)!, shapeFeeds(spec.kind, tokenizer, shape), 20);
    profiles[name] = shares;
    out(`\n## Per-node profile: ${name} at ${shapeName(shape)} (1 thread)\n\n${shares.filter((s) => s.share >= 0.005).map((s) => `${s.op} ${fixed(100 * s.share, 1)}% (${fixed(s.msPerRun, 2)} ms/run)`).join('; ')}`);
  }
  report.ops = profiles;
}

if (values.isa) {
  const unavailable = isaSamplingUnavailable();
  if (unavailable) out(`\n## Instruction sets: not sampled (${unavailable})`);
  else {
    const lib = path.join(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime.so.1');
    const shape = shapes[0]!;
    const isa: Record<string, unknown> = {};
    for (const name of names.filter((n) => n === 'fp32-plain' || n === 'int8-plain' || n === 'int8-fused')) {
      const session = await openSession(models.get(name)!, 1);
      const feeds = shapeFeeds(spec.kind, tokenizer, shape);
      for (let i = 0; i < 3; i++) await session.run(feeds());
      const t = performance.now();
      const r = await sampleIsa(async () => {
        while (performance.now() - t < 6_000) await session.run(feeds());
      }, lib);
      await session.release();
      isa[name] = r;
      out(`\n## Instruction sets: ${name} at ${shapeName(shape)}, 1 thread (${r.samples} perf samples)\n\n${r.classes.filter((c) => c.share >= 0.01).map((c) => `${c.what} ${fixed(100 * c.share, 1)}%`).join('; ')}`);
    }
    report.isa = isa;
  }
}

out(`\nload average at end ${fixed(os.loadavg()[0]!)}`);
if (values.json) {
  fs.writeFileSync(`${values.json}.tmp`, JSON.stringify({ ...report, loadEnd: os.loadavg()[0] }, null, 2));
  fs.renameSync(`${values.json}.tmp`, values.json);
}

