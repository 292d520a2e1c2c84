// Every command group of the CLI. Add a group by appending its register function here.
import type { Command } from 'commander';
import type { CommandContext } from '../main.ts';

export type RegisterCommands = (program: Command, ctx: CommandContext) => void;

export const commandGroups: RegisterCommands[] = [];
