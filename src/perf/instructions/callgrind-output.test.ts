import { describe, expect, it } from 'vitest';
import { functionLabel, JIT_LABEL, parseSelfCosts, parseTotal, perOpBreakdown } from './callgrind-output.ts';

// The shape callgrind 3.19 writes for a dump taken mid-run: compressed names defined by fn= and
// cfn= alike, a call still on the stack (calls=0) whose inclusive cost must not become self cost.
const DUMP = `# callgrind format
version: 1
creator: callgrind-3.19.0
desc: Trigger: --dump-before=uv_loadavg
positions: line
events: Ir
summary: 1180
totals: 1180

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) main
0 100
cfn=(2) Builtins_RunMicrotasks
calls=0 0
0 1080

fn=(2)
0 30
cob=(2) ???
cfn=(3) 0x000000000d06b180
calls=3 0
0 1050

ob=(2)
fn=(3)
0 1000
+2 40
fn=(4) 0x000000000d06c494'2
* 10
`;

describe('callgrind output', () => {
  it('reads the total of a dump and refuses a file without one', () => {
    expect(parseTotal(DUMP)).toBe(1180);
    expect(() => parseTotal('events: Ir\n', 'x.out')).toThrow(/x.out has no "totals:"/);
  });
  it('sums self cost per function, skipping the inclusive cost line after calls= (even calls=0)', () => {
    const self = parseSelfCosts(DUMP);
    expect(Object.fromEntries(self)).toEqual({
      'main [/usr/bin/node]': 100,
      'Builtins_RunMicrotasks [/usr/bin/node]': 30,
      '0x000000000d06b180 [???]': 1040,
      '0x000000000d06c494 [???]': 10,
    });
    expect([...self.values()].reduce((a, b) => a + b, 0)).toBe(parseTotal(DUMP));
  });
  it('breaks the per-operation count down by function, unnamed JIT code in one entry', () => {
    const n = new Map([['main [/usr/bin/node]', 500], ['0x1 [???]', 100], ['v8::internal::compiler::GraphReducer::ReduceTop() [/usr/bin/node]', 50]]);
    const twoN = new Map([['main [/usr/bin/node]', 900], ['0x1 [???]', 150], ['0x2 [???]', 50]]);
    const b = perOpBreakdown(n, twoN, 10);
    expect(b.entries).toEqual([
      { function: 'main [node]', perOp: 40 },
      { function: JIT_LABEL, perOp: 10 },
      { function: 'v8::internal::compiler::GraphReducer::ReduceTop() [node]', perOp: -5 },
    ]);
    expect(b.unnamedJitShare).toBeCloseTo(10 / 45, 12);
    expect(b.compileShare).toBeCloseTo(50 / 450, 12);
    // The closure entry stub runs per operation: it is not compiler work.
    const lazy = perOpBreakdown(new Map([['Builtins_CompileLazy [/usr/bin/node]', 100]]), new Map([['Builtins_CompileLazy [/usr/bin/node]', 200]]), 10);
    expect(lazy.compileShare).toBe(0);
    expect(functionLabel('_int_free [/usr/lib/x86_64-linux-gnu/libc.so.6]')).toBe('_int_free [libc.so.6]');
  });
});
