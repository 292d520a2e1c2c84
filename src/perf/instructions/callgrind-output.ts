// Parsers of callgrind's output files (pure, no I/O): the total of a dump, and its self cost per
// function, turned into a per-operation breakdown.

/** Total instructions (event Ir) of one callgrind dump file. */
export function parseTotal(dump: string, file = 'callgrind output'): number {
  const m = /^totals:\s+(\d+)/m.exec(dump) ?? /^summary:\s+(\d+)/m.exec(dump);
  if (!m) throw new Error(`${file} has no "totals:" or "summary:" line: not a callgrind output file?`);
  return Number(m[1]);
}

/**
 * Self instructions per `function [object]` of one dump, read from callgrind's own format.
 * (callgrind_annotate cannot be used on dumps taken mid-run: calls still on the stack have
 * `calls=0`, and it then adds their inclusive cost to the caller's self cost.) The line after a
 * `calls=` line is the inclusive cost of that call and is skipped; every other cost line is self
 * cost of the current `fn=`. Names may be compressed (`(id) name` defines, `(id)` refers) and are
 * defined by fn=/cfn= (functions) and ob=/cob= (objects) alike.
 */
export function parseSelfCosts(dump: string): Map<string, number> {
  const fnNames = new Map<string, string>();
  const obNames = new Map<string, string>();
  const name = (table: Map<string, string>, raw: string): string => {
    const m = /^\((\d+)\)(?:\s+(.*))?$/.exec(raw.trim());
    if (!m) return raw.trim();
    if (m[2] !== undefined) table.set(m[1]!, m[2]);
    return table.get(m[1]!) ?? raw.trim();
  };
  const out = new Map<string, number>();
  let ob = '???';
  let fn = '';
  let afterCalls = false;
  for (const line of dump.split('\n')) {
    if (line === '') continue;
    const c = line.charCodeAt(0);
    const isCost = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42; // digit + - *
    if (isCost) {
      if (afterCalls) {
        afterCalls = false;
        continue;
      }
      const parts = line.split(' ');
      const ir = Number(parts[1] ?? 0);
      if (ir && fn) {
        const key = `${fn.replace(/'\d+$/, '')} [${ob}]`;
        out.set(key, (out.get(key) ?? 0) + ir);
      }
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const field = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (field === 'ob') ob = name(obNames, value);
    else if (field === 'cob') name(obNames, value);
    else if (field === 'fn') fn = name(fnNames, value);
    else if (field === 'cfn') name(fnNames, value);
    else if (field === 'calls') afterCalls = true;
  }
  return out;
}

/** Code V8 generated at run time has no symbol: callgrind names it by address, in no object. */
export function isUnnamedJit(key: string): boolean {
  return /^0x[0-9a-f]+ \[\?\?\?\]$/.test(key);
}

export const JIT_LABEL = 'JIT-compiled JavaScript (no symbols: callgrind cannot name it)';

export interface BreakdownEntry {
  /** Function, with its source file and object where callgrind knows them. */
  function: string;
  /** Self instructions per operation. */
  perOp: number;
}

export interface Breakdown {
  entries: BreakdownEntry[];
  /** Share of the per-operation count that is JIT code callgrind cannot name. */
  unnamedJitShare: number;
  /**
   * V8's compilers' instructions in the 2N part minus those in the N part, as a share of the
   * per-operation count times N. Compilation that happens once per part (after each marker's
   * full GC, V8 re-optimises some functions) cancels; what does not cancel means tier-up was
   * still going on after the warm-up, and the count depends on when: above ~0.1%, raise it.
   */
  compileShare: number;
}

// Not Builtins_CompileLazy: it is the entry stub every new closure goes through on its first call
// (it installs the code its function already has), so it runs per operation, in proportion to N
// (verdict aggregation: 87,840 in the N part, 175,680 in the 2N part); real lazy compilation is
// v8::internal::Compiler::Compile.
const COMPILER = /^(v8::internal::(compiler|maglev|baseline)::|v8::internal::Compiler::|v8::internal::(OptimizingCompileDispatcher|Pipeline))/;

/** Readable name of a key: `function [object file name]`. */
export function functionLabel(key: string): string {
  const m = /^(.*) \[(.*)\]$/.exec(key);
  return m ? `${m[1]} [${m[2]!.split('/').pop()}]` : key;
}

/**
 * Per-operation self instructions by function: (part of 2N ops - part of N ops) / N, so the fixed
 * costs of a part (marker, full GC) cancel as they do in the total. Unnamed JIT code is summed
 * into one entry. The `top` entries by absolute size are kept.
 */
export function perOpBreakdown(partN: Map<string, number>, part2N: Map<string, number>, iterations: number, top = 15): Breakdown {
  const perOp = new Map<string, number>();
  let jit = 0;
  let compile = 0;
  let all = 0;
  for (const key of new Set([...partN.keys(), ...part2N.keys()])) {
    const diff = (part2N.get(key) ?? 0) - (partN.get(key) ?? 0);
    all += diff;
    if (COMPILER.test(key)) compile += diff;
    const v = ((part2N.get(key) ?? 0) - (partN.get(key) ?? 0)) / iterations;
    if (isUnnamedJit(key)) jit += v;
    else perOp.set(functionLabel(key), (perOp.get(functionLabel(key)) ?? 0) + v);
  }
  perOp.set(JIT_LABEL, jit);
  const total = [...perOp.values()].reduce((a, b) => a + b, 0);
  const entries = [...perOp.entries()]
    .map(([fn, v]) => ({ function: fn, perOp: Math.round(v) }))
    .filter((e) => e.perOp !== 0)
    .sort((a, b) => Math.abs(b.perOp) - Math.abs(a.perOp))
    .slice(0, top);
  return { entries, unnamedJitShare: total > 0 ? jit / total : 0, compileShare: all > 0 ? Math.abs(compile) / all : 0 };
}
