// Texts the CLI receives: on the command line (up to MAX_ARGUMENT_CHARS), from a file (--file ...)
// or from stdin (`-`). Long texts do not belong on a command line: onnxruntime-node crashes natively
// when the command line is long (docs/onnxruntime-long-argv.md), so bin/truthgraph.js moves long
// argument lists off it, and anything over the limit is refused here before any model loads, with
// the way to pass it instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../shared/errors.ts';
import type { CliIo } from '../shared/io.ts';

/** Characters allowed in one command-line argument (claims are cut at 2,000 and models read 256-512 tokens anyway). */
export const MAX_ARGUMENT_CHARS = 10_000;

/** How to pass a long text to each command that takes one. */
const LONG_INPUT_FIX: Record<string, string> = {
  embed: 'put the text in a file: truthgraph embed --file texts.txt (one text per line), or pipe it on stdin: truthgraph embed - < text.txt',
  nli: 'pass it from a file: --premise-file premise.txt / --hypothesis-file hypothesis.txt, or pipe one of them on stdin: truthgraph nli --premise - --hypothesis "..." < premise.txt',
  verify: 'pipe the claim on stdin: truthgraph verify - < claim.txt, or put claims in a file: truthgraph verify --file claims.jsonl',
  search: 'put the query in a file: truthgraph search --file query.txt, or pipe it on stdin: truthgraph search - < query.txt',
};

/** Refuses any argument over MAX_ARGUMENT_CHARS, naming the limit and the way to pass long input. */
export function checkArgumentLengths(argv: readonly string[]): void {
  const long = argv.findIndex((a) => a.length > MAX_ARGUMENT_CHARS);
  if (long < 0) return;
  const command = argv.find((a) => !a.startsWith('-')) ?? '';
  const fix = LONG_INPUT_FIX[command] ?? 'pass long input in a file instead of on the command line';
  throw new UserError(
    `argument ${long + 1} is ${argv[long]!.length.toLocaleString('en-US')} characters long: texts on the command line are limited to ${MAX_ARGUMENT_CHARS.toLocaleString('en-US')} characters`,
    { fix },
  );
}

/** `-` = all of stdin; anything else is the text itself. */
export async function textOrStdin(value: string, io: CliIo): Promise<string> {
  return value === '-' ? io.readStdin() : value;
}

/** Stdin can be read once: more than one `-` among the inputs is an error. */
export function checkStdinOnce(values: readonly (string | undefined)[]): void {
  if (values.filter((v) => v === '-').length > 1) {
    throw new UserError('`-` (read stdin) is given more than once, but stdin can be read only once', {
      fix: 'pipe one text on stdin and pass the others as arguments or files',
    });
  }
}

/** The whole file as UTF-8 text (relative to the CLI's cwd). */
export function readTextFile(file: string, io: CliIo, flag: string): string {
  const full = path.resolve(io.cwd, file);
  try {
    return readFileSync(full, 'utf8');
  } catch (cause) {
    throw new UserError(`${flag} ${file}: cannot read ${full} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, {
      fix: `pass an existing text file to ${flag}`,
      cause,
    });
  }
}

/** Texts of a file, one per non-empty line (a trailing \r is dropped). */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}
