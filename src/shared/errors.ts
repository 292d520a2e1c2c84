// Errors a user can act on: every one names the problem and the fix.
// The CLI prints `message` and `fix` without a stack trace and exits with `exitCode`.

import path from 'node:path';

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

/** A failed file write as a UserError: the file, the reason, that the old file stands, and what to do. */
export function fileWriteError(file: string, error: unknown): UserError {
  const e = error as NodeJS.ErrnoException;
  const dir = path.dirname(file);
  const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
  return new UserError(`cannot write ${file}: ${full ? 'no space left on the device' : e.message} (${e.code ?? 'error'}); the previous ${path.basename(file)}, if any, is unchanged`, {
    fix: full ? `free space on the file system of ${dir} (df -h ${dir}), then run the command again` : `check that ${dir} is writable, then run the command again`,
    cause: error,
  });
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
