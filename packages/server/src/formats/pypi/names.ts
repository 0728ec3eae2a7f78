import { HttpError } from '../../errors.ts';

/** A project name as PEP 508 allows it. */
const PROJECT = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** Distribution file names Stowage accepts: wheels, sdists and the legacy archive kinds. */
const DIST_FILE = /^[A-Za-z0-9][A-Za-z0-9._+!-]*\.(whl|tar\.gz|zip|tar\.bz2|tgz|egg)$/;

/** PEP 503 normalization: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** Checks a project name from a URL or a form; throws ERR_PATH_INVALID for anything else. */
export function checkProject(name: string): string {
  if (!PROJECT.test(name) || name.length > 200) {
    throw new HttpError('ERR_PATH_INVALID', `"${name}" is not a valid Python project name`, {
      hint: 'project names are letters, digits, ".", "_" and "-" (PEP 508)',
    });
  }
  return name;
}

/** Checks a distribution file name (no folders, no `..`, a known archive kind). */
export function checkFilename(filename: string): string {
  if (!DIST_FILE.test(filename) || filename.includes('..') || filename.length > 255) {
    throw new HttpError('ERR_PATH_INVALID', `"${filename}" is not a valid distribution file name`, {
      hint: 'upload a wheel (.whl) or an sdist (.tar.gz or .zip)',
    });
  }
  return filename;
}

/** True when `filename` is a distribution of `project` (compared normalized). */
export function fileBelongsTo(filename: string, project: string): boolean {
  const n = normalizeName(project);
  if (filename.endsWith('.whl')) return normalizeName(filename.split('-')[0] ?? '') === n;
  return normalizeName(filename).startsWith(`${n}-`);
}
