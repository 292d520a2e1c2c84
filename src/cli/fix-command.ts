// Fix lines that are commands a user can paste: the user's own command with a flag changed, or
// another command that carries over the flags choosing the same database and model packs.
import { DATASET_DIR } from '../shared/paths.ts';
import path from 'node:path';

/** Flags that take a value, by the name the user typed (short and long forms we need). */
const VALUE_FLAGS = new Set([
  '--db-provider', '--database-url', '--db-name', '--pool-size', '--pack', '--embedder', '--nli', '--variant', '--workers',
  '--threads', '--batch-size', '--k', '-k', '--mode', '--strategy', '--min-similarity', '--concurrency', '--file', '--out',
  '--chunk-size', '--lists', '--probes', '--m', '--ef-construction', '--ef-search', '--premise', '--hypothesis',
  '--premise-file', '--hypothesis-file',
]);

/** Flags that choose the database: a fix must point at the same one. */
export const DB_FLAGS = ['--db-provider', '--database-url', '--db-name', '--pool-size', '--in-memory'];

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function cliCommand(args: readonly string[]): string {
  return ['npx', 'truthgraph', ...args].map(shellQuote).join(' ');
}

interface Token {
  flag: string | undefined;
  args: string[];
}

/** argv as flag groups: `--x v`, `--x=v`, `--bool`, or a positional. */
function tokens(argv: readonly string[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      const flag = eq > 0 ? a.slice(0, eq) : a;
      if (eq < 0 && VALUE_FLAGS.has(flag) && i + 1 < argv.length) out.push({ flag, args: [a, argv[++i]!] });
      else out.push({ flag, args: [a] });
    } else {
      out.push({ flag: undefined, args: [a] });
    }
  }
  return out;
}

/** argv with `flag` set to `value` (replacing every earlier occurrence, or appended). */
export function withFlag(argv: readonly string[], flag: string, value: string): string[] {
  return [...tokens(argv).filter((t) => t.flag !== flag).flatMap((t) => t.args), flag, value];
}

/** The given flags (with their values) as the user typed them, in their order. */
export function pickFlags(argv: readonly string[], flags: readonly string[], rename: Record<string, string> = {}): string[] {
  return tokens(argv)
    .filter((t) => t.flag !== undefined && flags.includes(t.flag))
    .flatMap((t) => {
      const to = rename[t.flag!];
      if (!to) return t.args;
      return t.args[0]!.includes('=') ? [`${to}${t.args[0]!.slice(t.args[0]!.indexOf('='))}`] : [to, ...t.args.slice(1)];
    });
}

/** The sample evidence corpus shipped with the project (absolute, so the command works from any folder). */
export const SAMPLE_EVIDENCE = path.join(DATASET_DIR, 'evidence_corpus.json');

/**
 * The command that loads the sample corpus into the database of `argv`, embedded with the embedder
 * of `argv` (verify/demo name it --embedder, ingest/search --pack).
 */
export function ingestSampleCommand(argv: readonly string[]): string {
  return cliCommand(['ingest', SAMPLE_EVIDENCE, ...pickFlags(argv, [...DB_FLAGS, '--pack', '--embedder', '--variant'], { '--embedder': '--pack' })]);
}

/** The command that embeds the evidence already stored in the database of `argv` with the embedder of `argv`. */
export function embedStoredCommand(argv: readonly string[], variant?: string): string {
  const args = ['ingest', '--stored', ...pickFlags(argv, [...DB_FLAGS, '--pack', '--embedder', '--variant'], { '--embedder': '--pack' })];
  return cliCommand(variant ? withFlag(args, '--variant', variant) : args);
}

/**
 * The fix after the database went away in the middle of a run: rerun the same command. An embedded
 * server is started again on demand; another server must be brought back first (`serverFix`).
 */
export function rerunAfterDatabaseLoss(argv: readonly string[], provider: string, serverFix: string | undefined, why: string): string {
  const rerun = `rerun ${cliCommand(argv)} (${why})`;
  if (provider === 'embedded') return `${rerun}; it starts the embedded server again`;
  return `${(serverFix ?? 'bring the database back').replace(/ \(batches that finished.*$/, '')}, then ${rerun}`;
}
