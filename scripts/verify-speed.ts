// Measures the pipeline's speed targets on this machine: single-claim latency (k=10) and batch-of-100
// throughput, on embedded PGlite with the chosen packs. Noisy on shared machines: report with context.
// Usage: npx tsx scripts/verify-speed.ts [--variant fp32|int8] [--workers N] [--threads N] [--concurrency N] [--batch-size N] [--long]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { defaultCacheDir } from '../src/shared/paths.ts';
import { openEphemeralDatabase } from '../src/truthgraph/db/testing.ts';
import { loadEmbedder } from '../src/truthgraph/embedding/embedder.ts';
import { loadNli } from '../src/truthgraph/nli/nli.ts';
import { loadEdgeCaseDataset, loadRealWorldDataset, loadSampleDataset } from '../src/truthgraph/pipeline/datasets.ts';
import { loadDatasetEvidence } from '../src/truthgraph/pipeline/demo.ts';
import { createPipeline } from '../src/truthgraph/pipeline/runtime.ts';
import { percentiles } from '../src/perf/stats/index.ts';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'int8' },
    workers: { type: 'string', default: '0' },
    threads: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '100' },
    'nli-batch': { type: 'string', default: '16' },
    singles: { type: 'string', default: '40' },
    reps: { type: 'string', default: '3' },
    /** Include edge_cases/long_claims (1.2-1.7k chars: 512-token NLI pairs) in the batch mix. */
    long: { type: 'boolean', default: false },
  },
});
const variant = values.variant as 'fp32' | 'int8';
const cacheDir = defaultCacheDir();
const modelOptions = { cacheDir, variant, workers: Number(values.workers), threads: Number(values.threads) };
const [db, embedder, nli, ...datasets] = await Promise.all([
  openEphemeralDatabase(),
  loadEmbedder(modelOptions),
  loadNli({ ...modelOptions, batchSize: Number(values['nli-batch']) }),
  loadSampleDataset(),
  loadRealWorldDataset(),
  ...['adversarial_examples', 'ambiguous_evidence', 'contradictory_evidence', 'insufficient_evidence', 'long_claims', 'short_claims', 'special_characters'].map((n) => loadEdgeCaseDataset(n)),
]);
await loadDatasetEvidence(db, embedder, datasets);
const claims = [...new Set(datasets.filter((d) => values.long || d.name !== 'edge_long_claims').flatMap((d) => d.claims.map((c) => c.text)))];
const { verifier } = createPipeline({ db, embedder, nli }, { k: 10, concurrency: Number(values.concurrency), batchSize: Number(values['batch-size']) });
const evidenceCount = (await db.query<{ n: string }>('SELECT count(*) AS n FROM evidence')).rows[0]!.n;
console.log(`${claims.length} distinct fixture claims, ${evidenceCount} evidence; ${db.engine.engine} ${db.engine.postgresVersion}; packs ${embedder.pack.id} / ${nli.pack.id} (${variant}, workers ${values.workers}, threads ${values.threads})`);

// Single claims: warm-up, then distinct claims (no cache hits), wall time around verifyClaim.
for (const c of claims.slice(0, 5)) await verifier.verifyClaim(c, { store: false });
const walls: number[] = [];
const ratios: number[] = [];
const stages = { embed: [] as number[], retrieve: [] as number[], nli: [] as number[], aggregate: [] as number[], store: [] as number[] };
const singleCpu: number[] = [];
for (let i = 0; i < Number(values.singles); i++) {
  const text = `${claims[i % claims.length]} (single ${i})`;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await verifier.verifyClaim(text);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  singleCpu.push((c.user + c.system) / 1000);
  walls.push(wall);
  const t = r.timings;
  ratios.push((t.embed + t.retrieve + t.nli + t.aggregate + t.store) / wall);
  for (const k of Object.keys(stages) as (keyof typeof stages)[]) stages[k].push(t[k]);
}
const [p50, p95] = percentiles(walls, [50, 95]);
const med = (xs: number[]) => percentiles(xs, [50])[0]!.toFixed(1);
console.log(`single claim (k=10, evidence used ${10}): p50 ${p50!.toFixed(1)} ms, p95 ${p95!.toFixed(1)} ms over ${walls.length}`);
console.log(`  median stages: embed ${med(stages.embed)} | retrieve ${med(stages.retrieve)} | nli ${med(stages.nli)} | aggregate ${med(stages.aggregate)} | store ${med(stages.store)} ms`);
console.log(`  this process's CPU time per claim (all threads; less sensitive to other load than wall time): median ${med(singleCpu)} ms`);
console.log(`  stage sum / caller-measured wall: min ${(Math.min(...ratios) * 100).toFixed(1)}%, median ${(percentiles(ratios, [50])[0]! * 100).toFixed(1)}%`);

// Batch of 100 distinct claims.
const batch = Array.from({ length: 100 }, (_, i) => `${claims[i % claims.length]}${i >= claims.length ? ` (variant ${i})` : ''}`);
const rates: number[] = [];
for (let rep = 0; rep < Number(values.reps); rep++) {
  const tagged = batch.map((c) => `${c} [rep ${rep}]`);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await verifier.verifyClaims(tagged);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  rates.push(100 / (wall / 1000));
  console.log(`  CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s for 100 claims (wall ${(wall / 1000).toFixed(1)} s)`);
  const t = results[0]!.timings;
  console.log(`batch of 100: ${(wall / 1000).toFixed(2)} s = ${(100 / (wall / 1000)).toFixed(1)} claims/s; first batch stages embed ${t.embed.toFixed(0)} | retrieve ${t.retrieve.toFixed(0)} | nli ${t.nli.toFixed(0)} | store ${t.store.toFixed(0)} | total ${t.total.toFixed(0)} ms; pairs ${results.reduce((s, r) => s + r.evidence.length, 0)}`);
}
console.log(`batch of 100 median: ${percentiles(rates, [50])[0]!.toFixed(1)} claims/s`);
await Promise.allSettled([db.close(), embedder.dispose(), nli.dispose()]);
