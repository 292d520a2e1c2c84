import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Conductor } from './conductor.ts';
import { LockstepClient } from './lockstep-client.ts';
import type { Checkpoint, Side } from './protocol.ts';

const plan = { tolerance: 0.05, minPairs: 6, maxPairs: 6, maxTimeMs: 60_000 };
const socketPath = (): string => path.join(os.tmpdir(), `tg-ab-test-${process.pid}-${Math.random().toString(36).slice(2)}.sock`);

let conductor: Conductor | undefined;
afterEach(async () => {
  await conductor?.close();
  conductor = undefined;
});

/**
 * A fake side: announces its checkpoints in order; at a paired measure() it answers the
 * conductor's prepare/sample requests with `nsPerCall` (and logs the order of samples).
 */
async function fakeSide(
  socket: string,
  side: Side,
  script: Checkpoint[],
  nsPerCall: number | ((sample: number) => number),
  order: string[],
): Promise<Array<{ at: string; answer: string }>> {
  const ns = typeof nsPerCall === 'number' ? () => nsPerCall : nsPerCall;
  let taken = 0;
  const client = await LockstepClient.connect(socket, side, 'worker');
  const seen: Array<{ at: string; answer: string }> = [];
  for (const c of script) {
    const answer = await client.request({ type: 'arrive', checkpoint: c });
    seen.push({ at: `${c.kind}:${c.metric ?? c.test ?? c.suite}`, answer: answer.type === 'go' ? (answer.paired ? 'go' : 'solo') : answer.type });
    if (answer.type === 'prepare') {
      client.send({ type: 'prepared', warmupCalls: answer.warmupCalls ?? 3, iterations: answer.iterations ?? 2 });
      for (;;) {
        const next = await client.next();
        if (next.type === 'stop') break;
        order.push(side);
        const t = ns(taken++);
        client.send({ type: 'sample', wallNs: t * 2, cpuNs: t * 2, iterations: 2, clock: 'cpu' });
      }
    }
  }
  client.close();
  conductor?.sideExited(side); // the side's process ends after its last checkpoint
  return seen;
}

const suite: Checkpoint[] = [
  { kind: 'file', suite: 's', tests: ['t'] },
  { kind: 'test', suite: 's', test: 't' },
  { kind: 'measure', suite: 's', test: 't', metric: 'm', pair: plan },
  { kind: 'end', suite: 's' },
];

describe('A/B conductor (fake sides over a real unix socket)', () => {
  it('pairs both sides at a metric in blocks A B B A, B A A B, and records log(head/base) per pair', async () => {
    const socket = socketPath();
    conductor = new Conductor({ socketPath: socket, waitTimeoutMs: 60_000, sampleTimeoutMs: 60_000 });
    await conductor.listen();
    conductor.beginRound();
    const order: string[] = [];
    const [b, h] = await Promise.all([fakeSide(socket, 'base', suite, 1_000, order), fakeSide(socket, 'head', suite, 1_100, order)]);
    await conductor.endRound();
    expect(b.map((x) => x.answer)).toEqual(['go', 'go', 'prepare', 'go']);
    expect(h.map((x) => x.answer)).toEqual(['go', 'go', 'prepare', 'go']);
    const log = conductor.pairs.get('s › m')!;
    expect(log.logRatios).toHaveLength(6);
    for (const r of log.logRatios) expect(r).toBeCloseTo(Math.log(1.1), 12);
    expect(log.stoppedBy).toBe('max-pairs');
    const first = log.first;
    const second = first === 'base' ? 'head' : 'base';
    const [abba, baab] = [[first, second, second, first], [second, first, first, second]];
    expect(order).toEqual([abba, baab, abba, baab, abba, baab].flat());
    expect(conductor.errors).toEqual([]);
  });

  it('a burst of load on one sample of a side does not move the pair: each side counts its faster sample', async () => {
    const socket = socketPath();
    conductor = new Conductor({ socketPath: socket, waitTimeoutMs: 60_000, sampleTimeoutMs: 60_000 });
    await conductor.listen();
    conductor.beginRound();
    const order: string[] = [];
    // Every other sample of base and every third of head is slowed 3x by "another process".
    await Promise.all([
      fakeSide(socket, 'base', suite, (i) => (i % 2 === 0 ? 3_000 : 1_000), order),
      fakeSide(socket, 'head', suite, (i) => (i % 3 === 0 ? 3_300 : 1_100), order),
    ]);
    await conductor.endRound();
    const log = conductor.pairs.get('s › m')!;
    expect(log.logRatios).toHaveLength(6);
    for (const r of log.logRatios) expect(r).toBeCloseTo(Math.log(1.1), 12);
  });

  it('a side whose process ended leaves the other to measure solo', async () => {
    const socket = socketPath();
    conductor = new Conductor({ socketPath: socket, waitTimeoutMs: 60_000, sampleTimeoutMs: 60_000 });
    await conductor.listen();
    conductor.beginRound();
    conductor.sideExited('base');
    const h = await fakeSide(socket, 'head', suite, 1_000, []);
    expect(h.map((x) => x.answer)).toEqual(['solo', 'solo', 'solo', 'solo']);
    expect(conductor.pairs.size).toBe(0);
  });

  it('a side that stops answering is a harness error naming it, and the other side goes on', async () => {
    const socket = socketPath();
    conductor = new Conductor({ socketPath: socket, waitTimeoutMs: 300, sampleTimeoutMs: 60_000 });
    await conductor.listen();
    conductor.beginRound();
    // base announces the suite and then never arrives anywhere again (hung in its set-up)
    const base = await LockstepClient.connect(socket, 'base', 'worker');
    const baseAnswer = base.request({ type: 'arrive', checkpoint: suite[0]! });
    const head = fakeSide(socket, 'head', suite, 1_000, []);
    await baseAnswer;
    const h = await head;
    expect(h.map((x) => x.answer).slice(-3)).toEqual(['solo', 'solo', 'solo']);
    expect(conductor.errors.join('\n')).toMatch(/waited \d+ s at .* for base, which has not reached a checkpoint since start of suite s/);
    base.close();
  });
});
