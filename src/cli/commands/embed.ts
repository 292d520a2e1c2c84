// `truthgraph embed "text" ... [--json]`: embeddings with the pack that made them.
import type { Command } from 'commander';
import { UserError } from '../../shared/errors.ts';
import { loadEmbedder } from '../../truthgraph/embedding/embedder.ts';
import { checkStdinOnce, linesOf, readTextFile, textOrStdin } from '../text-input.ts';
import type { CommandContext } from '../command-context.ts';
import type { RegisterCommands } from '../command-context.ts';
import { addServiceFlags, packJson, packLine, serviceOptions, withOptions, type ServiceFlags } from './model-flags.ts';

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  addServiceFlags(program.command('embed').description('embed texts (L2-normalised mean-pooled vectors)').argument('[texts...]', 'texts to embed (`-` = all of stdin as one text)'))
    .option('--file <path>', 'embed each non-empty line of this file')
    .action(async (args: string[], flags: ServiceFlags & { file?: string }) => {
      checkStdinOnce(args);
      const texts = [...(await Promise.all(args.map((t) => textOrStdin(t, ctx.io)))), ...(flags.file ? linesOf(readTextFile(flags.file, ctx.io, '--file')) : [])];
      if (texts.length === 0) throw new UserError('nothing to embed', { fix: 'truthgraph embed "some text"  (or --file texts.txt, or - to read stdin)' });
      const empty = texts.findIndex((t) => t.trim() === '');
      if (empty >= 0) throw new UserError(`text ${empty + 1} is empty (or only whitespace)`, { fix: 'pass non-empty texts' });
      const embedder = await withOptions(() => loadEmbedder(serviceOptions(flags, ctx.io)));
      try {
        const vectors = await embedder.embed(texts);
        if (flags.json) {
          ctx.io.stdout(JSON.stringify({
            pack: packJson(embedder.pack), synthetic: embedder.pack.synthetic, dimension: embedder.dimension,
            embeddings: texts.map((text, i) => ({ text, vector: Array.from(vectors[i]!, (v) => Number(v.toFixed(7))) })),
          }) + '\n');
          return;
        }
        ctx.io.stdout(`${packLine(embedder.pack)}\n`);
        texts.forEach((text, i) => {
          const head = Array.from(vectors[i]!.subarray(0, 6), (v) => v.toFixed(4)).join(', ');
          ctx.io.stdout(`${JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text)}: [${head}, ...] (${embedder.dimension} dims)\n`);
        });
      } finally {
        await embedder.dispose();
      }
    });
};
