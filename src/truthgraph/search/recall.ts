// Pure retrieval-quality helpers shared by tests and perf suites.

/** |approx ∩ exact| / |exact| over the first k of each list. */
export function recallAtK(exact: readonly string[], approx: readonly string[], k: number): number {
  const truth = new Set(exact.slice(0, k));
  if (truth.size === 0) return 1;
  let hit = 0;
  for (const id of approx.slice(0, k)) if (truth.has(id)) hit++;
  return hit / truth.size;
}

export function meanRecallAtK(exact: readonly (readonly string[])[], approx: readonly (readonly string[])[], k: number): number {
  if (exact.length === 0) return 1;
  let sum = 0;
  exact.forEach((e, i) => (sum += recallAtK(e, approx[i] ?? [], k)));
  return sum / exact.length;
}
