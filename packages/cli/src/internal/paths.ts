/**
 * Path arithmetic for upload and download: `repo/path` parsing, where an uploaded file lands,
 * where a downloaded file is written, remote glob matching and artifact types.
 */
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.ts';

export interface RepoPath {
  repo: string;
  /** Path inside the repository, no leading slash; '' for the repository root. */
  path: string;
  /** The argument ended with `/` (or named only a repository): it names a folder. */
  folder: boolean;
}

/** Parses `repo/some/path` (a leading slash is tolerated). */
export function parseRepoPath(arg: string, what = 'target'): RepoPath {
  const trimmed = arg.trim().replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  const repo = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const rest = slash < 0 ? '' : trimmed.slice(slash + 1);
  if (repo === '') {
    throw new UsageError(
      `${what} "${arg}" has no repository; write it as <repository>/<path>, e.g. generic-staging/reports/`,
    );
  }
  const segments = rest.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new UsageError(`${what} "${arg}" must not contain "." or ".." segments`);
  }
  return { repo, path: segments.join('/'), folder: rest === '' || rest.endsWith('/') };
}

/** Characters that make an argument a glob pattern. */
export const GLOB_CHARS = /[*?[\]{}]/;

/**
 * The directory part of a local glob that contains no glob characters: `out/**\/*.csv` → `out`,
 * `*.log` → `.`. Relative results stay relative.
 */
export function globBase(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] ?? '';
    if (GLOB_CHARS.test(part)) break;
    fixed.push(part);
  }
  if (fixed.length === 0) return '.';
  const joined = fixed.join('/');
  return joined === '' ? '/' : joined;
}

export interface UploadMapping {
  /** Absolute local file. */
  file: string;
  /** Path inside the target repository. */
  path: string;
}

/**
 * Where a matched local file lands. With `flat` (the default) a folder target receives the file's
 * base name; without it, the path relative to `cwd` is kept (like JFrog CLI's `--flat=false`), or,
 * for files outside `cwd`, the path relative to the pattern's fixed base directory.
 * A target without a trailing slash names one file, which is only allowed for a single match.
 */
export function mapUploadTargets(
  matches: { file: string; pattern: string }[],
  target: RepoPath,
  opts: { flat: boolean; cwd: string },
): UploadMapping[] {
  if (!target.folder) {
    if (matches.length !== 1) {
      throw new UsageError(
        `target "${target.repo}/${target.path}" names one file but ${matches.length} files matched; end the target with "/" to upload into a folder`,
      );
    }
    const only = matches[0];
    return only ? [{ file: only.file, path: target.path }] : [];
  }
  const prefix = target.path === '' ? '' : `${target.path}/`;
  return matches.map(({ file, pattern }) => {
    let rel: string;
    if (opts.flat) {
      rel = basename(file);
    } else {
      const fromCwd = relative(opts.cwd, file);
      rel =
        fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd)
          ? fromCwd
          : relative(resolve(opts.cwd, globBase(pattern)), file);
      if (rel.startsWith('..') || isAbsolute(rel)) rel = basename(file);
    }
    return { file, path: prefix + rel.split(sep).join('/') };
  });
}

/**
 * Compiles a repository path glob: `*` and `?` stay within one segment, `**` spans segments,
 * `{a,b}` alternates. Anchored; case-sensitive like repository paths.
 */
export function remoteGlob(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.includes('(?:')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The folder of a repository glob before its first glob segment: `a/b/*.csv` → `a/b`. */
export function remoteGlobBase(pattern: string): string {
  const segs = pattern.split('/');
  const fixed: string[] = [];
  for (const s of segs.slice(0, -1)) {
    if (GLOB_CHARS.test(s)) break;
    fixed.push(s);
  }
  return fixed.join('/');
}

/**
 * A local destination inside `dir` for a repository-relative path; refuses paths that would
 * escape `dir`.
 */
export function safeJoin(dir: string, rel: string): string {
  const out = resolve(dir, ...rel.split('/'));
  const back = relative(dir, out);
  if (back === '' || back.startsWith('..') || isAbsolute(back)) {
    throw new UsageError(`refusing to write ${rel} outside ${dir}`);
  }
  return out;
}

const COMPOUND = ['tar.gz', 'tar.bz2', 'tar.xz', 'tar.zst'];

/** The build-info artifact type from a file name: `report.csv` → `csv`, `a.tar.gz` → `tar.gz`. */
export function artifactType(name: string): string | undefined {
  const lower = basename(name).toLowerCase();
  for (const c of COMPOUND) if (lower.endsWith(`.${c}`)) return c;
  const dot = lower.lastIndexOf('.');
  if (dot <= 0 || dot === lower.length - 1) return undefined;
  return lower.slice(dot + 1);
}
