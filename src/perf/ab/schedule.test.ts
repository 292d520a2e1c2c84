import { describe, expect, it } from 'vitest';
import { seededRng } from '../stats/rng.ts';
import type { Checkpoint, Side } from './protocol.ts';
import { Schedule, type Action } from './schedule.ts';

const file = (suite: string, tests: string[] = []): Checkpoint => ({ kind: 'file', suite, tests });
const test = (suite: string, name: string): Checkpoint => ({ kind: 'test', suite, test: name });
const measure = (suite: string, name: string, metric: string): Checkpoint => ({ kind: 'measure', suite, test: name, metric });
const end = (suite: string): Checkpoint => ({ kind: 'end', suite });

/** A suite as a list of checkpoints: file, then each test (with an optional metric), then end. */
function suiteScript(suite: string, tests: Array<string | [string, string]>): Checkpoint[] {
  const names = tests.map((t) => (typeof t === 'string' ? t : t[0]));
  return [file(suite, names), ...tests.flatMap((t) => (typeof t === 'string' ? [test(suite, t)] : [test(suite, t[0]), measure(suite, t[0], t[1])])), end(suite)];
}

interface SimResult {
  paired: string[];
  solo: Array<{ side: Side; at: string }>;
  timeouts: string[];
  /** Both sides ran at once while one of them was in a timed segment (after a test or measure checkpoint). */
  overlaps: number;
}

/**
 * Drives a Schedule with two scripted sides: a running side arrives at its next checkpoint (or
 * finishes); `pair` sessions end at once. Fails when the schedule stops moving (a deadlock).
 */
function simulate(scripts: Record<Side, Checkpoint[]>, plans?: Record<Side, string[]>, pick: (running: Side[]) => Side = (r) => r[0]!): SimResult {
  const s = new Schedule({ waitTimeoutMs: 1_000 });
  if (plans) for (const side of ['base', 'head'] as const) s.plan(side, plans[side]);
  const pos: Record<Side, number> = { base: 0, head: 0 };
  const at: Record<Side, string> = { base: '', head: '' };
  const running = new Set<Side>(['base', 'head']);
  const started = new Set<Side>();
  const out: SimResult = { paired: [], solo: [], timeouts: [], overlaps: 0 };
  const releasedFrom: Record<Side, string> = { base: 'start', head: 'start' };
  const apply = (actions: Action[]): void => {
    for (const a of actions) {
      if (a.type === 'go') {
        running.add(a.side);
        releasedFrom[a.side] = at[a.side].split(':')[0]!;
        if (!a.paired) out.solo.push({ side: a.side, at: at[a.side] });
      } else if (a.type === 'pair') {
        out.paired.push(`${a.checkpoint.suite}:${a.checkpoint.metric}`);
        apply(s.pairDone(a.first));
      } else out.timeouts.push(a.message);
    }
  };
  for (let step = 0; step < 10_000; step++) {
    if (running.size === 0) {
      if (pos.base >= scripts.base.length + 1 && pos.head >= scripts.head.length + 1) return out;
      throw new Error(`deadlock: base at ${at.base} (${s.status('base')}), head at ${at.head} (${s.status('head')})`);
    }
    const timed = (x: Side): boolean => releasedFrom[x] === 'test' || releasedFrom[x] === 'measure';
    if (running.size > 1 && (timed('base') || timed('head'))) out.overlaps++;
    const side = pick([...running]);
    running.delete(side);
    started.add(side);
    const script = scripts[side];
    if (pos[side] < script.length) {
      const c = script[pos[side]++]!;
      at[side] = `${c.kind}:${c.suite}:${c.test ?? ''}:${c.metric ?? ''}`;
      apply(s.arrive(side, c, step));
    } else {
      pos[side] = script.length + 1;
      apply(s.finish(side));
    }
  }
  throw new Error('did not finish in 10,000 steps');
}

describe('A/B schedule', () => {
  it('lets one side run at a time through tests and alternates which side goes first', () => {
    const s = new Schedule({ waitTimeoutMs: 1_000 });
    expect(s.arrive('base', test('x', 't1'), 0)).toEqual([]); // head still starting: base waits
    expect(s.arrive('head', test('x', 't1'), 1)).toEqual([{ type: 'go', side: 'base', paired: true }]);
    expect(s.status('head')).toBe('pending');
    // base reaches the next checkpoint: now head runs (its turn at the same place), base waits
    expect(s.arrive('base', test('x', 't2'), 2)).toEqual([{ type: 'go', side: 'head', paired: true }]);
    // both at t2: the second match lets head go first
    expect(s.arrive('head', test('x', 't2'), 3)).toEqual([{ type: 'go', side: 'head', paired: true }]);
    expect(s.status('base')).toBe('pending');
  });

  it('lets both sides set up at once: from a suite file start to its first test, and after its end', () => {
    const s = new Schedule({ waitTimeoutMs: 1_000 });
    s.arrive('base', file('x'), 0);
    expect(s.arrive('head', file('x'), 1)).toEqual([
      { type: 'go', side: 'base', paired: true },
      { type: 'go', side: 'head', paired: true },
    ]);
    expect(s.arrive('head', test('x', 't'), 2)).toEqual([]); // base still setting up: head waits
    expect(s.arrive('base', test('x', 't'), 3)).toEqual([{ type: 'go', side: 'head', paired: true }]);
    expect(s.status('base')).toBe('pending');
  });

  it('pairs a measure() checkpoint and releases the sides one after the other', () => {
    const s = new Schedule({ waitTimeoutMs: 1_000 });
    s.arrive('base', measure('x', 't', 'm'), 0);
    const actions = s.arrive('head', measure('x', 't', 'm'), 1);
    expect(actions).toEqual([{ type: 'pair', first: 'base', checkpoint: measure('x', 't', 'm'), key: 'measure|x|m#1' }]);
    expect(s.pairDone('base')).toEqual([{ type: 'go', side: 'base', paired: true }]);
    expect(s.status('head')).toBe('pending');
    expect(s.arrive('base', end('x'), 2)).toEqual([{ type: 'go', side: 'head', paired: true }]);
  });

  it('runs the remaining side solo once the other has finished', () => {
    const s = new Schedule({ waitTimeoutMs: 1_000 });
    expect(s.finish('base')).toEqual([]);
    expect(s.arrive('head', measure('x', 't', 'm'), 0)).toEqual([{ type: 'go', side: 'head', paired: false }]);
  });

  it('a test that exists on one side only runs solo, and the sides meet again after it', () => {
    const base = suiteScript('x', [['t1', 'a'], ['t2', 'b']]);
    const head = suiteScript('x', [['t1', 'a'], ['new', 'n'], ['t2', 'b']]);
    const r = simulate({ base, head });
    expect(r.paired).toEqual(['x:a', 'x:b']);
    expect(r.solo.every((x) => x.side === 'head')).toBe(true);
    expect(r.solo.map((x) => x.at)).toEqual(['test:x:new:', 'measure:x:new:n']);
    expect(r.overlaps).toBe(0);
  });

  it('a metric removed on head leaves base alone at it; a suite only on base runs solo', () => {
    const base = [...suiteScript('a', [['t', 'm1']]), ...suiteScript('gone', [['t', 'g']]), ...suiteScript('z', [['t', 'm2']])];
    const head = [...suiteScript('a', ['t']), ...suiteScript('z', [['t', 'm2']])];
    const r = simulate({ base, head }, { base: ['a', 'gone', 'z'], head: ['a', 'z'] });
    expect(r.paired).toEqual(['z:m2']);
    expect(r.solo.filter((x) => x.side === 'base').map((x) => x.at)).toContain('measure:a:t:m1');
    expect(r.solo.filter((x) => x.side === 'base').map((x) => x.at)).toContain('measure:gone:t:g');
    expect(r.overlaps).toBe(0);
  });

  it('times out a side that waits too long and lets it continue alone', () => {
    const s = new Schedule({ waitTimeoutMs: 1_000 });
    s.arrive('base', test('x', 't'), 0);
    s.arrive('head', test('x', 't'), 0); // base runs, head pending
    expect(s.tick(500)).toEqual([]);
    const actions = s.tick(1_500);
    expect(actions[0]).toMatchObject({ type: 'timeout', side: 'head' });
    expect((actions[0] as { message: string }).message).toMatch(/head waited 2 s at test "t" of x for base/);
    expect(actions[1]).toEqual({ type: 'go', side: 'head', paired: true });
    // base never answers again: whatever head announces next goes on at once
    expect(s.arrive('head', test('x', 't2'), 2_000)).toEqual([{ type: 'go', side: 'head', paired: false }]);
  });

  it('never deadlocks, whatever the two sides announce (random scripts)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = seededRng(seed);
      const common = Array.from({ length: 3 }, (_, i) => `s${i}`);
      const scriptFor = (): { script: Checkpoint[]; suites: string[] } => {
        const suites = common.filter(() => rng() < 0.8);
        if (rng() < 0.3) suites.push('only-' + Math.floor(rng() * 3));
        suites.sort();
        const script = suites.flatMap((suite) => {
          const tests: Array<string | [string, string]> = [];
          for (let t = 0; t < 4; t++) if (rng() < 0.8) tests.push(rng() < 0.5 ? [`t${t}`, `m${t}`] : `t${t}`);
          if (rng() < 0.2) tests.reverse();
          return suiteScript(suite, tests);
        });
        return { script, suites };
      };
      const a = scriptFor();
      const b = scriptFor();
      const plans = rng() < 0.5 ? { base: a.suites, head: b.suites } : undefined;
      const r = simulate({ base: a.script, head: b.script }, plans, (running) => running[Math.floor(rng() * running.length)]!);
      expect(r.timeouts).toEqual([]);
      expect(r.overlaps).toBe(0);
    }
  });

  it('identical scripts are paired at every metric and never run solo', () => {
    const script = [...suiteScript('a', [['t1', 'm1'], 't2', ['t3', 'm3']]), ...suiteScript('b', [['t', 'm']])];
    const r = simulate({ base: script, head: script }, undefined, (running) => running.at(-1)!);
    expect(r.paired).toEqual(['a:m1', 'a:m3', 'b:m']);
    expect(r.solo).toEqual([]);
  });
});
