// The database speed grid: ingest of a generated, embedded corpus, then exact / IVFFlat / HNSW search
// latency with recall@10 against exact, each configuration run in several passes so host noise (a
// busy shared VM) can be told from engine cost: a stable per-pass p50 and min with a swinging p95 is
// noise. Run: npx tsx perf-tests/workloads/search-bench-grid.ts <size> [passes]   (embeddings cached under .cache/corpora)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DATASET_DIR, defaultCacheDir } from '../../src/shared/paths.ts';
import { loadOrBuildEmbeddedCorpus } from '../../src/truthgraph/corpus/embedded-corpus.ts';
import type { Database } from '../../src/truthgraph/db/database.ts';
import { modelRefFromPack } from '../../src/truthgraph/db/repositories/embeddings.ts';
import { openEphemeralDatabase, truncateAll } from '../../src/truthgraph/db/testing.ts';
import { loadEmbedder } from '../../src/truthgraph/embedding/embedder.ts';
import { quantile } from '../../src/perf/stats/descriptive.ts';
import { benchIngest, benchSearch } from './search-bench.ts';
import { buildVectorIndex, type IndexSpec } from '../../src/truthgraph/search/indexes.ts';
import { searchMany, type SearchOptions } from '../../src/truthgraph/search/vector-search.ts';

export interface GridRow {
  label: string;
  index: IndexSpec | null;
  options: SearchOptions;
  passesP50Ms: number[];
  passesP95Ms: number[];
  pooledP50Ms: number;
  pooledP95Ms: number;
  minMs: number;
  recallAtK: number;
  roundTripsPerQuery: number;
}

export interface GridSpec {
  index: IndexSpec | null;
  searches: { label: string; options: Omit<SearchOptions, 'k' | 'modelId'> }[];
}

export function defaultGrid(size: number): GridSpec[] {
  const lists = [Math.max(10, Math.round(size / 1000)), Math.round(Math.sqrt(size))];
  return [
    { index: null, searches: [{ label: 'exact', options: { mode: 'exact' } }] },
    ...lists.map((l) => ({
      index: { kind: 'ivfflat', lists: l } as IndexSpec,
      searches: [1, 3, 5, 10].map((probes) => ({ label: `ivfflat lists=${l} probes=${probes}`, options: { mode: 'ivfflat' as const, probes } })),
    })),
    {
      index: { kind: 'hnsw', m: 16, efConstruction: 64 },
      searches: [10, 20, 40, 80].map((efSearch) => ({ label: `hnsw m=16 efc=64 ef_search=${efSearch}`, options: { mode: 'hnsw' as const, efSearch } })),
    },
  ];
}

export async function runSearchGrid(
  db: Database,
  queries: readonly Float32Array[],
  modelId: string,
  grid: readonly GridSpec[],
  options: { passes?: number; k?: number; onIndex?: (spec: IndexSpec, buildMs: number, sizeBytes: number) => void; onRow?: (row: GridRow) => void } = {},
): Promise<GridRow[]> {
  const passes = options.passes ?? 3;
  const k = options.k ?? 10;
  const exactIds = (await searchMany(db, queries, { mode: 'exact', k, modelId })).map((hits) => hits.map((h) => h.evidenceId));
  const rows: GridRow[] = [];
  for (const spec of grid) {
    if (spec.index) {
      const built = await buildVectorIndex(db, spec.index);
      options.onIndex?.(spec.index, built.buildMs, built.sizeBytes);
    }
    for (const s of spec.searches) {
      const search = { ...s.options, k, modelId } as SearchOptions;
      const all: number[] = [];
      const row: GridRow = {
        label: s.label, index: spec.index, options: search,
        passesP50Ms: [], passesP95Ms: [], pooledP50Ms: 0, pooledP95Ms: 0, minMs: 0, recallAtK: 0, roundTripsPerQuery: 0,
      };
      for (let p = 0; p < passes; p++) {
        const r = await benchSearch(db, queries, search, { exactIds });
        row.passesP50Ms.push(r.p50Ms);
        row.passesP95Ms.push(r.p95Ms);
        row.recallAtK = r.recallAtK;
        row.roundTripsPerQuery = r.roundTripsPerQuery;
        all.push(...r.samplesMs);
      }
      row.pooledP50Ms = quantile(all, 0.5);
      row.pooledP95Ms = quantile(all, 0.95);
      row.minMs = Math.min(...all);
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return rows;
}

export function renderGridRow(row: GridRow): string {
  const f = (xs: number[]) => xs.map((x) => x.toFixed(2)).join('/');
  return `${row.label.padEnd(34)} p50 ${f(row.passesP50Ms)}  p95 ${f(row.passesP95Ms)}  pooled p50 ${row.pooledP50Ms.toFixed(2)} p95 ${row.pooledP95Ms.toFixed(2)} min ${row.minMs.toFixed(2)} ms  recall@10 ${row.recallAtK.toFixed(3)}  round trips/query ${row.roundTripsPerQuery}`;
}

/** CLI body: size and passes from argv, lines to io.out; returns an exit code. */
export async function runDbBench(argv: readonly string[], io: { out: (line: string) => void }, cacheDir = defaultCacheDir()): Promise<number> {
  const size = Number(argv[0] ?? 10_000);
  const passes = Number(argv[1] ?? 3);
  if (!Number.isInteger(size) || size < 100 || !Number.isInteger(passes) || passes < 1) {
    io.out('usage: bench-grid <size >= 100> [passes >= 1]');
    return 2;
  }
  const embedder = await loadEmbedder({ cacheDir, variant: 'int8' });
  let db: Database | undefined;
  try {
    const ec = await loadOrBuildEmbeddedCorpus(size, embedder, { cacheDir, onProgress: (d, t) => d % 5000 === 0 && io.out(`embedding ${d}/${t}`) });
    io.out(`corpus ${size} passages, embeddings ${ec.fromCache ? 'from cache' : `computed in ${(ec.embedMs / 1000).toFixed(1)} s`} (${ec.key})`);
    // 25 real claims + 75 corpus passages as queries (the mix the colleague's first measurement used).
    const claims = (JSON.parse(fs.readFileSync(path.join(DATASET_DIR, 'test_claims.json'), 'utf8')) as { claims: { claim?: string; text?: string }[] }).claims
      .map((c) => c.claim ?? c.text ?? '')
      .filter(Boolean)
      .slice(0, 25);
    const queries = [...(await embedder.embed(claims)), ...Array.from({ length: 75 }, (_, i) => ec.vectors[(i * 131) % size]!)];
    const model = modelRefFromPack(embedder.pack);
    db = await openEphemeralDatabase();
    const items = ec.corpus.items.map((e, i) => ({
      evidence: { id: e.id, content: e.content, source: e.source, url: e.url, category: e.category },
      embedding: ec.vectors[i]!,
    }));
    // Into an empty table, per-row index upkeep first, then the bulk mode (indexes rebuilt at the end).
    for (const bulk of [false, true]) {
      if (bulk) await truncateAll(db);
      const ingest = await benchIngest(db, items, { model, bulk });
      const rebuilt = (ingest.report.rebuiltIndexes ?? []).map((r) => `${r.name} ${(r.rebuildMs / 1000).toFixed(2)} s`).join(', ');
      io.out(`ingest${bulk ? ' (bulk)' : ''} ${size} evidence + embeddings: ${(ingest.ms / 1000).toFixed(2)} s (${ingest.rowsPerSecond.toFixed(0)} rows/s, ${ingest.report.chunks} chunks, ${ingest.report.failed.length} failed${rebuilt ? `; rebuilt ${rebuilt}` : ''})`);
    }
    await runSearchGrid(db, queries, model.id, defaultGrid(size), {
      passes,
      onIndex: (spec, ms, bytes) => io.out(`${JSON.stringify(spec)} built in ${(ms / 1000).toFixed(2)} s, ${(bytes / 1e6).toFixed(1)} MB`),
      onRow: (row) => io.out(renderGridRow(row)),
    });
    return 0;
  } finally {
    await embedder.dispose();
    await db?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runDbBench(process.argv.slice(2), { out: (line) => console.log(line) });
}
