// Errors a user can act on: every one names the problem and the fix.
// The CLI prints `message` and `fix` without a stack trace and exits with `exitCode`.

export class UserError extends Error {
  override readonly name = 'UserError';
  /** What to do about it, e.g. the command that rebuilds a missing file. */
  readonly fix: string | undefined;
  /** 2 = harness/config/environment error (the convention used by `npm run perf`). */
  readonly exitCode: number;

  constructor(message: string, options: { fix?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? 2;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** One-paragraph rendering used by the CLI and by reporters. */
export function formatError(error: unknown): string {
  if (isUserError(error)) {
    return error.fix ? `error: ${error.message}\n  fix: ${error.fix}` : `error: ${error.message}`;
  }
  if (error instanceof Error) return `error: ${error.message}\n${error.stack ?? ''}`;
  return `error: ${String(error)}`;
}
