// `truthgraph demo`: on a fresh checkout, load the sample evidence (fixtures/truthgraph, CC BY 4.0) into
// the database (embedded PGlite by default), verify the sample claims, and show what happened.
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { loadSampleDataset } from '../../truthgraph/pipeline/datasets.ts';
import { loadDatasetEvidence } from '../../truthgraph/pipeline/demo.ts';
import { openPipeline } from '../../truthgraph/pipeline/runtime.ts';
import { summariseRun } from '../../truthgraph/pipeline/summary.ts';
import type { RegisterCommands } from '../command-context.ts';
import { addRuntimeFlags, runtimeConfigFrom, verifyOptionsFromFlags, type VerifyFlags } from './verify.ts';
import { formatSummary } from './verify-render.ts';

export const register: RegisterCommands = (program, ctx) => {
  const cmd: Command = program
    .command('demo')
    .description('load the sample corpus into the database and verify the sample claims (the whole pipeline in one command)')
    .option('-k, --k <n>', 'evidence items per claim')
    .option('--json', 'machine-readable output');
  addRuntimeFlags(cmd).action(async (flags: VerifyFlags) => {
    const { io } = ctx;
    const log = (line: string): void => void (flags.json ? undefined : io.stderr(`${line}\n`));
    const dataset = await loadSampleDataset();
    const runtime = await openPipeline(runtimeConfigFrom(flags, verifyOptionsFromFlags(flags), ctx), { log, warn: (line) => io.stderr(`${line}\n`) });
    try {
      log(`loading ${dataset.evidence.length} sample evidence passages (TruthGraph sample datasets, CC BY 4.0) ...`);
      const ingest = await loadDatasetEvidence(runtime.db, runtime.embedder, [dataset]);
      log(`stored ${ingest.written} evidence items with ${ingest.embeddings} embeddings (${runtime.embedder.pack.id})`);
      const start = performance.now();
      const results = await runtime.verifier.verifyClaims(dataset.claims.map((c) => ({ text: c.text, externalId: c.id })));
      const summary = summariseRun(results, performance.now() - start);
      const linked = dataset.claims.filter((c) => c.evidenceIds.length > 0);
      const linkedHits = linked.filter((c) => results[dataset.claims.indexOf(c)]!.evidence.some((e) => c.evidenceIds.includes(e.id))).length;
      const agree = dataset.claims.filter((c, i) => c.expectedVerdict === results[i]!.verdict).length;
      if (flags.json) {
        io.stdout(JSON.stringify({ ingest, summary, linkedEvidenceRetrieved: { hits: linkedHits, of: linked.length }, expectedVerdictAgreement: { agree, of: dataset.claims.length }, results }, null, 2) + '\n');
        return;
      }
      const lines = results.map((r, i) => {
        const c = dataset.claims[i]!;
        const text = [...c.text].length > 60 ? `${[...c.text].slice(0, 59).join('')}…` : c.text;
        return `  ${c.id.padEnd(9)} ${r.verdict.padEnd(12)} ${r.confidence.toFixed(2)}  (expected ${(c.expectedVerdict ?? '?').padEnd(12)}) ${text}`;
      });
      io.stdout(
        [
          `verified ${results.length} sample claims against ${ingest.written} evidence passages:`,
          ...lines,
          '',
          formatSummary(summary).trimEnd(),
          `linked evidence retrieved in the top ${runtime.verifier.options.k}: ${linkedHits}/${linked.length} claims`,
          `agreement with the dataset's expected verdicts: ${agree}/${dataset.claims.length}` +
            (summary.synthetic ? ' (meaningless with synthetic packs)' : ''),
          '',
          'next: npx truthgraph verify "your claim"   (uses the same database)',
        ].join('\n') + '\n',
      );
    } finally {
      await runtime.close();
    }
  });
};
