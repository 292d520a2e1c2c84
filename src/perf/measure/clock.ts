// The monotonic clock and its resolution: every timing in the harness comes from here.

export const nowNs = (): bigint => process.hrtime.bigint();

/** Smallest positive step between consecutive clock readings (ns), the median of a few probes. */
export function timerResolutionNs(probes = 50): number {
  const steps: number[] = [];
  for (let i = 0; i < probes; i++) {
    const a = nowNs();
    let b = nowNs();
    while (b === a) b = nowNs();
    steps.push(Number(b - a));
  }
  steps.sort((x, y) => x - y);
  return steps[Math.floor(steps.length / 2)]!;
}
