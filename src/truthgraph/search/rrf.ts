// Weighted reciprocal-rank fusion: score(d) = sum over lists of weight / (k + rank(d)), rank 1-based.
// Pure: ties broken by id so the fused order is deterministic.

export interface RankedList {
  name: string;
  weight: number;
  /** Ids best first. */
  ids: readonly string[];
}

export interface FusedItem {
  id: string;
  score: number;
  /** 1-based rank in each list, null where absent. */
  ranks: Record<string, number | null>;
}

export const DEFAULT_RRF_K = 60;

export function fuseRrf(lists: readonly RankedList[], k: number = DEFAULT_RRF_K): FusedItem[] {
  const items = new Map<string, FusedItem>();
  for (const list of lists) {
    list.ids.forEach((id, i) => {
      let item = items.get(id);
      if (!item) {
        item = { id, score: 0, ranks: Object.fromEntries(lists.map((l) => [l.name, null])) };
        items.set(id, item);
      }
      if (item.ranks[list.name] !== null) return; // a repeated id keeps its best rank
      item.ranks[list.name] = i + 1;
      item.score += list.weight / (k + i + 1);
    });
  }
  return [...items.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
