// Which instruction sets onnxruntime's kernels actually execute on this CPU. The prebuilt library is
// stripped (no symbols), and neither ORT's verbose log nor its profile names the MLAS kernel it
// dispatched to, so we sample: `perf record` on this process while a workload runs, then disassemble
// (objdump) around each hot address in libonnxruntime and classify the instructions found there
// (AMX tile ops, AVX512-VNNI vpdpbusd on zmm, AVX-VNNI, AVX512 FMA, ...). Linux with perf + objdump only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface IsaShare {
  what: string;
  share: number;
}

export interface IsaReport {
  samples: number;
  /** Share of all samples by instruction class (ORT code) or by library (everything else). */
  classes: IsaShare[];
}

const ORT_DSO = 'libonnxruntime.so';

export function isaSamplingUnavailable(): string | undefined {
  for (const tool of ['perf', 'objdump']) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return `${tool} is not installed (apt-get install linux-perf binutils)`;
  }
  return undefined;
}

/** Classifies the instructions around one sampled address (sampling skids by an instruction or two). */
export function classifyInstructions(lines: readonly string[]): string {
  const text = lines.join('\n');
  if (/\btdp\w+/.test(text)) return 'AMX tile ops';
  if (/\bvpdp(busd|busds|wssd|wssds)\b[^\n]*%zmm/.test(text)) return 'AVX512-VNNI int8 dot products (zmm)';
  if (/\bvpdp(busd|busds|wssd|wssds)\b/.test(text)) return 'AVX-VNNI int8 dot products (ymm/xmm)';
  if (/\bvpmadd(ubsw|wd)\b[^\n]*%zmm/.test(text)) return 'AVX512BW int8 multiply-add (no VNNI)';
  if (/\bvpmadd(ubsw|wd)\b/.test(text)) return 'AVX2 int8 multiply-add (no VNNI)';
  if (/\bvfn?m(add|sub)\w*ps\b[^\n]*%zmm/.test(text)) return 'AVX512F fp32 FMA (zmm)';
  if (/\bvfn?m(add|sub)\w*ps\b[^\n]*%ymm/.test(text)) return 'AVX2 fp32 FMA (ymm)';
  if (/%zmm/.test(text)) return 'other AVX512 (zmm)';
  if (/%ymm/.test(text)) return 'other AVX/AVX2 (ymm)';
  if (/%xmm/.test(text)) return 'SSE / 128-bit';
  return 'scalar';
}

function disassemble(lib: string, from: number, to: number): Map<number, { index: number; lines: string[] }> {
  const r = spawnSync('objdump', ['-d', '--no-show-raw-insn', `--start-address=${from}`, `--stop-address=${to}`, lib], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = r.stdout.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l));
  const byAddr = new Map<number, { index: number; lines: string[] }>();
  lines.forEach((l, index) => byAddr.set(parseInt(l.trim().split(':')[0]!, 16), { index, lines }));
  return byAddr;
}

/** Samples this process with perf while `work` runs and classifies where the CPU time went. */
export async function sampleIsa(work: () => Promise<void>, ortLibrary: string): Promise<IsaReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-isa-'));
  const data = path.join(dir, 'perf.data');
  try {
    const recorder = spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', '999', '-p', String(process.pid), '-o', data], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => recorder.once('exit', () => resolve()));
    await new Promise((r) => setTimeout(r, 500)); // let perf attach before the work starts
    await work();
    recorder.kill('SIGINT');
    await exited;
    const report = spawnSync('perf', ['report', '-i', data, '--sort', 'dso,sym', '--stdio', '--percent-limit', '0.02'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const rows = report.stdout
      .split('\n')
      .map((l) => /^\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ share: Number(m[1]) / 100, dso: m[2]!, sym: m[4]!.trim() }));
    const samples = Number(/Samples: (\d+)/.exec(report.stdout)?.[1] ?? 0) || rows.length;
    const classes = new Map<string, number>();
    const add = (what: string, share: number) => classes.set(what, (classes.get(what) ?? 0) + share);
    const ortRows = rows.filter((r) => r.dso.startsWith(ORT_DSO) && /^0x[0-9a-f]+$/i.test(r.sym));
    // Disassemble in windows around clusters of hot addresses (one objdump call per 4 KiB page).
    const pages = new Map<number, number[]>();
    for (const r of ortRows) {
      const a = parseInt(r.sym, 16);
      const page = a - (a % 4096);
      pages.set(page, [...(pages.get(page) ?? []), a]);
    }
    const code = new Map<number, { index: number; lines: string[] }>();
    for (const page of pages.keys()) for (const [a, v] of disassemble(ortLibrary, Math.max(0, page - 256), page + 4096 + 64)) code.set(a, v);
    for (const r of rows) {
      if (!r.dso.startsWith(ORT_DSO)) {
        add(r.dso.startsWith('[kernel') ? 'kernel' : `${r.dso} (outside onnxruntime)`, r.share);
        continue;
      }
      const a = parseInt(r.sym, 16);
      const at = code.get(a);
      add(at ? classifyInstructions(at.lines.slice(Math.max(0, at.index - 4), at.index + 2)) : 'onnxruntime (not decoded)', r.share);
    }
    const total = [...classes.values()].reduce((x, y) => x + y, 0) || 1;
    return { samples, classes: [...classes].map(([what, share]) => ({ what, share: share / total })).sort((x, y) => y.share - x.share) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
