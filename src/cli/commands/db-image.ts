// `truthgraph db image [--force]`: builds the pgvector/pgvector:pg17-compatible image from Debian
// packages for machines that reach no image registry (scripts/pgvector-image/build.sh, which does
// the work and is usable without Node; docs/containers.md). Skipped when the image exists.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import type { CommandContext } from '../command-context.ts';

export const IMAGE_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'pgvector-image', 'build.sh');

export function registerDbImage(db: Command, ctx: CommandContext): void {
  db.command('image')
    .description('build pgvector/pgvector:pg17 locally from Debian packages (needs root and a running dockerd; skipped when the image exists)')
    .option('--force', 'rebuild even if the image exists')
    .action(async (flags: { force?: boolean }) => {
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn('bash', [IMAGE_SCRIPT, ...(flags.force ? ['--force'] : [])], { env: { PATH: process.env.PATH, ...ctx.io.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (chunk: Buffer) => ctx.io.stdout(chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => ctx.io.stderr(chunk.toString('utf8')));
        child.once('error', (cause) => reject(new UserError(`could not run ${IMAGE_SCRIPT}: ${cause.message}`, { cause, fix: 'install bash, or run the script with a shell of your own' })));
        child.once('close', (exit) => resolve(exit ?? 1));
      });
      // The script prints its own error and fix; its exit code is ours.
      ctx.setExitCode(code);
    });
}
