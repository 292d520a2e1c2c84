// `truthgraph nli --premise P --hypothesis H [--json]`: one NLI prediction with the pack used.
import type { Command } from 'commander';
import { loadNli } from '../../truthgraph/nli/nli.ts';
import type { CommandContext } from '../command-context.ts';
import type { RegisterCommands } from '../command-context.ts';
import { addServiceFlags, packJson, packLine, serviceOptions, withOptions, type ServiceFlags } from './model-flags.ts';

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  addServiceFlags(program.command('nli').description('classify a (premise = evidence, hypothesis = claim) pair'))
    .requiredOption('--premise <text>', 'the evidence')
    .requiredOption('--hypothesis <text>', 'the claim')
    .action(async (flags: ServiceFlags & { premise: string; hypothesis: string }) => {
      const model = await withOptions(() => loadNli(serviceOptions(flags, ctx.io)));
      try {
        const [p] = await model.classify([{ premise: flags.premise, hypothesis: flags.hypothesis }]);
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
