// What every command group receives: the CLI's io and a way to set the exit code. Kept apart from
// main.ts and commands/index.ts so that command modules do not import the files that import them.
import type { Command } from 'commander';
import type { CliIo } from '../shared/io.ts';

export interface CommandContext {
  io: CliIo;
  /** The arguments this run was given: fix lines repeat the user's command with what to change. */
  argv: readonly string[];
  /** Set by an action to choose the exit code (default 0). */
  setExitCode: (code: number) => void;
}

/** A command group: registers its commands on the program. */
export type RegisterCommands = (program: Command, ctx: CommandContext) => void;
