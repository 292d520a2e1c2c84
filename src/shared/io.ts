// The CLI's world, passed in so that commands are testable functions (docs/code-style.md: a CLI is run(argv, io)).

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdout is a terminal: progress bars and colours only then. */
  isTTY: boolean;
  /** All of stdin as UTF-8 (for inputs given as `-`). */
  readStdin: () => Promise<string>;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    readStdin: readAllStdin,
  };
}

/** An io that records output, for tests. */
export function memoryIo(overrides: Partial<CliIo> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    readStdin: async () => '',
    ...overrides,
    out,
    err,
  };
}
