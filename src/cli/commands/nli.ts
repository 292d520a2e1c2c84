// `truthgraph nli --premise P --hypothesis H [--json]`: one NLI prediction with the pack used.
import type { Command } from 'commander';
import { UserError } from '../../shared/errors.ts';
import { loadNli } from '../../truthgraph/nli/nli.ts';
import { checkStdinOnce, readTextFile, textOrStdin } from '../text-input.ts';
import type { CommandContext } from '../command-context.ts';
import type { RegisterCommands } from '../command-context.ts';
import { addServiceFlags, packJson, packLine, serviceOptions, withOptions, type ServiceFlags } from './model-flags.ts';

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  addServiceFlags(program.command('nli').description('classify a (premise = evidence, hypothesis = claim) pair'))
    .option('--premise <text>', 'the evidence (`-` = all of stdin)')
    .option('--hypothesis <text>', 'the claim (`-` = all of stdin)')
    .option('--premise-file <path>', 'read the premise from this file')
    .option('--hypothesis-file <path>', 'read the hypothesis from this file')
    .action(async (flags: ServiceFlags & { premise?: string; hypothesis?: string; premiseFile?: string; hypothesisFile?: string }) => {
      checkStdinOnce([flags.premise, flags.hypothesis]);
      const text = async (name: 'premise' | 'hypothesis', value: string | undefined, file: string | undefined): Promise<string> => {
        if (value !== undefined && file !== undefined) throw new UserError(`pass --${name} or --${name}-file, not both`, { fix: `keep one of them` });
        const t = file !== undefined ? readTextFile(file, ctx.io, `--${name}-file`) : value !== undefined ? await textOrStdin(value, ctx.io) : undefined;
        if (t === undefined) throw new UserError(`the ${name} is missing`, { fix: 'truthgraph nli --premise "The tower was finished in 1889." --hypothesis "The tower was completed in 1889."' });
        if (t.trim() === '') throw new UserError(`the ${name} is empty (or only whitespace)`, { fix: `pass a non-empty --${name}` });
        return t;
      };
      const premise = await text('premise', flags.premise, flags.premiseFile);
      const hypothesis = await text('hypothesis', flags.hypothesis, flags.hypothesisFile);
      const model = await withOptions(() => loadNli(serviceOptions(flags, ctx.io)));
      try {
        const [p] = await model.classify([{ premise, hypothesis }]);
        if (flags.json) {
          ctx.io.stdout(JSON.stringify({ pack: packJson(model.pack), synthetic: model.pack.synthetic, label: p!.label, probabilities: p!.probabilities }, null, 2) + '\n');
          return;
        }
        ctx.io.stdout(`${packLine(model.pack)}\nlabel: ${p!.label}\n`);
        for (const label of model.labels) ctx.io.stdout(`  ${label.padEnd(14)} ${p!.probabilities[label]!.toFixed(4)}\n`);
      } finally {
        await model.dispose();
      }
    });
};
