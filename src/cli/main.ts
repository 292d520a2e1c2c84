// The `truthgraph` command: run(argv, io) -> exit code. Each command group lives in ./commands
// and registers itself on the program; this file only wires them and maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { formatError, isUserError } from '../shared/errors.ts';
import type { CliIo } from '../shared/io.ts';
import type { CommandContext } from './command-context.ts';
import { commandGroups } from './commands/index.ts';
import { checkArgumentLengths } from './text-input.ts';


export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const ctx: CommandContext = { io, argv, setExitCode: (code) => void (exitCode = code) };
  const program = new Command('truthgraph')
    .description('TruthGraph claim verification with a performance regression harness')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');
  for (const register of commandGroups) register(program, ctx);
  try {
    checkArgumentLengths(argv); // before any command runs, so before any model loads
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr(formatError(error) + '\n');
    return isUserError(error) ? error.exitCode : 1;
  }
}
