// Seeded pseudo-random numbers so that bootstraps and synthetic samples are reproducible.

export type Rng = () => number;

/** mulberry32: small, fast, good enough for resampling; returns floats in [0, 1). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box-Muller). */
export function normalDeviate(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** n samples from N(mean, sd), seeded: the synthetic inputs of decision tests. */
export function normalSamples(n: number, meanValue: number, sd: number, seed: number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => meanValue + sd * normalDeviate(rng));
}
