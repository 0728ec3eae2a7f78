/**
 * npm names, storage paths and packuments: parsing, validation, the abbreviated form, merging
 * across a virtual repository's members and tarball URL rewriting.
 */
import type { Readable } from 'node:stream';
import { HttpError } from '../../errors.ts';

/** Largest packument accepted from an upstream or kept for a package. */
export const MAX_PACKUMENT_BYTES = 64 * 1024 * 1024;

export interface Dist {
  tarball?: string;
  shasum?: string;
  integrity?: string;
  [key: string]: unknown;
}

export interface Manifest {
  name: string;
  version: string;
  dist?: Dist;
  [key: string]: unknown;
}

export interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, Manifest>;
  time?: Record<string, string>;
  _rev?: string;
  [key: string]: unknown;
}

const SEGMENT = /^[a-z0-9~-][a-z0-9._~-]*$/i;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,255}$/;
const FILE = /^[A-Za-z0-9~-][A-Za-z0-9._~+-]*\.tgz$/;

/** True for `name` or `@scope/name` made of npm's URL-safe characters (no path tricks). */
export function validName(name: string): boolean {
  // `-` alone would collide with the registry's own `/-/` endpoints (found by the fuzz test).
  if (name.length === 0 || name.length > 214 || name === '-') return false;
  const parts = name.split('/');
  if (parts.length === 1) return SEGMENT.test(name);
  const [scope = '', base = ''] = parts;
  return (
    parts.length === 2 &&
    scope.startsWith('@') &&
    SEGMENT.test(scope.slice(1)) &&
    SEGMENT.test(base)
  );
}

export function validVersion(v: string): boolean {
  return VERSION.test(v);
}

export function checkName(name: string): string {
  if (!validName(name)) {
    throw new HttpError('ERR_PATH_INVALID', `"${name}" is not a valid npm package name`, {
      hint: 'use name or @scope/name with letters, digits, ".", "_", "~" and "-"',
    });
  }
  return name;
}

/** `@scope/name` → `name`. */
export function unscoped(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** How the npm registry writes a name in a URL: `@scope%2fname`. */
export function escapedName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

export function tarballFile(name: string, version: string): string {
  return `${unscoped(name)}-${version}.tgz`;
}

/** Where a package's packument is stored in a repository. */
export function packumentPath(name: string): string {
  return `${name}/package.json`;
}

export function tarballPath(name: string, file: string): string {
  return `${name}/-/${file}`;
}

/** Dependency-confusion guard: the folder owning the package a storage path belongs to. */
export function packageOfPath(path: string): string | undefined {
  const segs = path.split('/');
  const n = segs[0]?.startsWith('@') ? 2 : 1;
  const name = segs.slice(0, n).join('/');
  return validName(name) ? name : undefined;
}

/** Parses a storage path back into a package and a tarball file (undefined for a packument). */
export function parseStoragePath(path: string): { name: string; file?: string } | undefined {
  const name = packageOfPath(path);
  if (!name) return undefined;
  const rest = path.slice(name.length + 1);
  if (rest === 'package.json') return { name };
  if (rest.startsWith('-/') && FILE.test(rest.slice(2))) return { name, file: rest.slice(2) };
  return undefined;
}

/** What a request under `/api/npm/{repo}/` asks for. */
export type NpmTarget =
  | { kind: 'package'; name: string; rest: string[]; rev?: string }
  | { kind: 'tarball'; name: string; file: string; rev?: string }
  | { kind: 'special'; segs: string[] };

/**
 * Parses the raw (still percent-encoded) part of a URL after `/api/npm/{repo}/`. Accepts
 * `@scope%2fname` and `@scope/name`; rejects encoded slashes inside segments, `..`, NUL and
 * anything npm names cannot hold.
 */
export function parseTarget(raw: string, repo: string): NpmTarget {
  const segs = raw
    // A scoped name arrives as `@scope%2fpkg` (npm, pnpm, yarn), `%40scope%2Fpkg` or
    // `@scope/pkg`, at the start or after `-/package/` (dist-tags).
    .replace(/(^|\/)(?:@|%40)([^/%]*)%2f/gi, '$1@$2/')
    .split('/')
    .map((s) => {
      let d: string;
      try {
        d = decodeURIComponent(s);
      } catch {
        throw new HttpError('ERR_PATH_INVALID', `"${s}" has an invalid percent-encoding`);
      }
      if (/[/\\\0]/.test(d) || d === '.' || d === '..') {
        throw new HttpError('ERR_PATH_INVALID', `the path segment "${d}" is not allowed`);
      }
      return d;
    });
  if (segs[0] === '-' && segs.length > 1) return { kind: 'special', segs: segs.slice(1) };
  let rev: string | undefined;
  if (segs.length >= 3 && segs[segs.length - 2] === '-rev') {
    rev = segs[segs.length - 1];
    segs.splice(-2, 2);
  }
  const dash = segs.lastIndexOf('-');
  if (dash > 0 && dash === segs.length - 2) {
    let nameSegs = segs.slice(0, dash);
    // npm unpublish appends the tarball's whole URL path to the registry URL.
    if (rev !== undefined && nameSegs[0] === 'api' && nameSegs[1] === 'npm' && nameSegs[2] === repo)
      nameSegs = nameSegs.slice(3);
    const name = checkName(nameSegs.join('/'));
    const file = segs[segs.length - 1] ?? '';
    if (!FILE.test(file))
      throw new HttpError('ERR_PATH_INVALID', `"${file}" is not an npm tarball file name`);
    return rev === undefined
      ? { kind: 'tarball', name, file }
      : { kind: 'tarball', name, file, rev };
  }
  const n = segs[0]?.startsWith('@') ? 2 : 1;
  const name = checkName(segs.slice(0, n).join('/'));
  const rest = segs.slice(n).filter((s) => s !== '');
  return rev === undefined ? { kind: 'package', name, rest } : { kind: 'package', name, rest, rev };
}

/** Reads a stream up to `limit` bytes; more is refused. */
export async function readLimited(body: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new HttpError('ERR_UPSTREAM_INVALID', `${what} is larger than ${limit} bytes`, {
        hint: 'metadata that large is refused; nothing was cached',
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks that `value` is a packument of `name` and returns it with only well-formed versions
 * (a version with an unsafe version string or no manifest is dropped). Throws otherwise.
 */
export function asPackument(value: unknown, name: string): Packument {
  if (!isObject(value) || value.name !== name || !isObject(value.versions)) {
    throw new HttpError('ERR_UPSTREAM_INVALID', `the packument of ${name} is malformed`);
  }
  const versions: Record<string, Manifest> = {};
  for (const [v, m] of Object.entries(value.versions)) {
    if (validVersion(v) && isObject(m) && (m.dist === undefined || isObject(m.dist)))
      versions[v] = { ...m, name, version: v } as Manifest;
  }
  const tags: Record<string, string> = {};
  if (isObject(value['dist-tags'])) {
    for (const [t, v] of Object.entries(value['dist-tags'])) {
      if (typeof v === 'string' && versions[v]) tags[t] = v;
    }
  }
  const time: Record<string, string> = {};
  if (isObject(value.time)) {
    for (const [k, v] of Object.entries(value.time)) if (typeof v === 'string') time[k] = v;
  }
  return { ...value, name, versions, 'dist-tags': tags, time };
}

export function parsePackument(data: Buffer, name: string): Packument {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new HttpError('ERR_UPSTREAM_INVALID', `the packument of ${name} is not JSON`, {
      cause: err,
    });
  }
  return asPackument(value, name);
}

/** Merges packuments in member order: the first member that has a version or a tag wins it. */
export function mergePackuments(docs: Packument[]): Packument | undefined {
  const [first, ...rest] = docs;
  if (!first) return undefined;
  const out: Packument = {
    ...first,
    versions: { ...first.versions },
    'dist-tags': { ...first['dist-tags'] },
    time: { ...first.time },
  };
  for (const d of rest) {
    for (const [v, m] of Object.entries(d.versions)) out.versions[v] ??= m;
    for (const [t, v] of Object.entries(d['dist-tags'])) out['dist-tags'][t] ??= v;
    for (const [k, v] of Object.entries(d.time ?? {})) out.time![k] ??= v;
  }
  return out;
}

/** Points every version's tarball at `{base}/{name}/-/{file}` (base is the serving repository's npm URL). */
export function rewriteTarballs(doc: Packument, base: string): Packument {
  const versions: Record<string, Manifest> = {};
  for (const [v, m] of Object.entries(doc.versions)) {
    versions[v] = {
      ...m,
      dist: { ...m.dist, tarball: `${base}/${doc.name}/-/${tarballFile(doc.name, v)}` },
    };
  }
  return { ...doc, versions };
}

const ABBREVIATED_FIELDS = [
  'name',
  'version',
  'deprecated',
  'dependencies',
  'optionalDependencies',
  'devDependencies',
  'bundleDependencies',
  'bundledDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'acceptDependencies',
  'bin',
  'directories',
  'dist',
  'engines',
  'cpu',
  'os',
  'libc',
  'funding',
  'license',
  '_hasShrinkwrap',
  'hasInstallScript',
] as const;

/** The abbreviated ("corgi") packument npm asks for with `Accept: application/vnd.npm.install-v1+json`. */
export function abbreviate(doc: Packument): Record<string, unknown> {
  const versions: Record<string, Record<string, unknown>> = {};
  for (const [v, m] of Object.entries(doc.versions)) {
    const a: Record<string, unknown> = {};
    for (const f of ABBREVIATED_FIELDS) if (m[f] !== undefined) a[f] = m[f];
    versions[v] = a;
  }
  return {
    name: doc.name,
    modified: doc.time?.modified ?? new Date(0).toISOString(),
    'dist-tags': doc['dist-tags'],
    versions,
  };
}
