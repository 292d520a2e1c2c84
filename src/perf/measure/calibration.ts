// A short, fixed CPU workload whose score is recorded with every run, so that results from a
// slower or busier machine can be recognised (and, if asked, normalised).
import { nowNs } from './clock.ts';

function workload(): number {
  // Seeded LCG data, a numeric sort and a JSON round trip: a mix of branchy and allocating work.
  let s = 12345;
  const xs = new Float64Array(20_000);
  for (let i = 0; i < xs.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    xs[i] = s / 4294967296;
  }
  xs.sort();
  const obj = Array.from({ length: 500 }, (_, i) => ({ i, v: xs[i * 10], tag: `t${i}` }));
  return (JSON.parse(JSON.stringify(obj)) as unknown[]).length + xs[100]!;
}

export interface Calibration {
  /** Workload runs per second (median of the rounds): higher is a faster/quieter machine. */
  score: number;
  /** Median ms per workload run. */
  medianMs: number;
  rounds: number;
}

export function calibrate(rounds = 15): Calibration {
  workload();
  workload();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = nowNs();
    workload();
    times.push(Number(nowNs() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)]!;
  return { score: Math.round(1000 / medianMs), medianMs, rounds };
}
