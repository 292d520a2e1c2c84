// Batch-size recommendations from a throughput grid (pure): per (variant, length) the batch with the
// highest median throughput, and every batch within `noise` of it (indistinguishable on this
// machine; the smallest of those is the memory-friendly choice).
export interface GridCell {
  variant: string;
  length: string;
  batchSize: number;
  /** Median items/s. */
  itemsPerSec: number;
  /** Optional extra columns shown in the table (e.g. peak MB). */
  extra?: Record<string, number>;
}

export interface Recommendation {
  variant: string;
  length: string;
  best: number;
  bestItemsPerSec: number;
  /** Batches within `noise` of the best, ascending. */
  withinNoise: number[];
  /** Smallest batch within noise of the best. */
  smallestGood: number;
}

export function recommendBatches(cells: readonly GridCell[], noise = 0.05): Recommendation[] {
  const groups = new Map<string, GridCell[]>();
  for (const c of cells) {
    const key = `${c.variant}\0${c.length}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map((g) => {
    const best = g.reduce((a, b) => (b.itemsPerSec > a.itemsPerSec ? b : a));
    const good = g.filter((c) => c.itemsPerSec >= best.itemsPerSec * (1 - noise)).map((c) => c.batchSize).sort((a, b) => a - b);
    return { variant: best.variant, length: best.length, best: best.batchSize, bestItemsPerSec: best.itemsPerSec, withinNoise: good, smallestGood: good[0]! };
  });
}

/** A markdown table of the grid (rows: variant x length, columns: batch sizes) plus the recommendations. */
export function renderGrid(title: string, unit: string, cells: readonly GridCell[], recs: readonly Recommendation[], notes: readonly string[] = []): string {
  const batches = [...new Set(cells.map((c) => c.batchSize))].sort((a, b) => a - b);
  const rows = [...new Set(cells.map((c) => `${c.variant}\0${c.length}`))];
  const lines = [`# ${title}`, '', `Median ${unit} by batch size (best in bold).`, '', `| variant | length | ${batches.map((b) => `b${b}`).join(' | ')} | best | within noise |`, `|---|---|${batches.map(() => '---:').join('|')}|---:|---|`];
  for (const key of rows) {
    const [variant, length] = key.split('\0') as [string, string];
    const rec = recs.find((r) => r.variant === variant && r.length === length);
    const cols = batches.map((b) => {
      const c = cells.find((x) => x.variant === variant && x.length === length && x.batchSize === b);
      if (!c) return '';
      const v = Math.round(c.itemsPerSec).toLocaleString('en-US');
      return rec?.best === b ? `**${v}**` : v;
    });
    lines.push(`| ${variant} | ${length} | ${cols.join(' | ')} | ${rec?.best ?? ''} | ${rec?.withinNoise.join(', ') ?? ''} |`);
  }
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
