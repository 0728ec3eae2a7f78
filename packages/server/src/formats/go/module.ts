/**
 * Go module paths and versions as the GOPROXY protocol carries them
 * (https://go.dev/ref/mod#goproxy-protocol): case-encoded paths (`!` + lowercase for each
 * capital), canonical semantic versions, and their ordering.
 */
import { HttpError } from '../../errors.ts';

/** Encodes capitals as `!` + lowercase (golang.org/x/mod/module.EscapePath). */
export function escapeCase(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** Decodes `!x` to `X`; a capital or a stray `!` in the encoded form is invalid. */
export function unescapeCase(s: string, what: string): string {
  if (/[A-Z]/.test(s) || /![^a-z]|!$/.test(s)) {
    throw new HttpError(
      'ERR_PATH_INVALID',
      `${what} "${s}" is not case-encoded: capitals are sent as "!" + the lowercase letter`,
    );
  }
  return s.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const ELEMENT = /^[A-Za-z0-9._~-]+$/;

/** Checks a decoded module path (module.CheckPath, in short); returns it. */
export function checkModulePath(path: string): string {
  const bad = (why: string): HttpError =>
    new HttpError('ERR_PATH_INVALID', `module path "${path}" is invalid: ${why}`);
  if (path === '' || path.length > 500) throw bad('it must be 1-500 characters');
  const elems = path.split('/');
  for (const e of elems) {
    if (e === '' || e === '.' || e === '..') throw bad('it has an empty, "." or ".." element');
    if (!ELEMENT.test(e)) throw bad(`element "${e}" has characters outside A-Z a-z 0-9 . _ ~ -`);
    if (e.startsWith('.') || e.endsWith('.')) throw bad(`element "${e}" starts or ends with "."`);
  }
  const first = elems[0] ?? '';
  if (!first.includes('.') || first.startsWith('-') || !/^[a-z0-9.-]+$/.test(first)) {
    throw bad('the first element must be a lowercase host name with a dot (e.g. example.com)');
  }
  return path;
}

const SEMVER =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(\+incompatible)?$/;

/** True for a canonical module version: vMAJOR.MINOR.PATCH[-pre][+incompatible]. */
export function isCanonicalVersion(v: string): boolean {
  return SEMVER.test(v);
}

/** Checks that a version suits the module path's major-version suffix (`/vN`, N >= 2). */
export function checkVersionForPath(path: string, version: string): void {
  const m = SEMVER.exec(version);
  if (!m) {
    throw new HttpError(
      'ERR_PATH_INVALID',
      `version "${version}" is not a canonical semantic version`,
      { hint: 'use vMAJOR.MINOR.PATCH, e.g. v1.2.3 or v1.2.3-rc.1' },
    );
  }
  const major = Number(m[1]);
  const incompatible = m[5] !== undefined;
  const suffix = /\/v([2-9]|[1-9]\d+)$/.exec(path) ?? /\.v(\d+)$/.exec(path);
  if (path.startsWith('gopkg.in/')) return;
  if (suffix) {
    if (major !== Number(suffix[1]) || incompatible) {
      throw new HttpError(
        'ERR_PATH_INVALID',
        `version ${version} does not match the major version suffix of ${path}`,
      );
    }
  } else if (major >= 2 && !incompatible) {
    throw new HttpError(
      'ERR_PATH_INVALID',
      `version ${version} of ${path} needs a /v${major} suffix on the module path (or +incompatible)`,
    );
  }
}

interface Parsed {
  nums: [number, number, number];
  pre: string[];
}

function parse(v: string): Parsed | undefined {
  const m = SEMVER.exec(v);
  if (!m) return undefined;
  return { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Semantic-version order (build metadata such as +incompatible is ignored). */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) {
    const d = (pa.nums[i] ?? 0) - (pb.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The version `@latest` names: the highest release, else the highest pre-release. */
export function latestOf(versions: string[]): string | undefined {
  const sorted = [...versions].sort(compareVersions);
  const releases = sorted.filter((v) => parse(v)?.pre.length === 0);
  return releases.at(-1) ?? sorted.at(-1);
}

/** The module path a go.mod declares (the `module` directive), or undefined. */
export function moduleLine(gomod: string): string | undefined {
  for (const raw of gomod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^module\s+(?:"([^"]+)"|`([^`]+)`|(\S+))$/.exec(line);
    if (m) return m[1] ?? m[2] ?? m[3];
  }
  return undefined;
}
