// The instruction-count workloads: the product's CPU-bound paths, each declared once here.
// The instructions suite (perf-tests/instructions.perf.ts) hands this file's path to the harness,
// which bundles it and runs each workload in a plain Node process under callgrind. Product code is
// imported inside setup() so that listing the workloads stays cheap. Inputs are fixed (fixtures,
// seeded numbers): the same code must execute the same instructions on every run.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineInstructionWorkloads } from '../../src/perf/instructions/workload.ts';
import { DATASET_DIR, PROJECT_ROOT, defaultCacheDir } from '../../src/shared/paths.ts';
import { seededFloats } from '../support/seeded-floats.ts';

/** Claim and evidence texts of the sample datasets (fixed order). */
function sampleTexts(): { claims: string[]; evidence: string[] } {
  const read = (f: string): unknown => JSON.parse(readFileSync(path.join(DATASET_DIR, f), 'utf8'));
  const claims = (read('test_claims.json') as { claims: Array<{ text: string }> }).claims.map((c) => c.text);
  const evidence = (read('sample_evidence.json') as { evidence: Array<{ content: string }> }).evidence.map((e) => e.content);
  return { claims, evidence };
}

/** The embedder pack's tokenizer files, read directly (loadPack would hash the 90 MB model under valgrind). */
async function packTokenizer() {
  const { TextTokenizer } = await import('../../src/truthgraph/tokenize/tokenizer.ts');
  const models = path.join(defaultCacheDir(), 'models');
  const dir = readdirSync(models, { withFileTypes: true }).find((d) => d.isDirectory() && d.name.startsWith('minilm-l6-h384-'));
  if (!dir) throw new Error(`no minilm-l6-h384 pack under ${models}: build it with npx truthgraph models build minilm-l6-h384`);
  const json = (f: string): object => JSON.parse(readFileSync(path.join(models, dir.name, f), 'utf8')) as object;
  return new TextTokenizer(json('tokenizer.json'), json('tokenizer_config.json'));
}

/** NLI judgements for `n` evidence rows (seeded probabilities and similarities). */
function judgements(n: number, seed: number) {
  const u = seededFloats(n * 4, seed);
  return Array.from({ length: n }, (_, i) => {
    const [a, b, c] = [u[i * 4]! + 0.05, u[i * 4 + 1]! + 0.05, u[i * 4 + 2]! + 0.05];
    const s = a + b + c;
    return { evidenceId: `ev-${i}`, similarity: u[i * 4 + 3]!, probabilities: { entailment: a / s, neutral: b / s, contradiction: c / s } };
  });
}

export default defineInstructionWorkloads([
  {
    // Every operation does the same work (a fixed batch), so the N and 2N parts differ by exactly
    // N operations' worth: cycling through inputs would make the parts' input mixes differ.
    name: 'tokenize claim + evidence pairs',
    op: 'batch of 8 pairs',
    iterations: { quick: 3, full: 8 },
    async setup() {
      const tokenizer = await packTokenizer();
      const { claims, evidence } = sampleTexts();
      const pairs = Array.from({ length: 8 }, (_, k) => [evidence[k % evidence.length]!, claims[k % claims.length]!] as const);
      return () => pairs.map(([premise, hypothesis]) => tokenizer.encodePair(premise, hypothesis, 512).ids.length);
    },
  },
  {
    name: 'mean pooling + L2 normalisation',
    op: 'batch of 8 x 64 x 384',
    iterations: { quick: 1, full: 3 },
    async setup() {
      const { meanPoolNormalize } = await import('../../src/truthgraph/embedding/pooling.ts');
      const [batch, seq, dim] = [8, 64, 384];
      const hidden = Float32Array.from(seededFloats(batch * seq * dim, 7), (x) => x - 0.5);
      const lengths = Array.from({ length: batch }, (_, r) => 16 + ((r * 7) % (seq - 16)));
      return () => meanPoolNormalize(hidden, lengths, seq, dim);
    },
  },
  {
    name: 'verdict aggregation, 4 strategies',
    op: '16 claims x 20 evidence',
    iterations: { quick: 10, full: 25 },
    async setup() {
      const { aggregate, STRATEGY_NAMES } = await import('../../src/truthgraph/aggregation/index.ts');
      const sets = Array.from({ length: 16 }, (_, s) => judgements(20, 100 + s));
      return () => sets.map((js) => STRATEGY_NAMES.map((name) => aggregate(js, name).confidence));
    },
  },
  {
    name: 'SQL + parameters: store a batch of verifications and embeddings',
    op: 'batch of 16 claims',
    iterations: { quick: 2, full: 5 },
    async setup() {
      const { storeVerifications } = await import('../../src/truthgraph/db/repositories/verifications.ts');
      const { embeddingUpsertParams } = await import('../../src/truthgraph/db/repositories/embeddings.ts');
      // pg's own parameter encoding (arrays -> Postgres array literals), as it runs before a send.
      const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue: (v: unknown) => unknown };
      const { claims } = sampleTexts();
      const inputs = Array.from({ length: 16 }, (_, i) => ({
        claim: { text: claims[i % claims.length]!, externalId: `c-${i}` },
        verdict: 'SUPPORTED' as const,
        confidence: 0.8,
        scores: { entailment: 0.8, neutral: 0.15, contradiction: 0.05 },
        counts: { evidence: 10, supporting: 7, refuting: 1, neutral: 2 },
        pipelineVersion: 'workload',
        retrievalMethod: 'hnsw',
        timings: { embed: 1.5, search: 2.5, nli: 40, aggregate: 0.1 },
        nli: judgements(10, 200 + i).map((j) => ({ evidenceId: j.evidenceId, label: 'entailment' as const, ...j.probabilities, modelId: 'nli/int8' })),
      }));
      const vectors = Array.from({ length: 16 }, (_, i) => Float32Array.from(seededFloats(384, 300 + i)));
      const ids = vectors.map((_, i) => `c-${i}`);
      // The statement is captured instead of sent: this counts the client-side work of a batch
      // (validation, column arrays, pg's own parameter encoding); round trips are the
      // db-queries suite's subject.
      const capture = {
        async query(text: string, params: readonly unknown[] = []) {
          const encoded = params.map((p) => prepareValue(p));
          const nliIds = [String(text.length), String(encoded.length)];
          return { rows: inputs.map((_, i) => ({ claim_id: String(i + 1), verification_id: String(i + 1), nli_ids: nliIds })) };
        },
      };
      return async () => {
        const stored = await storeVerifications(capture as never, inputs);
        const params = embeddingUpsertParams('claim', { id: 'minilm/int8', hash: 'h' }, ids, vectors).map((p) => prepareValue(p));
        return stored.length + params.length;
      };
    },
  },
  {
    name: 'baseline JSON: parse + schema validation',
    op: 'baseline file of 40 metrics',
    iterations: { quick: 15, full: 40 },
    async setup() {
      const { mkdtempSync } = await import('node:fs');
      const os = await import('node:os');
      const { buildBaseline, readBaseline, writeBaseline } = await import('../../src/perf/baseline/store.ts');
      const { collectContext } = await import('../../src/perf/context/run-context.ts');
      // A generated baseline (40 timing metrics of 30 seeded samples), not a committed one: its
      // bytes must not change when the committed baselines are re-saved.
      const fixed = { cpuModel: 'workload', gitSha: null, gitDirty: null, osRelease: 'workload', totalMemoryBytes: 0 };
      const context = { ...collectContext(PROJECT_ROOT), ...fixed };
      const metrics = Array.from({ length: 40 }, (_, i) => ({
        name: `metric ${i}`, unit: 'ms', direction: 'lower' as const, kind: 'timing' as const,
        samples: Array.from(seededFloats(30, 500 + i), (x) => 10 + x),
      }));
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'icount-')), 'suite.full.json');
      writeBaseline(file, buildBaseline({ suite: 'suite', profile: 'full', environmentClass: 'workload', context, metrics, savedAt: new Date(0) }));
      return () => Object.keys(readBaseline(file)!.metrics).length;
    },
  },
  {
    name: 'statistics of one decision (bootstrap CI + Mann-Whitney U)',
    op: 'decision of 30 vs 30 samples',
    iterations: { quick: 1, full: 2 },
    async setup() {
      const { decide } = await import('../../src/perf/decision/decide.ts');
      const samples = (seed: number, scale: number) => Array.from(seededFloats(30, seed), (x) => scale * (100 + 4 * x));
      const metric = (seed: number, scale: number) => ({ name: 'm', unit: 'ms', direction: 'lower' as const, kind: 'timing' as const, samples: samples(seed, scale) });
      const [baseline, current] = [metric(11, 1), metric(12, 1.08)];
      return () => decide(current, baseline, { final: true }).status;
    },
  },
  {
    name: 'report rendering (terminal + Markdown + HTML)',
    op: 'run of 4 metrics',
    // Runs differed by up to 0.65% while the renderers built an ICU number formatter per number
    // (malloc churn, slow property lookups); with the formatters made once (report/format.ts) an
    // operation costs ~2.2 M instructions and 3 runs agreed within 0.07% at N = 3. N = 10 keeps
    // the measured parts well above the ~40 M-instruction marker + full GC that each part carries.
    iterations: { quick: 10, full: 20 },
    // Six warm-up calls, not two: V8's old space still grows from call to call here. Its pages
    // are now swept inside each part's marker (driver.ts), which is what removed the 0.6% outliers
    // (docs/instruction-counts.md); the longer warm-up alone did not.
    warmup: 60,
    async setup() {
      const { syntheticRun } = await import('../../src/perf/report/test-fixtures.ts');
      const { renderTerminal } = await import('../../src/perf/report/terminal.ts');
      const { renderSummaryMarkdown } = await import('../../src/perf/report/markdown.ts');
      const { renderHtml } = await import('../../src/perf/report/html.ts');
      const run = syntheticRun();
      return () => renderTerminal(run).length + renderSummaryMarkdown(run).length + renderHtml(run).length;
    },
  },
  {
    name: 'ONNX run: tiny BERT, 2 x 16 tokens, 1 intra-op thread',
    op: 'session.run',
    iterations: { quick: 30, full: 60 },
    async setup() {
      const { buildBertModel } = await import('../../src/truthgraph/models/onnx-graph.ts');
      const { generateWeights } = await import('../../src/truthgraph/models/weights.ts');
      const { createSession, ort } = await import('../../src/truthgraph/inference/session.ts');
      // A tiny graph of the product's BERT architecture: the full-size packs spend ~750 M
      // instructions in session creation alone, minutes under valgrind. One intra-op thread: the
      // count is the work, whatever the thread count (docs/instruction-counts.md).
      const spec = { name: 'tiny', kind: 'nli' as const, vocabSize: 1000, hidden: 64, layers: 2, heads: 2, ffn: 128, maxPositions: 64, typeVocab: 2, layerNormEps: 1e-12, seed: 17, id2label: { '0': 'contradiction', '1': 'entailment', '2': 'neutral' } };
      const vocab = { tokens: [], commonRank: new Int32Array(spec.vocabSize).fill(-1), hash: '' };
      // The graph goes in as bytes, not as a file under a random temp folder: a random path made
      // onnxruntime's string hashing and comparisons, and so malloc's later state, differ per run.
      const session = await createSession(buildBertModel(spec, generateWeights(spec, vocab), 'int8'), { threads: 1 });
      const [b, seq] = [2, 16];
      const ids = BigInt64Array.from({ length: b * seq }, (_, i) => BigInt(100 + ((i * 37) % 800)));
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
        input_ids: new ort.Tensor('int64', ids, [b, seq]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(b * seq).fill(1n), [b, seq]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(b * seq), [b, seq]),
      };
      return () => session.run(feeds);
    },
  },
]);
