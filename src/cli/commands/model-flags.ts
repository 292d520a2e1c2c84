// Flags and helpers shared by the model commands (models, embed, nli, profile).
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { defaultCacheDir } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import type { PackInfo } from '../../truthgraph/models/pack.ts';
import { DEFAULT_VARIANT, VARIANT_CHOICES, type VariantChoice } from '../../truthgraph/models/spec.ts';
import type { CliIo } from '../../shared/io.ts';

export interface ServiceFlags {
  pack?: string;
  variant?: string;
  batchSize?: string;
  threads?: string;
  workers?: string;
  json?: boolean;
}

export function addServiceFlags(cmd: Command): Command {
  return cmd
    .option('--pack <pack>', 'synthetic pack name, pack folder, or downloaded hub id')
    .addOption(new Option('--variant <variant>', `model weights variant (default ${DEFAULT_VARIANT}: int8 when the pack has it)`).choices(VARIANT_CHOICES))
    .option('--batch-size <n>', 'items per ONNX run')
    .option('--threads <n>', 'intra-op threads of an in-process session')
    .option('--workers <n>', '0 = in-process session; N = N worker threads with 1-thread sessions')
    .option('--json', 'print JSON');
}

export function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UserError(`--${name} must be an integer, got "${value}"`, { fix: `e.g. --${name} 16` });
  return n;
}

export function serviceOptions(flags: ServiceFlags, io: CliIo) {
  return {
    cacheDir: defaultCacheDir(io.env),
    ...(flags.pack ? { pack: flags.pack } : {}),
    ...(flags.variant ? { variant: flags.variant as VariantChoice } : {}),
    ...(flags.batchSize ? { batchSize: intFlag(flags.batchSize, 'batch-size') } : {}),
    ...(flags.threads ? { threads: intFlag(flags.threads, 'threads') } : {}),
    ...(flags.workers ? { workers: intFlag(flags.workers, 'workers') } : {}),
  };
}

/** Runs `load`, turning invalid option values (zod) into a UserError that names the option. */
export async function withOptions<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issue = error.issues[0]!;
      throw new UserError(`invalid option ${issue.path.join('.')}: ${issue.message}`, { fix: 'run with --help for the accepted values' });
    }
    throw error;
  }
}

export function packJson(p: PackInfo) {
  return { id: p.id, name: p.name, kind: p.kind, variant: p.variant, synthetic: p.synthetic, hash: p.hash, dir: p.dir };
}

export function packLine(p: PackInfo): string {
  return `pack: ${p.id} (${p.variant}${p.synthetic ? ', SYNTHETIC: measures cost, not truth' : ''})`;
}
