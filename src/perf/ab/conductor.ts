// The A/B conductor: a unix-socket server in the main process of `npm run perf -- --base <ref>`.
// Both sides' processes connect to it; it applies the schedule (who runs next, src/perf/ab/schedule.ts)
// and drives paired measure() sessions: prepare both sides with the same warm-up calls, then pairs
// of samples in blocks A B B A, B A A B, ... until the stop rule says enough.
// A pair is the faster of each side's two samples in its block: on a shared machine another
// process's burst only ever adds time, and it lands on one sample of a side far more often than on
// both; the minimum of two drops it, where a median over single-sample pairs keeps its spread (under
// load 4-6 from other jobs, single-sample pairs of a 55 ms embedding call had an interquartile range
// of 0.8x-1.7x). A change that slows every call is seen whole; one that slows rare calls is, like
// under the median, largely not (the memory and exact metrics watch those).
import fs from 'node:fs';
import net from 'node:net';
import { pairStop, type PairStop } from './pair-stopping.ts';
import { encode, lineDecoder, otherSide, type Checkpoint, type Side, type ToConductor, type ToSide } from './protocol.ts';
import { Schedule, type Action } from './schedule.ts';

/** The paired samples of one metric in one round. */
export interface PairLog {
  suite: string;
  metric: string;
  /** Clock of the samples (wall when either side's workload is async). */
  clock: 'wall' | 'cpu';
  /** ns per call of each pair (the faster of the side's two samples in the block), in the order taken. */
  base: number[];
  head: number[];
  /** log(head / base) of each pair's ns per call (> 0: head slower). */
  logRatios: number[];
  /** Which side sampled first in the first pair (then they alternate). */
  first: Side;
  stoppedBy: PairStop | 'error';
  elapsedMs: number;
}

export interface ConductorOptions {
  socketPath: string;
  /** Longest a side waits at a checkpoint for the other side (ms). */
  waitTimeoutMs: number;
  /** Longest one warm-up or sample may take (ms). */
  sampleTimeoutMs: number;
  /** Progress lines (stdout of `npm run perf`). */
  log?: (line: string) => void;
  now?: () => number;
}

type Reply = Extract<ToConductor, { type: 'prepared' | 'sample' }>;

interface Connection {
  socket: net.Socket;
  side?: Side;
  role?: 'worker' | 'main';
}

export class Conductor {
  private server: net.Server | undefined;
  private schedule: Schedule;
  private readonly waitingOn = new Map<Side, Connection>();
  private readonly checkpointOf = new Map<Side, Checkpoint>();
  /** A side that was sampled in a paired session gets `stop` (not `go`) when released. */
  private readonly pairedStop = new Map<Side, number>();
  private readonly replies = new Map<Side, { type: Reply['type']; resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly exited = new Set<Side>();
  private ticker: NodeJS.Timeout | undefined;
  private sessions: Promise<void>[] = [];
  /** Harness errors of the current round (timeouts, a side vanishing mid-session). */
  errors: string[] = [];
  /** Pair logs of the current round by `suite › metric`. */
  pairs = new Map<string, PairLog>();
  private readonly now: () => number;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: ConductorOptions) {
    this.now = options.now ?? (() => performance.now());
    this.schedule = new Schedule({ waitTimeoutMs: options.waitTimeoutMs }, this.now());
  }

  async listen(): Promise<void> {
    fs.rmSync(this.options.socketPath, { force: true });
    this.server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.socketPath, () => resolve());
    });
  }

  /** A fresh schedule and pair log for a new round (fresh processes on both sides). */
  beginRound(): void {
    this.schedule = new Schedule({ waitTimeoutMs: this.options.waitTimeoutMs }, this.now());
    this.waitingOn.clear();
    this.checkpointOf.clear();
    this.pairedStop.clear();
    this.exited.clear();
    this.errors = [];
    this.pairs = new Map();
    this.sessions = [];
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.apply(this.schedule.tick(this.now())), 1_000);
    this.ticker.unref();
  }

  /** The side's process exited: the other side runs on alone. */
  sideExited(side: Side): void {
    this.exited.add(side);
    const pending = this.replies.get(side);
    if (pending) {
      clearTimeout(pending.timer);
      this.replies.delete(side);
      pending.reject(new Error(`${side} exited during a paired sample`));
    }
    this.apply(this.schedule.finish(side));
  }

  /** Wait for paired sessions still running (called after both sides exited). */
  async endRound(): Promise<void> {
    await Promise.allSettled(this.sessions);
    clearInterval(this.ticker);
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    fs.rmSync(this.options.socketPath, { force: true });
  }

  private accept(socket: net.Socket): void {
    const conn: Connection = { socket };
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on(
      'data',
      lineDecoder<ToConductor>((m) => {
        try {
          this.onMessage(conn, m);
        } catch (error) {
          this.errors.push(`lockstep protocol error from ${conn.side ?? 'an unknown side'}: ${(error as Error).message}`);
        }
      }),
    );
    socket.on('error', () => {});
  }

  private send(conn: Connection | undefined, message: ToSide): void {
    if (conn && !conn.socket.destroyed) conn.socket.write(encode(message));
  }

  private onMessage(conn: Connection, m: ToConductor): void {
    if (m.type === 'hello') {
      conn.side = m.side;
      conn.role = m.role;
      return;
    }
    const side = conn.side;
    if (!side) throw new Error(`"${m.type}" before hello`);
    switch (m.type) {
      case 'files':
        this.schedule.plan(side, m.suites);
        return;
      case 'arrive':
        this.waitingOn.set(side, conn);
        this.checkpointOf.set(side, m.checkpoint);
        this.apply(this.schedule.arrive(side, m.checkpoint, this.now()));
        return;
      case 'prepared':
      case 'sample': {
        const r = this.replies.get(side);
        if (!r || r.type !== m.type) throw new Error(`unexpected "${m.type}"`);
        clearTimeout(r.timer);
        this.replies.delete(side);
        r.resolve(m);
        return;
      }
    }
  }

  private apply(actions: readonly Action[]): void {
    for (const a of actions) {
      if (a.type === 'timeout') {
        this.errors.push(a.message);
        this.options.log?.(`  ab: ${a.message}`);
      } else if (a.type === 'go') {
        const stopAfter = this.pairedStop.get(a.side);
        if (stopAfter !== undefined) {
          this.pairedStop.delete(a.side);
          this.send(this.waitingOn.get(a.side), { type: 'stop', pairs: stopAfter });
        } else this.send(this.waitingOn.get(a.side), { type: 'go', paired: a.paired });
      } else {
        this.sessions.push(this.pairSession(a.first, a.checkpoint));
      }
    }
  }

  private ask<T extends Reply['type']>(side: Side, message: ToSide, type: T): Promise<Extract<Reply, { type: T }>> {
    if (this.exited.has(side)) return Promise.reject(new Error(`${side} has exited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(side);
        reject(new Error(`${side} did not answer "${message.type}" within ${Math.round(this.options.sampleTimeoutMs / 1000)} s`));
      }, this.options.sampleTimeoutMs);
      timer.unref();
      this.replies.set(side, { type, resolve: resolve as (r: Reply) => void, reject, timer });
      this.send(this.waitingOn.get(side), message);
    });
  }

  private async pairSession(first: Side, checkpoint: Checkpoint): Promise<void> {
    const second = otherSide(first);
    const plan = checkpoint.pair ?? { tolerance: 0.05, minPairs: 10, maxPairs: 40, maxTimeMs: 20_000 };
    const key = `${checkpoint.suite} › ${checkpoint.metric}`;
    const log: PairLog = { suite: checkpoint.suite, metric: checkpoint.metric ?? '', clock: 'cpu', base: [], head: [], logRatios: [], first, stoppedBy: 'error', elapsedMs: 0 };
    const started = this.now();
    try {
      const p1 = await this.ask(first, { type: 'prepare' }, 'prepared');
      const p2 = await this.ask(second, { type: 'prepare', warmupCalls: p1.warmupCalls, iterations: p1.iterations }, 'prepared');
      void p2;
      const samplesStarted = this.now();
      for (let i = 0; ; i++) {
        const order: Side[] = i % 2 === 0 ? [first, second, second, first] : [second, first, first, second];
        const got = new Map<Side, Array<Extract<Reply, { type: 'sample' }>>>([['base', []], ['head', []]]);
        for (const s of order) got.get(s)!.push(await this.ask(s, { type: 'sample' }, 'sample'));
        const b = got.get('base')!;
        const h = got.get('head')!;
        // The two sides' samplers pick the clock the same way (the same harness on both sides).
        if (i === 0 && [...b, ...h].some((x) => x.clock === 'wall')) log.clock = 'wall';
        const pick = (xs: typeof b): number => Math.min(...xs.map((x) => (log.clock === 'cpu' ? x.cpuNs : x.wallNs) / x.iterations));
        const bn = pick(b);
        const hn = pick(h);
        log.base.push(bn);
        log.head.push(hn);
        if (bn > 0 && hn > 0) log.logRatios.push(Math.log(hn / bn));
        const stop = pairStop(log.logRatios, this.now() - samplesStarted, plan);
        if (stop) {
          log.stoppedBy = stop;
          break;
        }
      }
    } catch (error) {
      this.errors.push(`paired sampling of ${key} stopped: ${(error as Error).message}`);
    }
    log.elapsedMs = this.now() - started;
    this.pairs.set(key, log);
    const pairs = log.logRatios.length;
    for (const s of [first, second]) if (!this.exited.has(s)) this.pairedStop.set(s, pairs);
    this.apply(this.schedule.pairDone(first));
  }
}
