// `truthgraph verify "claim"` and `truthgraph verify --file claims.json|jsonl --out results.json`.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { STRATEGY_NAMES } from '../../truthgraph/aggregation/index.ts';
import { UserError } from '../../shared/errors.ts';
import { readClaimsFile, writeFileAtomic } from '../../truthgraph/pipeline/claims-file.ts';
import { normaliseClaim } from '../../truthgraph/pipeline/normalise.ts';
import type { VerifyOptionsInput } from '../../truthgraph/pipeline/options.ts';
import { openPipeline, resolveRuntimeConfig, type ModelChoice, type RuntimeConfig } from '../../truthgraph/pipeline/runtime.ts';
import { addDbFlags, dbConfigFrom, type DbFlags } from './db-flags.ts';
import { intFlag } from './model-flags.ts';
import { summariseRun } from '../../truthgraph/pipeline/summary.ts';
import { RETRIEVAL_MODES } from '../../truthgraph/pipeline/types.ts';
import type { CommandContext } from '../command-context.ts';
import type { RegisterCommands } from '../command-context.ts';
import { DEFAULT_VARIANT, VARIANT_CHOICES, type VariantChoice } from '../../truthgraph/models/spec.ts';
import { formatResult, formatSummary } from './verify-render.ts';
import { textOrStdin } from '../text-input.ts';
import { requireCorpus } from '../corpus-errors.ts';
import { rerunAfterDatabaseLoss } from '../fix-command.ts';
import { runKeyOf } from '../../truthgraph/pipeline/run-key.ts';

export interface VerifyFlags extends DbFlags, RuntimeModelFlags {
  file?: string;
  out?: string;
  k?: string;
  minSimilarity?: string;
  mode?: string;
  strategy?: string;
  batchSize?: string;
  concurrency?: string;
  json?: boolean;
  store?: boolean;
}

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UserError(`--${name} must be an integer, got "${value}"`, { fix: `e.g. --${name} 10` });
  return n;
}

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UserError(`--${name} must be a number, got "${value}"`, { fix: `e.g. --${name} 0.2` });
  return n;
}

export function verifyOptionsFromFlags(flags: VerifyFlags): VerifyOptionsInput {
  return {
    k: int(flags.k, 'k'),
    minSimilarity: num(flags.minSimilarity, 'min-similarity'),
    mode: flags.mode as VerifyOptionsInput['mode'],
    strategy: flags.strategy as VerifyOptionsInput['strategy'],
    batchSize: int(flags.batchSize, 'batch-size'),
    concurrency: int(flags.concurrency, 'concurrency'),
    ...(flags.store === false ? { store: false } : {}),
  };
}

export interface RuntimeModelFlags {
  embedder?: string;
  nli?: string;
  variant?: VariantChoice;
  workers?: string;
}

/** Flags shared by `verify` and `demo`: database (the db commands' flags) and model packs. */
export function addRuntimeFlags(cmd: Command): Command {
  return addDbFlags(cmd)
    .option('--embedder <pack>', 'embedding model pack (synthetic name, pack folder or hub id)')
    .option('--nli <pack>', 'NLI model pack (synthetic name, pack folder or hub id)')
    .addOption(new Option('--variant <variant>', `model weights variant (default ${DEFAULT_VARIANT}: int8 when the pack has it)`).choices(VARIANT_CHOICES))
    .option('--workers <n>', 'per model: 0 = in-process session, N = N worker threads with 1-thread sessions');
}

export function runtimeConfigFrom(flags: DbFlags & RuntimeModelFlags, verify: VerifyOptionsInput, ctx: CommandContext): RuntimeConfig {
  const models: ModelChoice = { embedder: flags.embedder, nli: flags.nli, variant: flags.variant, workers: intFlag(flags.workers, 'workers') };
  return resolveRuntimeConfig(dbConfigFrom(flags, ctx.io), models, verify);
}

async function runVerify(claimArg: string | undefined, flags: VerifyFlags, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const claim = claimArg === undefined ? undefined : await textOrStdin(claimArg, io);
  if (claim !== undefined && flags.file) throw new UserError('pass either a claim or --file, not both', { fix: 'truthgraph verify "claim"  or  truthgraph verify --file claims.jsonl' });
  if (claim === undefined && !flags.file) throw new UserError('nothing to verify', { fix: 'truthgraph verify "Water boils at 100 degrees Celsius at sea level"  or  --file claims.jsonl' });
  if (flags.out && !flags.file) throw new UserError('--out only applies to --file batch mode', { fix: 'add --file claims.jsonl' });
  // Read and validate the whole input before opening models or the database (malformed line N fails here).
  const claims = flags.file ? await readClaimsFile(path.resolve(io.cwd, flags.file)) : undefined;
  const config = runtimeConfigFrom(flags, verifyOptionsFromFlags(flags), ctx);
  if (claim !== undefined) normaliseClaim(claim, config.verify.maxClaimChars); // an empty claim fails before any loading
  else claims!.forEach((c, i) => {
    try {
      normaliseClaim(c.text, config.verify.maxClaimChars);
    } catch (error) {
      throw new UserError(`${flags.file}: claim ${i + 1}: ${(error as Error).message}`, { fix: 'fix or remove that claim and rerun; nothing was verified or written' });
    }
  });
  const log = (line: string): void => void (flags.json ? undefined : io.stderr(`${line}\n`));
  const runtime = await openPipeline(config, { log, warn: (line) => io.stderr(`${line}\n`) });
  try {
    requireCorpus(runtime.corpus, ctx.argv);
    if (claims === undefined) {
      const result = await runtime.verifier.verifyClaim(claim!);
      io.stdout(flags.json ? JSON.stringify(result, null, 2) + '\n' : formatResult(result));
      return;
    }
    // Claims stored by an earlier, interrupted run of the same file and options are not stored again.
    const runKey = runKeyOf(claims, runtime.verifier.options, { embedder: runtime.embedder.pack, nli: runtime.nli.pack });
    let done = 0;
    const bar = io.isTTY && !flags.json ? new cliProgress.SingleBar({ format: 'verifying [{bar}] {value}/{total} claims | {eta}s left', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
    bar?.start(claims.length, 0);
    const start = performance.now();
    let results;
    try {
      results = await runtime.verifier.verifyClaims(claims, { runKey }, (p: { done: number }) => {
        done = p.done; // not inside bar?.update(...): without a bar (no terminal) its argument is never evaluated
        bar?.update(done);
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      throw new UserError(`${error.message}\n  ${done} of ${claims.length} claims were verified and stored before it stopped (one transaction per batch: no batch is half-stored)`, {
        fix: rerunAfterDatabaseLoss(ctx.argv, runtime.db.server.provider, error.fix, 'claims this run already stored are kept, not stored twice'),
        cause: error,
      });
    } finally {
      bar?.stop();
    }
    const summary = summariseRun(results, performance.now() - start);
    if (flags.out) {
      const out = path.resolve(io.cwd, flags.out);
      await writeFileAtomic(out, JSON.stringify({ summary, results }, null, 2) + '\n');
      if (!flags.json) io.stderr(`wrote ${results.length} results to ${out}\n`);
    }
    io.stdout(flags.json ? JSON.stringify(flags.out ? summary : { summary, results }, null, 2) + '\n' : formatSummary(summary));
  } finally {
    await runtime.close();
  }
}

export const register: RegisterCommands = (program, ctx) => {
  const cmd = program
    .command('verify')
    .description('verify a claim (or a file of claims) against the evidence store: verdict, confidence, evidence, timings')
    .argument('[claim]', 'the claim text (`-` = all of stdin as one claim)')
    .option('--file <path>', 'batch mode: a .json array / {claims: [...]} or .jsonl file of claims (validated whole before any work)')
    .option('--out <path>', 'batch mode: write every result + summary as JSON (atomically)')
    .option('-k, --k <n>', 'evidence items to retrieve per claim', undefined)
    .option('--min-similarity <x>', 'drop evidence below this cosine similarity')
    .addOption(new Option('--mode <mode>', 'retrieval mode').choices([...RETRIEVAL_MODES]))
    .addOption(new Option('--strategy <name>', 'verdict aggregation strategy').choices([...STRATEGY_NAMES]))
    .option('--batch-size <n>', 'claims per pipeline batch')
    .option('--concurrency <n>', 'batches in flight')
    .option('--no-store', 'do not write results to the database')
    .option('--json', 'machine-readable output');
  addRuntimeFlags(cmd).action((claim: string | undefined, flags: VerifyFlags) => runVerify(claim, flags, ctx));
};
