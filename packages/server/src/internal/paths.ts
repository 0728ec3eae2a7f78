import { HttpError } from '../errors.ts';

/** A repository path taken from a raw request URL, validated and decoded. */
export interface RepoPath {
  repo: string;
  /** Decoded path inside the repository, no leading or trailing slash; '' is the root. */
  path: string;
  /** True when the URL ended with '/' (a folder was asked for). */
  folder: boolean;
  /** Matrix parameters (`;key=v1,v2`), decoded. */
  matrix: Record<string, string[]>;
}

export const REPO_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Keys a repository may not take because the server routes them itself. */
export const RESERVED_KEYS = new Set(['api', 'ui', 'v2', 'artifactory', 'access', 'metrics']);

/**
 * Parses `/{repo}/{path};k=v;…` from the raw (undecoded) URL path. Rejects `..` and `.`
 * segments (also percent-encoded), encoded slashes and backslashes, backslashes and NUL.
 */
export function parseRepoPath(rawPath: string): RepoPath {
  let pathPart = rawPath;
  let matrixPart = '';
  const semi = rawPath.indexOf(';');
  if (semi >= 0) {
    pathPart = rawPath.slice(0, semi);
    matrixPart = rawPath.slice(semi + 1);
  }
  const lower = pathPart.toLowerCase();
  if (lower.includes('%2f') || lower.includes('%5c') || pathPart.includes('\\')) {
    throw new HttpError(
      'ERR_PATH_INVALID',
      `path "${rawPath}" contains an encoded slash or a backslash`,
      { hint: 'use plain "/" between path segments' },
    );
  }
  const folder = pathPart.endsWith('/');
  const rawSegments = pathPart
    .split('/')
    .filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
  const segments = rawSegments.map((s) => decodeSegment(s, rawPath));
  const repo = segments.shift();
  if (repo === undefined || repo === '') {
    throw new HttpError('ERR_PATH_INVALID', 'no repository in the path', {
      hint: 'address files as /{repository}/{path}',
    });
  }
  validateSegments([repo, ...segments], rawPath);
  return { repo, path: segments.join('/'), folder, matrix: parseMatrix(matrixPart) };
}

/** Validates an already-decoded relative path (e.g. from a promotion or a query string). */
export function validateRelativePath(path: string): string {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed.includes('\\')) {
    throw new HttpError('ERR_PATH_INVALID', `path "${path}" contains a backslash`);
  }
  if (trimmed === '') return '';
  validateSegments(trimmed.split('/'), path);
  return trimmed;
}

function decodeSegment(segment: string, rawPath: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError('ERR_PATH_INVALID', `path "${rawPath}" has an invalid percent-encoding`);
  }
}

function validateSegments(segments: string[], shown: string): void {
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') {
      throw new HttpError('ERR_PATH_INVALID', `path "${shown}" has an empty, "." or ".." segment`, {
        hint: 'paths are relative to the repository and may not climb out of it',
      });
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\\]/.test(s)) {
      throw new HttpError(
        'ERR_PATH_INVALID',
        `path "${shown}" contains a control character or backslash`,
      );
    }
  }
}

/** Parses `k=v1,v2;k2=v3` (values percent-encoded; `\,` escapes a comma inside a value). */
export function parseMatrix(matrixPart: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!matrixPart) return out;
  for (const pair of matrixPart.split(';')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeProp(eq < 0 ? pair : pair.slice(0, eq));
    if (!key) continue;
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const values = splitUnescaped(decodeProp(rawValue));
    // An own property even for keys like `__proto__` or `toString` (found by the fuzz test).
    if (!Object.hasOwn(out, key)) {
      Object.defineProperty(out, key, {
        value: [],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const list = out[key] as string[];
    for (const v of values) if (!list.includes(v)) list.push(v);
  }
  return out;
}

/** Parses the `properties` query form of the storage API: `k=v1,v2|k2=v3` or `;`-separated. */
export function parsePropertiesQuery(q: string): Record<string, string[]> {
  return parseMatrix(q.replaceAll('|', ';'));
}

function decodeProp(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    throw new HttpError('ERR_PATH_INVALID', `property "${s}" has an invalid percent-encoding`);
  }
}

function splitUnescaped(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && value[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}
