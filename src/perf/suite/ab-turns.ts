// One side of an A/B run, inside a vitest worker: the connection to the conductor and the
// checkpoints this process announces (suite file start/end, each test, each measure()).
import { LockstepClient } from '../ab/lockstep-client.ts';
import type { Checkpoint, PairPlan, ToSide } from '../ab/protocol.ts';
import type { TimingOptions } from '../measure/timing.ts';
import { harnessOptions } from './worker-state.ts';

let client: Promise<LockstepClient> | undefined;

/** True when this worker is one side of an A/B run. */
export function inLockstep(): boolean {
  return harnessOptions().abSide !== undefined;
}

function connection(): Promise<LockstepClient> {
  const side = harnessOptions().abSide;
  if (!side) throw new Error('not an A/B side');
  client ??= LockstepClient.connect(side.socket, side.side, 'worker').then((c) => {
    c.unref();
    return c;
  });
  return client;
}

/** Announce a checkpoint and wait until the conductor lets this side go (or starts pairing). */
export async function waitTurn(checkpoint: Checkpoint): Promise<{ client: LockstepClient; answer: ToSide }> {
  const c = await connection();
  return { client: c, answer: await c.request({ type: 'arrive', checkpoint }) };
}

/**
 * How many pairs one round of a measure() metric takes: at least the metric's own minimum (and
 * 10), at most its maximum (and 60), within a time cap, and fewer once the round's interval is
 * within a quarter of the tolerance (the conductor stops there). The cap: full profile four times
 * the metric's own time cap and at least 20 s (the two sides share it, and a loaded machine
 * stretches every sample); quick profile twice and at least 8 s, because the round, not the pair,
 * is the unit of replication: a fourth round of fresh processes narrows the interval more than a
 * longer third round (the t quantile of 3 rounds is 4.30, of 4 rounds 3.18).
 */
export function pairPlan(timing: TimingOptions, tolerance: number, profile: 'quick' | 'full' = harnessOptions().profile): PairPlan {
  const minPairs = Math.max(10, timing.minSamples ?? 20);
  const ownCap = timing.maxTimeMs ?? 10_000;
  return {
    tolerance,
    minPairs,
    maxPairs: Math.max(60, minPairs, timing.maxSamples ?? 100),
    maxTimeMs: profile === 'quick' ? Math.max(8_000, 2 * ownCap) : Math.max(20_000, 4 * ownCap),
  };
}
