import { ErrorCodes, StowageError } from '../errors.ts';

/** Turns a file-system error into a StowageError that names the file. */
export function fileError(err: unknown, path: string, doing: string): StowageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new StowageError(ErrorCodes.FILE_NOT_FOUND, `cannot ${doing} ${path}: no such file`, {
      hint: 'check the path (relative paths are resolved from the working directory)',
      cause: err,
    });
  }
  if (code === 'EISDIR') {
    return new StowageError(ErrorCodes.FILE_IO, `cannot ${doing} ${path}: it is a directory`, {
      hint: 'pass a file, not a directory',
      cause: err,
    });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new StowageError(ErrorCodes.FILE_IO, `cannot ${doing} ${path}: ${reason}`, {
    hint: 'check that the file exists and is readable',
    cause: err,
  });
}
