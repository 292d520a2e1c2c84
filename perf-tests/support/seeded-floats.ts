// Seeded uniform floats in [0, 1) (a 32-bit LCG): the CPU workloads of the harness example suite
// and the harness selftest. Cheap and deterministic, so a run's input never changes.
export function seededFloats(n: number, seed: number): Float64Array {
  const xs = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    xs[i] = s / 2 ** 32;
  }
  return xs;
}
