// Seed feature 2.3: vector search latency and recall on text embeddings of the generated corpus
// (synthetic int8 embedder pack), corpus 1k/5k/10k/50k: exact scan, IVFFlat lists x probes and HNSW
// m x ef_search grids; index build time and size; recall@1/@10 against exact search over the same
// queries (the fixture claims); the Pareto front and the recommended setting per corpus size.
//
// Grid (full): 1k/5k/10k the complete IVFFlat grid (lists 10/25/50/100 x probes 1/5/10/25, probes <=
// lists) and HNSW m 8/16 (ef_construction 64) x ef_search 10/20/40/100; 50k a reduced grid (lists
// 50/100 x probes 1-50; HNSW m 16 x ef_search 40/80/100/200, built once per machine and restored from
// a cached data-dir dump on later runs: perf-tests/workloads/index-fixture.ts). Quick: 1k with two
// settings of each. The corpora are prefixes of the 50k corpus: it is embedded once, on the first run.
//
// Gating metrics (few, to keep the false-positive rate of timing comparisons low): per size the exact
// scan latency (seed floor: < 3 s), the canonical IVFFlat (lists ~ sqrt(rows) snapped to the grid,
// probes 10) and HNSW (m 16, ef_search 40) latency + recall@1/@10, and the best ANN
// setting that reaches recall@10 >= 0.95 (our targets, advisory, per engine: see P95_TARGET_MS).
// Every grid point is in the recommendations table, attached to the run's reports (perf.attach).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../src/shared/paths.ts';
import { loadOrBuildEmbeddedCorpus } from '../src/truthgraph/corpus/embedded-corpus.ts';
import type { Database } from '../src/truthgraph/db/database.ts';
import { openEphemeralDatabase, testServerPlan, truncateAll } from '../src/truthgraph/db/testing.ts';
import { loadEmbedder, type Embedder } from '../src/truthgraph/embedding/embedder.ts';
import { perf, record, type Budget, type MetricResult } from '../src/perf/suite/index.ts';
import { loadRealWorldDataset, loadSampleDataset } from '../src/truthgraph/pipeline/datasets.ts';
import { benchIngest, benchSearch, type SearchBench } from './workloads/search-bench.ts';
import { indexFixture } from './workloads/index-fixture.ts';
import { buildVectorIndex, dropVectorIndexes, type IndexBuildResult, type IndexSpec } from '../src/truthgraph/search/indexes.ts';
import { meanRecallAtK } from '../src/truthgraph/search/recall.ts';
import { searchMany, type SearchOptions } from '../src/truthgraph/search/vector-search.ts';
import { quantile } from '../src/perf/stats/descriptive.ts';
import { bestRecallSetting, recommendSetting } from './support/index-recommendation.ts';
import { markdownTable } from './support/markdown-table.ts';
import { recordDatabase, recordFixture, recordPack } from './support/run-context.ts';

const SUITE = 'vector-search';
const K = 10;
const cacheDir = defaultCacheDir();
/** The run's engine, known before the tests are collected: the targets depend on it. */
const ENGINE = (await testServerPlan()).engine;

interface Grid {
  ivfflat: { lists: number[]; probes: number[] };
  hnsw: { m: number[]; efSearch: number[] };
}
const FULL_GRID: Grid = { ivfflat: { lists: [10, 25, 50, 100], probes: [1, 5, 10, 25] }, hnsw: { m: [8, 16], efSearch: [10, 20, 40, 100] } };
/**
 * 50k: one HNSW build takes 34-190 s on PGlite here (m 16, ef_construction 64), too long for every
 * run: it is built once per machine and its database restored from a cached dump afterwards
 * (index-fixture.ts). ef_search 80 is the product's default.
 */
const REDUCED_GRID: Grid = {
  // probes 50 added at 50k (beyond the seed grid): probes 25 stops just short of recall@10 0.95 there.
  ivfflat: { lists: [50, 100], probes: [1, 5, 10, 25, 50] },
  hnsw: { m: [16], efSearch: [40, 80, 100, 200] },
};
/** Sizes whose HNSW index comes from the once-per-machine fixture (no build-time metric there). */
const CACHED_HNSW_FROM = 50_000;
const QUICK_GRID: Grid = { ivfflat: { lists: [10, 25], probes: [1, 10] }, hnsw: { m: [16], efSearch: [10, 40] } };
const EF_CONSTRUCTION = 64;

const SIZES: Array<{ size: number; grid: Grid }> = perf.quick
  ? [{ size: 1_000, grid: QUICK_GRID }]
  : [
      { size: 1_000, grid: FULL_GRID },
      { size: 5_000, grid: FULL_GRID },
      { size: 10_000, grid: FULL_GRID },
      { size: 50_000, grid: REDUCED_GRID },
    ];

/**
 * Our advisory latency targets for the best setting with recall@10 >= 0.95, per engine: PGlite
 * (wasm, one query at a time) and a real Postgres server, whose searches cost a fraction of PGlite's.
 */
const P95_TARGET_MS: Record<number, number> = ENGINE === 'postgres' ? { 10_000: 2, 50_000: 5 } : { 10_000: 5, 50_000: 10 };
/** Our advisory ingest target on a real Postgres server: 10k passages with their embeddings in under 2 s. */
const INGEST_TARGET_MS: Record<number, number> = ENGINE === 'postgres' ? { 10_000: 2_000 } : {};
const RECALL_TARGET = 0.95;
const FLOOR_MS = 3_000;
const FLOOR_RECALL_AT_1 = 0.95;
/** Relative bound on ANN recall between runs (see recordRecall). */
const ANN_RECALL_BOUND = 0.1;
/**
 * IVFFlat at a mid-recall setting varies more between builds (unseeded k-means): measured at 5k,
 * lists 50 probes 10, recall@10 0.642 in one full run and 0.730 in the next. A broken index or
 * distance operator still drops recall far beyond this bound.
 */
const IVFFLAT_RECALL_BOUND = 0.3;

/**
 * lists ~ sqrt(rows) snapped to the grid (1k: 25, 5k: 50, 10k/50k: 100). pgvector's rows/1000 rule
 * gives 10 below 10k, where probes 10 scans every list: an exact scan in disguise, not a canonical ANN.
 */
function canonicalLists(size: number, lists: readonly number[]): number {
  const want = Math.sqrt(size);
  return [...lists].sort((a, b) => Math.abs(a - want) - Math.abs(b - want) || a - b)[0]!;
}

interface GridPoint {
  size: number;
  setting: string;
  mode: 'exact' | 'ivfflat' | 'hnsw';
  index: string;
  knob: string;
  p50Ms: number;
  p95Ms: number;
  recallAt1: number;
  recallAt10: number;
  roundTripsPerQuery: number;
  pareto?: boolean;
  recommended?: boolean;
}

let db: Database;
let embedder: Embedder;
let queries: Float32Array[];
let modelId: string;
const points: GridPoint[] = [];
const builds: Array<IndexBuildResult & { size: number }> = [];
const fixtures: Array<{ size: number; spec: IndexSpec; source: 'built' | 'restored'; ms: number; sizeBytes: number }> = [];
const LARGEST = Math.max(...SIZES.map((s) => s.size));
const ingests: Array<{ size: number; rows: number; ms: number; rowsPerSecond: number; fromCache: boolean; embedMs: number }> = [];
const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

beforeAll(async () => {
  const [database, emb, sample, realWorld] = await Promise.all([
    openEphemeralDatabase(),
    loadEmbedder({ cacheDir, variant: 'int8' }),
    loadSampleDataset(),
    loadRealWorldDataset(),
  ]);
  db = database;
  embedder = emb;
  modelId = `${embedder.pack.id}:${embedder.pack.variant}`;
  // Queries: the fixture claims, embedded by the same pack as the corpus (what the pipeline searches with).
  const claims = [...sample.claims, ...realWorld.claims].map((c) => c.text);
  queries = await embedder.embed(perf.quick ? claims.slice(0, 40) : claims);
  recordPack(embedder.pack);
  recordDatabase(db.engine);
  recordFixture('test_claims.json');
  recordFixture('real_world_claims.json');
  recordFixture('evidence_corpus.json');
});

afterAll(async () => {
  if (points.length > 0) writeRecommendations();
  await Promise.allSettled([db?.close(), embedder?.dispose()]);
});

function describePoint(p: GridPoint): (string | number)[] {
  return [p.setting, p.p50Ms, p.p95Ms, p.recallAt1, p.recallAt10, p.pareto ? 'yes' : '', p.recommended ? '**recommended**' : ''];
}

function writeRecommendations(): void {
  const sections: string[] = [`# Vector search: index parameters per corpus size (${db.engine.engine} ${db.engine.postgresVersion}, pgvector ${db.engine.pgvectorVersion}; ${embedder.pack.id} ${embedder.pack.variant}${embedder.pack.synthetic ? ' (synthetic)' : ''}; ${queries.length} claim queries, k=${K})`];
  sections.push(
    'Recommended = the lowest p95 among settings with recall@1 and recall@10 >= 0.95 (Pareto front: no other setting is both faster at p95 and better at recall@10). Latency is one query per search as a user issues it; recall is against exact search on the same queries.',
  );
  for (const { size } of SIZES) {
    const rows = points.filter((p) => p.size === size);
    if (rows.length === 0) continue;
    sections.push(`## ${size.toLocaleString('en')} passages`, markdownTable(['setting', 'p50 ms', 'p95 ms', 'recall@1', 'recall@10', 'pareto', ''], rows.map(describePoint)));
    const b = builds.filter((x) => x.size === size);
    const f = fixtures.filter((x) => x.size === size);
    if (b.length > 0 || f.length > 0) {
      const rowsOf = [
        ...b.map((x) => [describeSpec(x.spec), round(x.buildMs), round(x.sizeBytes / 2 ** 20)]),
        ...f.map((x) => [`${describeSpec(x.spec)} (${x.source === 'restored' ? `restored from the cached dump in ${round(x.ms)} ms` : 'built, then cached for later runs'})`, x.source === 'built' ? round(x.ms) : '', round(x.sizeBytes / 2 ** 20)]),
      ];
      sections.push(markdownTable(['index', 'build ms', 'size MB'], rowsOf));
    }
  }
  sections.push('## Ingest', markdownTable(['size', 'rows', 'ingest ms', 'rows/s', 'embeddings from cache'], ingests.map((i) => [i.size, i.rows, round(i.ms), round(i.rowsPerSecond), i.fromCache ? 'yes' : `no (embedded in ${round(i.embedMs / 1000)} s)`])));
  const markdown = sections.join('\n\n') + '\n';
  const recommended = points.filter((p) => p.recommended);
  const buildRows = builds.map(({ spec, size, buildMs, sizeBytes, rows }) => ({ size, spec, buildMs, sizeBytes, rows }));
  perf.attach(SUITE, 'index-recommendations', { k: K, queries: queries.length, recommended, points, builds: buildRows, ingests }, markdown);
}

function describeSpec(spec: IndexSpec): string {
  return spec.kind === 'ivfflat' ? `ivfflat lists=${spec.lists}` : `hnsw m=${spec.m} efc=${spec.efConstruction}`;
}

/** Marks the Pareto front (p95 vs recall@10) and the recommended setting of one size. */
function markPareto(size: number): GridPoint | undefined {
  return recommendSetting(points.filter((p) => p.size === size), { recallAt10: RECALL_TARGET, recallAt1: FLOOR_RECALL_AT_1 });
}

for (const { size, grid } of SIZES) {
  describe(`${size} passages`, () => {
    let exactIds: string[][];
    let exactTop1: string[][];
    let corpusKey = '';
    const benches = new Map<string, SearchBench>();

    const options = (mode: SearchOptions['mode'], knobs: Partial<SearchOptions> = {}): SearchOptions => ({ mode, k: K, modelId, ...knobs });

    /** Latency samples + recall@10 (per query, as users search) and recall@1 (k=1 batch, same knobs). */
    async function bench(setting: string, index: string, knob: string, opts: SearchOptions, target: Database = db): Promise<GridPoint> {
      const b = await benchSearch(target, queries, opts, { exactIds, warmup: 5 });
      const top1 = (await searchMany(target, queries, { ...opts, k: 1 })).map((hits) => hits.map((h) => h.evidenceId));
      benches.set(setting, b);
      const point: GridPoint = {
        size,
        setting,
        mode: opts.mode,
        index,
        knob,
        p50Ms: round(b.p50Ms),
        p95Ms: round(b.p95Ms),
        recallAt1: round(meanRecallAtK(exactTop1, top1, 1), 4),
        recallAt10: round(b.recallAtK, 4),
        roundTripsPerQuery: b.roundTripsPerQuery,
      };
      points.push(point);
      return point;
    }

    function recordLatency(name: string, b: SearchBench, floor: boolean, target?: Budget): MetricResult {
      return record(name, b.samplesMs, {
        ...(target && { target }),
        unit: 'ms',
        direction: 'lower',
        kind: 'timing',
        // Search latencies are milliseconds of wall clock through the embedded server: 10%. Between
        // whole A/A runs on our shared host they drifted up to +29% (50k IVFFlat probes 10) with tight
        // within-run CIs: judge a change with `--base` (lockstep rounds carry that drift in their
        // interval), and a stored baseline from a differently loaded machine is advisory.
        tolerance: 0.1,
        ...(floor && { budget: { max: FLOOR_MS, statistic: 'p95', source: 'seed floor 2.3: < 3 s per search (stated at 10k)' } }),
      });
    }

    /**
     * ANN recall with a stated bound instead of exact equality: pgvector seeds neither IVFFlat's
     * k-means initialisation nor HNSW's level draws, so two builds on the same data differ (measured:
     * up to 0.05 absolute on 40-53 queries, i.e. one or two queries). Exact-search recall is exact.
     */
    function recordRecall(name: string, value: number, bound = ANN_RECALL_BOUND, target?: Budget): MetricResult {
      return record(name, value, { unit: 'recall', direction: 'higher', tolerance: bound, ...(target && { target }) });
    }

    it('ingests the embedded corpus', async () => {
      const embedding = perf.progress.task(`corpus ${LARGEST.toLocaleString('en-US')}: embedding (once per machine, then cached)`, { total: LARGEST, unit: 'passages' });
      const corpus = await loadOrBuildEmbeddedCorpus(size, embedder, { cacheDir, supersetSize: LARGEST, onProgress: (done) => embedding.update(done) });
      embedding.end(corpus.fromCache ? 'from cache' : undefined);
      corpusKey = corpus.key;
      perf.context.addDataset({ name: `generated corpus ${size} (seed 42) + ${embedder.pack.id} ${embedder.pack.variant} embeddings`, hash: corpus.key });
      await truncateAll(db);
      await dropVectorIndexes(db);
      const items = corpus.corpus.items.map((p, i) => ({
        evidence: { id: p.id, content: p.content, source: p.source, url: p.url, category: p.category },
        embedding: corpus.vectors[i]!,
      }));
      const ingest = perf.progress.task(`${size.toLocaleString('en-US')} passages: ingest`, { total: items.length, unit: 'rows' });
      const model = { id: modelId, hash: embedder.pack.hash };
      const { report, ms, rowsPerSecond } = await benchIngest(db, items, { model, onChunk: (done) => ingest.update(done) });
      ingest.end();
      expect(report.failed).toEqual([]);
      expect(report.embeddings).toBe(size);
      await db.query('ANALYZE embeddings');
      ingests.push({ size, rows: report.written, ms, rowsPerSecond, fromCache: corpus.fromCache, embedMs: corpus.embedMs });
      const ingestTarget = INGEST_TARGET_MS[size];
      const result = record(`${size}: ingest`, rowsPerSecond, {
        unit: 'rows/s',
        direction: 'higher',
        kind: 'timing',
        tolerance: 0.1,
        // As a rate: size rows in under ingestTarget ms.
        ...(ingestTarget !== undefined && {
          target: { min: Math.round((size / ingestTarget) * 1000), statistic: 'median', source: `ours: ${size} ingest < ${ingestTarget / 1000} s (this run: ${(ms / 1000).toFixed(2)} s)` },
        }),
      });
      expect(result).not.toRegress();
      const exact = await searchMany(db, queries, options('exact'));
      exactIds = exact.map((hits) => hits.map((h) => h.evidenceId));
      exactTop1 = exactIds.map((ids) => ids.slice(0, 1));
      expect(exactIds.every((ids) => ids.length === K)).toBe(true);
    });

    it('exact scan', async () => {
      await bench('exact', 'none', '', options('exact'));
      const result = recordLatency(`${size}: exact latency`, benches.get('exact')!, true);
      expect(result).toMeetBudget();
      expect(result).not.toRegress();
    });

    const canonical = canonicalLists(size, grid.ivfflat.lists);
    for (const lists of grid.ivfflat.lists) {
      it(`ivfflat lists=${lists}: build + probes ${grid.ivfflat.probes.filter((p) => p <= lists).join('/')}`, async () => {
        const built = await perf.progress.step(`${size.toLocaleString('en-US')} passages: ivfflat lists=${lists} build`, () => buildVectorIndex(db, { kind: 'ivfflat', lists }));
        builds.push({ ...built, size });
        for (const probes of grid.ivfflat.probes.filter((p) => p <= lists)) {
          await bench(`ivfflat lists=${lists} probes=${probes}`, `ivfflat lists=${lists}`, `probes=${probes}`, options('ivfflat', { probes }));
        }
        record(`${size}: ivfflat lists=${lists} build`, built.buildMs, { unit: 'ms', direction: 'lower', kind: 'timing', tolerance: 0.5 });
        record(`${size}: ivfflat lists=${lists} size`, built.sizeBytes, { unit: 'bytes', direction: 'lower', tolerance: 0.02 });
        if (lists === canonical) {
          const name = `${size}: ivfflat lists=${lists} probes=10`;
          const b = benches.get(`ivfflat lists=${lists} probes=10`)!;
          const point = points.find((p) => p.size === size && p.setting === `ivfflat lists=${lists} probes=10`)!;
          const results = [recordLatency(`${name} latency`, b, true), recordRecall(`${name} recall@1`, point.recallAt1, IVFFLAT_RECALL_BOUND), recordRecall(`${name} recall@10`, point.recallAt10, IVFFLAT_RECALL_BOUND)];
          expect(results[0]).toMeetBudget();
          expect(results).not.toRegress();
        }
      });
    }

    for (const m of grid.hnsw.m) {
      it(`hnsw m=${m}: build + ef_search ${grid.hnsw.efSearch.join('/')}`, async () => {
        const spec: IndexSpec = { kind: 'hnsw', m, efConstruction: EF_CONSTRUCTION };
        let target = db;
        let closeTarget = async (): Promise<void> => {};
        if (size >= CACHED_HNSW_FROM) {
          const fixture = await indexFixture(db, spec, { corpusKey, modelId, rows: size }, cacheDir, perf.progress);
          fixtures.push({ size, spec, source: fixture.source, ms: fixture.ms, sizeBytes: fixture.sizeBytes });
          [target, closeTarget] = [fixture.db, fixture.close];
        } else {
          const built = await perf.progress.step(`${size.toLocaleString('en-US')} passages: hnsw m=${m} build`, () => buildVectorIndex(db, spec));
          builds.push({ ...built, size });
          record(`${size}: hnsw m=${m} build`, built.buildMs, { unit: 'ms', direction: 'lower', kind: 'timing', tolerance: 0.5 });
          // HNSW levels are random per build: its size gets a stated bound instead of exact equality.
          record(`${size}: hnsw m=${m} size`, built.sizeBytes, { unit: 'bytes', direction: 'lower', tolerance: 0.05 });
        }
        try {
          for (const efSearch of grid.hnsw.efSearch) {
            await bench(`hnsw m=${m} ef_search=${efSearch}`, `hnsw m=${m} efc=${EF_CONSTRUCTION}`, `ef_search=${efSearch}`, options('hnsw', { efSearch }), target);
          }
        } finally {
          await closeTarget();
        }
        if (m === 16 && grid.hnsw.efSearch.includes(40)) {
          const name = `${size}: hnsw m=16 ef_search=40`;
          const point = points.find((p) => p.size === size && p.setting === 'hnsw m=16 ef_search=40')!;
          const results = [
            recordLatency(`${name} latency`, benches.get('hnsw m=16 ef_search=40')!, true),
            recordRecall(`${name} recall@1`, point.recallAt1),
            recordRecall(`${name} recall@10`, point.recallAt10),
          ];
          expect(results[0]).toMeetBudget();
          expect(results).not.toRegress();
        }
      });
    }

    it('recommends the Pareto-best setting', async () => {
      const best = markPareto(size);
      const any = points.filter((p) => p.size === size && p.mode !== 'exact').sort((a, b) => b.recallAt1 - a.recallAt1)[0]!;
      const target = P95_TARGET_MS[size];
      const bestRecall = bestRecallSetting(points.filter((p) => p.size === size))!;
      if (target !== undefined) {
        // Our latency target is stated at recall@10 >= 0.95: whether the grid reaches that recall
        // at all is part of the target (when it does not, this is where the report says so).
        recordRecall(`${size}: best ANN recall@10 in the grid`, bestRecall.recallAt10, ANN_RECALL_BOUND, {
          min: RECALL_TARGET,
          source: `ours: a setting with recall@10 >= ${RECALL_TARGET} at ${size} (best: ${bestRecall.setting})`,
        });
      }
      // Seed floor: some ANN setting reaches top-1 recall > 95% (exact search is 1.0 by definition).
      const top1 = record(`${size}: best ANN recall@1`, best?.recallAt1 ?? any.recallAt1, {
        unit: 'recall',
        direction: 'higher',
        tolerance: ANN_RECALL_BOUND,
        budget: { min: FLOOR_RECALL_AT_1, source: 'seed floor 2.3: top-1 recall > 95%' },
      });
      expect(top1).toMeetBudget();
      if (!best) return; // no grid setting reaches the recall bar: the recall target above says NOT MET

      // The recommended setting's latency, named with the setting: when two settings are close the
      // recommendation may change between runs, and a latency is only compared like for like (a new
      // setting is NEW, not a regression of the old one).
      const latency = recordLatency(
        `${size}: recommended ANN latency (recall@10 >= ${RECALL_TARGET}): ${best.setting}`,
        benches.get(best.setting)!,
        true,
        target === undefined ? undefined : { max: target, statistic: 'p95', source: `ours: p95 < ${target} ms at ${size} with recall@10 >= ${RECALL_TARGET}` },
      );
      expect(latency).toMeetBudget();
      expect(quantile(benches.get(best.setting)!.samplesMs, 0.95)).toBeLessThan(FLOOR_MS);
    });
  });
}

describe('round trips', () => {
  it('one search is a constant number of round trips, whatever k', async () => {
    const at = async (k: number): Promise<number> =>
      (await db.measure(`search k=${k}`, () => searchMany(db, [queries[0]!], { mode: 'exact', k, modelId }))).stats.roundTrips;
    const [k1, k10, k50] = [await at(1), await at(10), await at(50)];
    // Recorded and judged first: one round trip per search by design (src/truthgraph/search: one statement,
    // session knobs sent only when they change), at k 1, 10 and 50.
    const design = { max: 1, source: 'ours: one round trip per search, whatever k' };
    const results = [
      record('search round trips per query', k10, { unit: 'count', direction: 'lower', budget: design }),
      record('search round trips per query at k=1', k1, { unit: 'count', direction: 'lower', budget: design }),
      record('search round trips per query at k=50', k50, { unit: 'count', direction: 'lower', budget: design }),
    ];
    expect(results).toMeetBudget();
    expect(results).not.toRegress();
    expect(k1).toBe(k10);
    expect(k50).toBe(k10);
  });
});
