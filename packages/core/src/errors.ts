/**
 * The one error type @stowage/core throws. `code` is stable (`ERR_<AREA>_<WHAT>`) so callers can
 * branch on it; `message` says what went wrong and what to do; `hint` repeats the "what to do"
 * part on its own for front ends that print it separately.
 */
export interface StowageErrorOptions {
  /** HTTP status, when the error came from (or maps to) an HTTP answer. */
  status?: number;
  /** What the user can do about it, one sentence. */
  hint?: string;
  cause?: unknown;
}

export class StowageError extends Error {
  override name = 'StowageError';
  code: string;
  status?: number;
  hint?: string;

  constructor(code: string, message: string, opts: StowageErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.hint !== undefined) this.hint = opts.hint;
  }
}

/** True when `err` is a StowageError, optionally with the given code. */
export function isStowageError(err: unknown, code?: string): err is StowageError {
  return err instanceof StowageError && (code === undefined || err.code === code);
}

/**
 * The codes core throws itself. A server answer that carries its own code (`{ errors: [{ code }] }`)
 * keeps that code instead, so this list is not exhaustive for client errors.
 */
export const ErrorCodes = {
  /** A build-info document (or part of one) does not match the build-info 1.0.1 layout. */
  BUILDINFO_INVALID: 'ERR_BUILDINFO_INVALID',
  /** A local file to upload or hash does not exist. */
  FILE_NOT_FOUND: 'ERR_FILE_NOT_FOUND',
  /** A local file could not be read or written (permissions, disk full, …). */
  FILE_IO: 'ERR_FILE_IO',
  /** The local build-info store could not be read or written. */
  STORE_IO: 'ERR_STORE_IO',
  /** A part file in the local build-info store is not valid JSON. */
  STORE_CORRUPT: 'ERR_STORE_CORRUPT',
  /** A build name or number cannot be used as a store key (empty or too long). */
  STORE_KEY: 'ERR_STORE_KEY',
  /** `git` is not installed, or refused to read the repository. */
  COLLECT_GIT: 'ERR_COLLECT_GIT',
  /** The client was given a URL it cannot use. */
  CLIENT_URL: 'ERR_CLIENT_URL',
  /** Connection refused, or the host name does not resolve. */
  CLIENT_UNREACHABLE: 'ERR_CLIENT_UNREACHABLE',
  /** The server did not answer within `timeoutMs`. */
  CLIENT_TIMEOUT: 'ERR_CLIENT_TIMEOUT',
  /** The connection broke (reset, closed early, TLS failure). */
  CLIENT_NETWORK: 'ERR_CLIENT_NETWORK',
  /** Downloaded content does not match the checksums the server announced. */
  CLIENT_CHECKSUM: 'ERR_CLIENT_CHECKSUM',
  /** The server answered with something that is not what the API documents. */
  CLIENT_BAD_RESPONSE: 'ERR_CLIENT_BAD_RESPONSE',
  /** HTTP 400 without a server-specific code. */
  CLIENT_BAD_REQUEST: 'ERR_CLIENT_BAD_REQUEST',
  /** HTTP 401 without a server-specific code. */
  CLIENT_UNAUTHORIZED: 'ERR_CLIENT_UNAUTHORIZED',
  /** HTTP 403 without a server-specific code. */
  CLIENT_FORBIDDEN: 'ERR_CLIENT_FORBIDDEN',
  /** HTTP 404 without a server-specific code. */
  CLIENT_NOT_FOUND: 'ERR_CLIENT_NOT_FOUND',
  /** HTTP 409 without a server-specific code. */
  CLIENT_CONFLICT: 'ERR_CLIENT_CONFLICT',
  /** HTTP 5xx without a server-specific code (after retries, for idempotent calls). */
  CLIENT_SERVER: 'ERR_CLIENT_SERVER',
  /** Any other unexpected HTTP status. */
  CLIENT_HTTP: 'ERR_CLIENT_HTTP',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
