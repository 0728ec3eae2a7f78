/**
 * Errors of the command line itself. A UsageError means the command was called wrongly (exit 2);
 * a CliError is a failure with a message that already says what to do (exit 1). Errors from core
 * are StowageErrors and are printed the same way as CliErrors.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export class CliError extends Error {
  override name = 'CliError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
