// `truthgraph profile embeddings|nli`: the seed's profiling tables (throughput and memory by batch
// size, by text length, fp32 and int8), with the raw ORT throughput at the same token shapes.
import type { Command } from 'commander';
import { defaultCacheDir } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import { LENGTH_CLASSES, profileEmbeddings, profileNli, type LengthClass, type ProfileRow } from '../../../perf-tests/workloads/model-profile.ts';
import { VARIANTS, type Variant } from '../../truthgraph/models/spec.ts';
import type { CommandContext } from '../command-context.ts';
import type { RegisterCommands } from '../command-context.ts';
import { intFlag } from './model-flags.ts';

const DEFAULT_BATCHES = { embeddings: [8, 16, 32, 64, 128], nli: [1, 4, 8, 16, 32] };

function list<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()) as T[];
  const bad = items.find((i) => !allowed.includes(i));
  if (bad) throw new UserError(`--${name}: unknown value "${bad}"`, { fix: `use a comma-separated subset of ${allowed.join(',')}` });
  return items;
}

/** One table row per measurement, aligned columns. Pure: rows in, text out. */
export function renderProfileRows(rows: readonly ProfileRow[]): string {
  const unit = rows[0]?.service === 'nli' ? 'pairs/s' : 'texts/s';
  const header = ['variant', 'batch', 'length', 'chars', 'tokens', unit, `raw ${unit}`, 'eff', 'rss MB', 'peak MB'];
  const body = rows.map((r) => [
    r.variant, String(r.batchSize), r.length, String(r.meanChars), String(r.meanTokens),
    r.itemsPerSec.toFixed(0), r.rawItemsPerSec.toFixed(0), `${(r.efficiency * 100).toFixed(0)}%`, String(r.rssMb), String(r.peakRssMb),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n') + '\n';
}

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  program
    .command('profile')
    .description('profile the embedding or NLI service: throughput + memory by batch size, text length and variant')
    .argument('<service>', 'embeddings | nli')
    .option('--variants <list>', 'fp32,int8')
    .option('--batch-sizes <list>', 'default: embeddings 8,16,32,64,128; nli 1,4,8,16,32')
    .option('--lengths <list>', 'short,medium,long')
    .option('--workers <n>', 'worker threads with 1-thread sessions (0 = one in-process session)', '2')
    .option('--threads <n>', 'threads of the in-process session (workers = 0)', '2')
    .option('--items <n>', 'texts or pairs per repetition')
    .option('--reps <n>', 'repetitions (median reported)', '3')
    .option('--pack <pack>', 'pack to profile (default: the synthetic pack of the service)')
    .option('--json', 'print the rows (with raw samples) as JSON')
    .action(async (service: string, flags: Record<string, string | boolean | undefined>) => {
      if (service !== 'embeddings' && service !== 'nli') {
        throw new UserError(`unknown service "${service}"`, { fix: 'npx truthgraph profile embeddings | npx truthgraph profile nli' });
      }
      const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
      const batchSizes = str('batchSizes')?.split(',').map((s) => intFlag(s.trim(), 'batch-sizes')!) ?? DEFAULT_BATCHES[service];
      const options = {
        cacheDir: defaultCacheDir(ctx.io.env),
        variants: list<Variant>(str('variants'), VARIANTS, 'variants') ?? [...VARIANTS],
        lengths: list<LengthClass>(str('lengths'), LENGTH_CLASSES, 'lengths') ?? [...LENGTH_CLASSES],
        batchSizes,
        workers: intFlag(str('workers'), 'workers')!,
        threads: intFlag(str('threads'), 'threads')!,
        items: intFlag(str('items'), 'items') ?? (service === 'nli' ? 96 : 512),
        repetitions: intFlag(str('reps'), 'reps')!,
        ...(str('pack') ? { pack: str('pack')! } : {}),
        onRow: flags.json ? undefined : (row: ProfileRow) => ctx.io.stderr(`  measured ${row.variant} batch ${row.batchSize} ${row.length}: ${row.itemsPerSec.toFixed(0)}/s\n`),
      };
      const rows = service === 'nli' ? await profileNli(options) : await profileEmbeddings(options);
      if (flags.json) return void ctx.io.stdout(JSON.stringify(rows, null, 2) + '\n');
      const first = rows[0];
      ctx.io.stdout(`${service} profile: pack ${first?.packId}${first?.synthetic ? ' (SYNTHETIC)' : ''}, workers ${options.workers}, threads ${options.threads}, ${options.items} items x ${options.repetitions} reps (median)\n`);
      ctx.io.stdout('eff = service throughput / raw ORT runner throughput on the same padded batches\n\n');
      ctx.io.stdout(renderProfileRows(rows));
    });
};
