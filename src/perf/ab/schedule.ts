// Who runs next: the conductor's pure decision logic (no sockets, no clocks of its own).
// Rules: at most one side runs between checkpoints, so the two sides never compete for the CPU;
// when both wait at the same checkpoint they are matched (a measure() checkpoint becomes a paired
// sampling session), and the side that goes first alternates (A B, B A, ...). The one exception:
// from the start of a suite file to its first test (process start, imports, the suite's set-up
// hooks) and from its end to the next file's start, both sides run at once: nothing is timed
// there, and set-up (models, databases) is most of a round's time. When they wait at
// different checkpoints (a suite, test or metric exists on one side only, or runs in another
// order) one side proceeds solo, so the schedule can never deadlock; a side that finished or went
// silent for longer than the wait timeout leaves the other side to run solo.
import { checkpointKey, describeCheckpoint, otherSide, type Checkpoint, type Side } from './protocol.ts';

export type Action =
  /** Let `side` run to its next checkpoint. `paired` false: its checkpoint had no counterpart. */
  | { type: 'go'; side: Side; paired: boolean }
  /** Both sides wait at the same measure() checkpoint: sample them in turns, `first` first. */
  | { type: 'pair'; first: Side; checkpoint: Checkpoint; key: string }
  /** A side waited too long for the other: a harness error; the waiting side continues alone. */
  | { type: 'timeout'; side: Side; message: string };

type Status = 'running' | 'waiting' | 'pending' | 'pairing' | 'finished';

interface SideState {
  status: Status;
  checkpoint?: Checkpoint;
  /** Checkpoint key with its occurrence number on this side (`key#n`). */
  key?: string;
  /** When the side started waiting (ms). */
  since: number;
  /** Occurrence keys this side has passed. */
  history: Set<string>;
  counts: Map<string, number>;
  /** Suites this side runs, in order (from its main process), when known. */
  suites?: string[];
  /** Tests that will run per suite (from the `file` checkpoint). */
  tests: Map<string, Set<string>>;
  /** The side stopped answering (timeout): everything it does from now on is solo. */
  abandoned: boolean;
  /** What the side last announced (for messages). */
  last?: string;
}

/** Checkpoints after which both sides run at once (set-up and tear-down: nothing timed). */
const CONCURRENT = new Set<Checkpoint['kind']>(['file', 'end']);

export interface ScheduleOptions {
  /** Longest a side waits for the other before it is a harness error (ms). */
  waitTimeoutMs: number;
}

export class Schedule {
  private readonly sides: Record<Side, SideState>;
  private matches = 0;

  constructor(private readonly options: ScheduleOptions, now = 0) {
    const fresh = (): SideState => ({ status: 'running', since: now, history: new Set(), counts: new Map(), tests: new Map(), abandoned: false });
    this.sides = { base: fresh(), head: fresh() };
  }

  /** The suite files a side will run, in order (from its main process). */
  plan(side: Side, suites: readonly string[]): void {
    this.sides[side].suites = [...suites];
  }

  arrive(side: Side, checkpoint: Checkpoint, now: number): Action[] {
    const s = this.sides[side];
    const base = checkpointKey(checkpoint);
    const n = (s.counts.get(base) ?? 0) + 1;
    s.counts.set(base, n);
    s.key = `${base}#${n}`;
    s.checkpoint = checkpoint;
    s.status = 'waiting';
    s.since = now;
    s.last = describeCheckpoint(checkpoint);
    if (checkpoint.kind === 'file' && checkpoint.tests) s.tests.set(checkpoint.suite, new Set(checkpoint.tests));
    return this.settle();
  }

  /** The side's process exited (or will announce nothing more). */
  finish(side: Side): Action[] {
    const s = this.sides[side];
    if (s.status === 'waiting' || s.status === 'pending' || s.status === 'running' || s.status === 'pairing') this.pass(s);
    s.status = 'finished';
    return this.settle();
  }

  /** The paired session of a measure() checkpoint ended: `first` runs on, the other follows. */
  pairDone(first: Side): Action[] {
    const a = this.sides[first];
    const b = this.sides[otherSide(first)];
    const actions: Action[] = [];
    if (a.status === 'pairing') actions.push(this.release(first, true));
    if (b.status === 'pairing') b.status = 'pending';
    return [...actions, ...this.settle()];
  }

  /** Timeouts: a side waiting longer than the limit while the other runs. */
  tick(now: number): Action[] {
    const actions: Action[] = [];
    for (const side of ['base', 'head'] as const) {
      const s = this.sides[side];
      const o = this.sides[otherSide(side)];
      if ((s.status === 'waiting' || s.status === 'pending') && o.status === 'running' && !o.abandoned && now - s.since > this.options.waitTimeoutMs) {
        o.abandoned = true;
        actions.push({
          type: 'timeout',
          side,
          message: `${side} waited ${Math.round((now - s.since) / 1000)} s at ${s.last ?? 'a checkpoint'} for ${otherSide(side)}, which has not reached a checkpoint since ${o.last ?? 'it started'} (hung, or slower than the wait timeout): the rest of this round is measured unpaired`,
        });
      }
    }
    return [...actions, ...this.settle()];
  }

  status(side: Side): Status {
    return this.sides[side].status;
  }

  private pass(s: SideState): void {
    if (s.key) s.history.add(s.key);
  }

  private release(side: Side, paired: boolean): Action {
    const s = this.sides[side];
    this.pass(s);
    s.status = 'running';
    return { type: 'go', side, paired };
  }

  /** Apply the rules until nothing more can move. */
  private settle(): Action[] {
    const actions: Action[] = [];
    for (;;) {
      const { base, head } = this.sides;
      // An abandoned side is never waited for, and never waits.
      for (const side of ['base', 'head'] as const) {
        const s = this.sides[side];
        if (s.abandoned && (s.status === 'waiting' || s.status === 'pending')) actions.push(this.release(side, false));
      }
      if (base.status === 'pairing' || head.status === 'pairing') return actions;
      const running = (['base', 'head'] as const).filter((x) => this.sides[x].status === 'running' && !this.sides[x].abandoned);
      if (running.length > 0) return actions;
      const pending = (['base', 'head'] as const).find((x) => this.sides[x].status === 'pending');
      if (pending) {
        actions.push(this.release(pending, true));
        continue;
      }
      const waiting = (['base', 'head'] as const).filter((x) => this.sides[x].status === 'waiting');
      if (waiting.length === 0) return actions;
      if (waiting.length === 1) {
        const side = waiting[0]!;
        const other = this.sides[otherSide(side)];
        // The other side is finished (or abandoned and running): nothing to pair with.
        if (other.status === 'finished' || other.abandoned) {
          actions.push(this.release(side, false));
          continue;
        }
        return actions;
      }
      if (base.key === head.key) {
        this.matches++;
        const first: Side = this.matches % 2 === 1 ? 'base' : 'head';
        if (base.checkpoint!.kind === 'measure') {
          base.status = 'pairing';
          head.status = 'pairing';
          actions.push({ type: 'pair', first, checkpoint: head.checkpoint!, key: head.key! });
          return actions;
        }
        if (CONCURRENT.has(base.checkpoint!.kind)) {
          actions.push(this.release(first, true), this.release(otherSide(first), true));
          return actions;
        }
        actions.push(this.release(first, true));
        this.sides[otherSide(first)].status = 'pending';
        return actions;
      }
      actions.push(this.release(this.soloOnDivergence(), false));
    }
  }

  /** Both wait at different checkpoints: which one goes on alone. */
  private soloOnDivergence(): Side {
    const { base, head } = this.sides;
    if (head.history.has(base.key!)) return 'base'; // head is past base's checkpoint: base is behind
    if (base.history.has(head.key!)) return 'head';
    if (!this.mayReach('base', head.checkpoint!)) return 'head'; // base will never get there
    if (!this.mayReach('head', base.checkpoint!)) return 'base';
    return base.since <= head.since ? 'base' : 'head';
  }

  private mayReach(side: Side, c: Checkpoint): boolean {
    const s = this.sides[side];
    const here = s.checkpoint!;
    if (s.suites) {
      const target = s.suites.indexOf(c.suite);
      if (target < 0) return false;
      const now = s.suites.indexOf(here.suite);
      if (now > target) return false;
    }
    if (s.history.has(`end|${c.suite}#1`)) return false;
    if ((c.kind === 'test' || c.kind === 'measure') && c.test !== undefined) {
      const tests = s.tests.get(c.suite);
      if (tests && !tests.has(c.test)) return false;
    }
    return true;
  }
}
